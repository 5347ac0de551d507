import type { SqliteDb } from './sqlite-database.ts';

/**
 * Group commit for SQLite writes. A commit costs far more than the statements in it (the WAL
 * write), so writes that arrive in the same turn of the event loop are run in ONE transaction,
 * each inside its own savepoint: a write that throws rolls back alone and rejects alone, the
 * others commit together, and every caller is answered only after the commit.
 * Atomicity per write is unchanged — better-sqlite3 turns a transaction function called inside
 * another transaction into a savepoint.
 */
export function groupCommit<A extends unknown[], R>(db: SqliteDb, write: (...args: A) => R): (...args: A) => Promise<R> {
  const step = db.transaction(write);
  let pending: { args: A; resolve(r: R): void; reject(e: unknown): void }[] = [];

  const flush = () => {
    const batch = pending;
    pending = [];
    const results: ({ ok: true; value: R } | { ok: false; error: unknown })[] = [];
    try {
      db.transaction(() => {
        for (const item of batch) {
          try {
            results.push({ ok: true, value: step(...item.args) });
          } catch (error) {
            results.push({ ok: false, error });
          }
        }
      }).immediate();
    } catch (error) {
      // The commit itself failed: nothing of the batch is stored.
      for (const item of batch) item.reject(error);
      return;
    }
    batch.forEach((item, i) => {
      const r = results[i] as (typeof results)[number];
      if (r.ok) item.resolve(r.value);
      else item.reject(r.error);
    });
  };

  return (...args: A) => new Promise<R>((resolve, reject) => {
    if (pending.length === 0) setImmediate(flush);
    pending.push({ args, resolve, reject });
  });
}
