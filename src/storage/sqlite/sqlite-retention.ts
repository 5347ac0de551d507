import type { Store } from '../../domain/ports.ts';
import { statementCache, type SqliteDb } from './sqlite-database.ts';

/**
 * Retention on SQLite, in batches. better-sqlite3 is synchronous: one transaction over a year of
 * backlog (the first prune after an upgrade, or after retentionMs was lowered) held the process
 * for minutes — 391 s for 6 M rows in the growth benchmark — with every request waiting. Each
 * batch here is one short transaction of at most `batch` PINs (or rows), and the event loop gets
 * a turn between batches, so requests are served while a backlog drains. Every batch is
 * complete on its own: a crash between batches loses nothing and the next run continues.
 */
export function createSqliteRetention(db: SqliteDb, batch = 500): Pick<Store, 'pruneBefore'> {
  const q = statementCache(db);

  // PINs past retention, in index order from a cursor, so PINs that must stay (a delivery not
  // finished yet) are stepped over instead of being read again by every batch.
  const pinBatch = db.transaction((cutoff: number, after: { exp: number; rowid: number }) => {
    const pins = q(`SELECT rowid, id, expires_at FROM pins WHERE expires_at < ? AND (expires_at, rowid) > (?, ?)
      ORDER BY expires_at, rowid LIMIT ?`).all(cutoff, after.exp, after.rowid, batch) as { rowid: number; id: string; expires_at: number }[];
    // The batch's ids as one JSON array: three set statements per batch, not three per PIN.
    // `+state` keeps the planner on deliveries_by_pin (the state index would read every finished delivery).
    const ids = JSON.stringify(pins.map((p) => p.id));
    const inBatch = 'pin_id IN (SELECT value FROM json_each(?))';
    // Charges are billing records: a priced delivery leaves its charge behind (see listCharges).
    q(`INSERT OR IGNORE INTO charges (delivery_id, account_id, pin_id, destination, price, ended_at, updated_at)
      SELECT id, account_id, pin_id, destination, price, ended_at, updated_at FROM deliveries
      WHERE ${inBatch} AND +state = 'done' AND price > 0 ORDER BY updated_at, rowid`).run(ids);
    let n = q(`DELETE FROM deliveries WHERE ${inBatch} AND +state = 'done'`).run(ids).changes;
    n += q('DELETE FROM pins WHERE id IN (SELECT value FROM json_each(?)) AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.pin_id = pins.id)').run(ids).changes;
    const last = pins.at(-1);
    return { n, done: pins.length < batch, next: last ? { exp: last.expires_at, rowid: last.rowid } : after };
  });

  // Tables whose old rows stand alone: deleted `batch` rows at a time.
  const rowBatch = (table: string, where: string) => db.transaction((at: number) =>
    q(`DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} WHERE ${where} LIMIT ${batch})`).run(at).changes);
  const tables = [
    { run: rowBatch('sandbox_messages', 'created_at < ?'), at: 'cutoff' },
    { run: rowBatch('rate_limits', 'expires_at < ?'), at: 'now' },
    { run: rowBatch('idempotency_keys', 'expires_at < ?'), at: 'now' },
    // Delivery reports sent (or given up) longer ago than the retention; pending ones stay.
    { run: rowBatch('webhook_events', "state <> 'pending' AND updated_at < ?"), at: 'cutoff' },
    // Receipts no longer awaited (their delivery timed out as UNKNOWN): by the expiry index.
    { run: rowBatch('sms_receipts', 'expires_at < ?'), at: 'now' },
  ] as const;

  const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

  return {
    async pruneBefore(now, retentionMs) {
      const cutoff = now - retentionMs;
      let n = 0;
      for (let cursor = { exp: -Infinity, rowid: -Infinity }; ;) {
        const r = pinBatch.immediate(cutoff, cursor);
        n += r.n;
        cursor = r.next;
        if (r.done) break;
        await turn();
      }
      for (const table of tables) {
        for (;;) {
          const removed = table.run.immediate(table.at === 'now' ? now : cutoff);
          n += removed;
          if (removed < batch) break;
          await turn();
        }
      }
      return n;
    },
  };
}
