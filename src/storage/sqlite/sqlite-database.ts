import Database from 'better-sqlite3';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type SqliteDb = Database.Database;

const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

/**
 * Opens the database file with the settings a server needs: WAL (readers never block the
 * writer), synchronous=NORMAL (durable across process crashes; an OS crash may lose the last
 * commits, never corrupt), a busy timeout so a CLI beside the server waits instead of failing,
 * and a page cache sized for a server.
 */
export function openSqlite(file: string): SqliteDb {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  // 256 MiB of page cache at most (the default is 2 MiB; it grows only as pages are read): a year
  // of history is a few GB, and the hot index pages of sends, verifies and the retention prune
  // should stay in memory. At 1,000× history it took verify from 0.55× to ~1.0× of a new database.
  db.pragma('cache_size = -262144');
  db.pragma('foreign_keys = ON');
  // wal_autocheckpoint stays at SQLite's 1,000 pages (4 MiB) here. 64 MiB cut a send's SQLite CPU
  // by ~15 %, but each checkpoint then held the writer for tens of ms: p99 at half the maximum send
  // rate went from 7–13 ms to 37–43 ms (docs/performance.md). With a checkpoint thread the store
  // moves it to 4,000 pages, as a backstop (checkpoint-thread.ts).
  return db;
}

/** Applies numbered forward-only migrations (`NNN_name.sql`) not applied yet; returns how many ran. */
export function migrateSqlite(db: SqliteDb): number {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
  const applied = new Set((db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version));
  const files = readdirSync(MIGRATIONS_DIR).filter((f) => /^\d+_.+\.sql$/.test(f)).sort();
  let ran = 0;
  for (const file of files) {
    const version = Number(file.split('_')[0]);
    if (applied.has(version)) continue;
    const sql = readFileSync(join(MIGRATIONS_DIR, file), 'utf8');
    db.transaction(() => {
      db.exec(sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(version, file, Date.now());
    }).immediate();
    ran++;
  }
  return ran;
}

/**
 * Prepared statements cached by their text, prepared on first use (after migrations ran).
 */
export function statementCache(db: SqliteDb): (sql: string) => Database.Statement {
  const cache = new Map<string, Database.Statement>();
  return (sql) => {
    let stmt = cache.get(sql);
    if (!stmt) { stmt = db.prepare(sql); cache.set(sql, stmt); }
    return stmt;
  };
}

/**
 * INSERTs of whole rows as row-mapping builds them (pinParams, deliveryParams…), one statement per
 * table, prepared with the first row's columns. Every *Params function returns one object literal,
 * so all rows of a table have the same columns. Building the SQL on each call and finding it in
 * the statement cache cost ~3 µs per insert — a fresh 400-character string to join and hash each
 * time — and binding by name looks every column up by name in native code; values passed by
 * position in the column order cost least (measured per 32-column insert: 7.2 µs as it was,
 * 3.9 µs prepared once with names, 2.4 µs by position); a send makes two.
 */
export function rowInserts(db: SqliteDb): (table: string, row: Record<string, unknown>) => void {
  const statements = new Map<string, { stmt: Database.Statement; columns: string[] }>();
  return (table, row) => {
    let insert = statements.get(table);
    if (!insert) {
      const columns = Object.keys(row);
      insert = { stmt: db.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`), columns };
      statements.set(table, insert);
    }
    insert.stmt.run(...insert.columns.map((c) => row[c]));
  };
}
