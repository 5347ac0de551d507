import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { isConnectionFailure, isRetryableConflict, toStoreError } from './postgres-errors.ts';

export type Row = Record<string, unknown>;

/** What both the pool and a transaction's client offer: rows, or the number of rows touched. */
export interface Queryable {
  query<R extends Row = Row>(sql: string, params?: unknown[]): Promise<R[]>;
  execute(sql: string, params?: unknown[]): Promise<number>;
}

export interface PgDatabase extends Queryable {
  /** Runs `fn` inside BEGIN … COMMIT on one connection; any throw rolls back and is rethrown. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface PgOptions {
  poolSize?: number;
  /** Tables live in this schema (created by migrate()); set as the connections' search_path. */
  schema?: string;
  /** How long to wait for a connection before the store counts as unavailable. */
  connectTimeoutMs?: number;
  /**
   * synchronous_commit=off for this pool's sessions: a commit returns before its WAL is flushed
   * and releases its row locks at once. Only for counters whose last increments a database crash
   * may lose (see postgres-pins.ts); never for PINs or deliveries.
   */
  asyncCommit?: boolean;
}

// Runs of one transaction when the earlier ones provably did nothing (deadlock victim,
// serialization failure, connection dead before BEGIN): running it again is safe.
const MAX_TX_RUNS = 3;

// Lower case only: search_path folds unquoted names to lower case, CREATE SCHEMA quotes them.
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export function assertSchemaName(schema: string): void {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`Invalid PostgreSQL schema name "${schema}": use lower-case letters, digits and _`);
}

/**
 * BIGINT (epoch ms, counts) arrives as a string by default because it may exceed 2^53. Ours never
 * do, and the records want numbers: parse INT8 to Number, for this pool's clients only (the
 * global pg.types stay untouched for anything else in the process).
 */
function typeParsers(): pg.TypeOverrides {
  const types = new pg.TypeOverrides();
  types.setTypeParser(pg.types.builtins.INT8, Number);
  return types;
}

export function openPostgres(url: string, opts: PgOptions = {}): PgDatabase {
  if (opts.schema !== undefined) assertSchemaName(opts.schema);
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.poolSize ?? 10,
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 5000,
    types: typeParsers(),
    ...(sessionOptions(opts) ? { options: sessionOptions(opts) } : {}),
  });
  // An idle client whose server went away emits 'error' on the pool; unhandled, that would crash
  // the process. The pool drops that client by itself and the next query reports the failure.
  pool.on('error', () => {});
  let ended = false;

  async function onPool<T>(work: () => Promise<T>): Promise<T> {
    try { return await work(); } catch (err) { throw toStoreError(err); }
  }

  return {
    query: (sql, params) => onPool(async () => (await pool.query(sql, params)).rows),
    execute: (sql, params) => onPool(async () => (await pool.query(sql, params)).rowCount ?? 0),

    async transaction(fn) {
      for (let run = 1; ; run++) {
        const client = await onPool(() => pool.connect());
        let broken: unknown;
        let begun = false;
        // A checked-out client has no 'error' listener (the pool removes its own until release):
        // a server ending the connection between two statements (restart: 57P01) would emit an
        // unhandled 'error' and crash the process. Note it; the next statement fails as well.
        const onClientError = (err: Error) => { broken ??= err; };
        client.on('error', onClientError);
        try {
          await client.query('BEGIN');
          begun = true;
          const result = await fn(clientQueryable(client));
          await client.query('COMMIT');
          return result;
        } catch (err) {
          if (isConnectionFailure(err)) broken = err;
          else await client.query('ROLLBACK').catch((rollbackErr: unknown) => { broken = rollbackErr; });
          // A pooled connection the server dropped while idle (restart, failover) fails at BEGIN,
          // before anything was attempted: another connection may succeed.
          const staleConnection = !begun && isConnectionFailure(err);
          if ((isRetryableConflict(err) || staleConnection) && run < MAX_TX_RUNS) continue;
          throw toStoreError(err);
        } finally {
          client.removeListener('error', onClientError);
          // A client whose connection failed must not go back to the pool.
          client.release(broken instanceof Error ? broken : broken === undefined ? undefined : true);
        }
      }
    },

    async close() {
      if (ended) return;
      ended = true;
      await pool.end();
    },
  };
}

function sessionOptions(opts: PgOptions): string | undefined {
  const settings = [
    ...(opts.schema !== undefined ? [`-c search_path=${opts.schema}`] : []),
    ...(opts.asyncCommit ? ['-c synchronous_commit=off'] : []),
  ];
  return settings.length ? settings.join(' ') : undefined;
}

function clientQueryable(client: pg.PoolClient): Queryable {
  return {
    async query<R extends Row = Row>(sql: string, params?: unknown[]) { return (await client.query(sql, params)).rows as R[]; },
    async execute(sql, params) { return (await client.query(sql, params)).rowCount ?? 0; },
  };
}

/**
 * Rewrites `@name` placeholders (the style row-mapping's insertSql and the SQLite backend use)
 * to `$n`, one number per distinct name, and collects the values in that order.
 */
export function bindNamed(sql: string, params: Row): [string, unknown[]] {
  const order = new Map<string, number>();
  const text = sql.replace(/@([a-z_][a-z0-9_]*)/gi, (_, name: string) => {
    if (!(name in params)) throw new Error(`No value for @${name}`);
    let n = order.get(name);
    if (n === undefined) { n = order.size + 1; order.set(name, n); }
    return `$${n}`;
  });
  return [text, [...order.keys()].map((k) => params[k])];
}

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
