import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { PgDatabase } from './postgres-database.ts';

const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

interface Migration { version: number; file: string; sql: string }

function migrationFiles(): Migration[] {
  return readdirSync(MIGRATIONS_DIR)
    .filter((f) => /^\d+_.+\.sql$/.test(f))
    .sort()
    .map((file) => ({ version: Number(file.split('_')[0]), file, sql: readFileSync(join(MIGRATIONS_DIR, file), 'utf8') }));
}

/**
 * Applies the numbered forward-only migrations (`NNN_name.sql`) not applied yet; returns how many
 * ran. Several processes may start at once against an empty database: each takes the same
 * transaction-scoped advisory lock first, so one applies everything while the others wait, then
 * find nothing left to do. DDL is transactional in PostgreSQL, so a failing migration leaves no
 * half-made schema behind and nothing is recorded.
 */
export async function migratePostgres(db: PgDatabase, schema: string | undefined): Promise<number> {
  const migrations = migrationFiles();
  return db.transaction(async (tx) => {
    // Keyed by schema: deployments (or test runs) in different schemas do not wait for each other.
    await tx.query("SELECT pg_advisory_xact_lock(hashtext('open2fa:migrate:' || coalesce($1::text, current_schema(), '')))", [schema ?? null]);
    if (schema !== undefined) await tx.execute(`CREATE SCHEMA IF NOT EXISTS ${pg.escapeIdentifier(schema)}`);
    await tx.execute('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)');
    const applied = new Set((await tx.query<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => Number(r.version)));
    let ran = 0;
    for (const m of migrations) {
      if (applied.has(m.version)) continue;
      await tx.execute(m.sql); // no parameters: the simple protocol runs the whole file
      await tx.execute('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.file, Date.now()]);
      ran++;
    }
    return ran;
  });
}
