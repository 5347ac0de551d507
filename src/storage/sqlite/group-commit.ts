import type { SqliteDb } from './sqlite-database.ts';

/**
 * Group commit for SQLite writes. A commit costs far more than the statements in it (the WAL
 * write), so writes that arrive in the same turn of the event loop run in ONE transaction, and
 * every caller is answered only after that commit.
 *
 * Writes must report expected refusals (a rate limit, a conflict) as return values and throw
 * only on the unexpected. Then the batch needs no savepoint per write (those cost ~10 µs each):
 * if any write throws, the whole batch rolls back and each write runs again alone in its own
 * transaction, so only the failing one fails. Writes are functions of their arguments, so
 * running one again after a rollback is safe.
 */
export function groupCommit<A extends unknown[], R>(db: SqliteDb, write: (...args: A) => R): (...args: A) => Promise<R> {
  type Item = { args: A; resolve(r: R): void; reject(e: unknown): void };
  const runBatch = db.transaction((batch: Item[]) => batch.map((item) => write(...item.args)));
  const runAlone = db.transaction((args: A) => write(...args));
  let pending: Item[] = [];

  const flush = () => {
    const batch = pending;
    pending = [];
    let results: R[];
    try {
      results = runBatch.immediate(batch);
    } catch {
      for (const item of batch) {
        try {
          item.resolve(runAlone.immediate(item.args));
        } catch (error) {
          item.reject(error);
        }
      }
      return;
    }
    batch.forEach((item, i) => item.resolve(results[i] as R));
  };

  return (...args: A) => new Promise<R>((resolve, reject) => {
    if (pending.length === 0) setImmediate(flush);
    pending.push({ args, resolve, reject });
  });
}
