import type { ClaimedDelivery, Store } from '../../domain/ports.ts';
import { sandboxParams, toDelivery, toSandboxMessage, reportColumns } from '../row-mapping.ts';
import { rowInserts, statementCache, type SqliteDb } from './sqlite-database.ts';
import { groupCommit } from './group-commit.ts';

type QueueMethods = Pick<Store,
  'claimDeliveries' | 'extendLease' | 'recordReport' | 'retryLater' | 'listDeliveries' | 'getDelivery' | 'expireWaiting'
  | 'countQueued' | 'insertSandboxMessage' | 'listSandboxMessages' | 'getSandboxAudio'>;
type Row = Record<string, unknown>;

const pinOf = (r: Row): ClaimedDelivery['pin'] => ({
  id: String(r.pin_id), seed: r.pin_seed as Buffer, pinType: r.pin_type as ClaimedDelivery['pin']['pinType'],
  pinLength: Number(r.pin_length), expiresAt: Number(r.pin_expires_at),
});

/**
 * The delivery queue on SQLite. A job is claimed by taking a lease; a job whose lease ran out
 * (its worker died) is claimed again. `attempts` counts claims, so the worker can end a job
 * that keeps failing with a final status instead of retrying forever.
 */
export function createSqliteQueue(db: SqliteDb): QueueMethods {
  const q = statementCache(db);
  const insert = rowInserts(db);
  const claim = () => q(`UPDATE deliveries SET state = 'running', lease_owner = @owner, lease_until = @until,
      attempts = attempts + 1, updated_at = @now
    WHERE id IN (SELECT id FROM deliveries
      WHERE (state = 'queued' AND next_attempt_at <= @now) OR (state = 'running' AND lease_until < @now)
      ORDER BY next_attempt_at LIMIT @limit)
    RETURNING *`);
  const pinFor = () => q('SELECT id AS pin_id, seed AS pin_seed, pin_type, pin_length, expires_at AS pin_expires_at FROM pins WHERE id = ?');
  const markSent = () => q('UPDATE pins SET sent_at = coalesce(sent_at, ?) WHERE id = ?');
  const report = () => q(`UPDATE deliveries SET status = @status, final = @final, reached = @reached,
      state = CASE WHEN @final = 1 THEN 'done' ELSE 'waiting' END, lease_owner = NULL, lease_until = NULL, updated_at = @now,
      channel_id = @channel_id, result_code = coalesce(@result_code, result_code), detail = coalesce(@detail, detail),
      sender_used = coalesce(@sender_used, sender_used), ringing_at = coalesce(@ringing_at, ringing_at),
      answered_at = coalesce(@answered_at, answered_at), ended_at = coalesce(@ended_at, ended_at),
      dtmf_repeats = coalesce(@dtmf_repeats, dtmf_repeats), amd_verdict = coalesce(@amd_verdict, amd_verdict),
      price = coalesce(@price, price), provider_message_id = coalesce(@provider_message_id, provider_message_id),
      audio_file = coalesce(@audio_file, audio_file)
    WHERE id = @id AND final = 0 AND (@owner IS NULL OR lease_owner = @owner)
    RETURNING pin_id`);

  const claimTx = db.transaction((owner: string, now: number, leaseMs: number, limit: number): ClaimedDelivery[] => {
    const rows = claim().all({ owner, now, until: now + leaseMs, limit }) as Row[];
    return rows.map((r) => ({ delivery: toDelivery(r), pin: pinOf(pinFor().get(r.pin_id) as Row) }));
  });

  const reportTx = groupCommit(db, (id: string, owner: string | null, r: Parameters<Store['recordReport']>[2], now: number) => {
    const row = report().get({ ...reportColumns(r), id, owner, now, final: r.final ? 1 : 0, reached: r.reached ? 1 : 0 }) as { pin_id: string } | undefined;
    if (row && r.reached) markSent().run(now, row.pin_id);
    return row !== undefined;
  });

  return {
    async claimDeliveries(owner, now, leaseMs, limit) { return claimTx.immediate(owner, now, leaseMs, limit); },
    async extendLease(id, owner, until) {
      return q("UPDATE deliveries SET lease_until = ? WHERE id = ? AND lease_owner = ? AND state = 'running'").run(until, id, owner).changes === 1;
    },
    async recordReport(id, owner, r, now) { return reportTx(id, owner, r, now); },
    async retryLater(id, owner, nextAttemptAt, detail, now) {
      return q(`UPDATE deliveries SET state = 'queued', next_attempt_at = ?, detail = ?, lease_owner = NULL, lease_until = NULL, updated_at = ?
        WHERE id = ? AND lease_owner = ? AND final = 0`).run(nextAttemptAt, detail, now, id, owner).changes === 1;
    },
    async listDeliveries(accountId, pinId) {
      return (q('SELECT * FROM deliveries WHERE pin_id = ? AND account_id = ? ORDER BY created_at, rowid').all(pinId, accountId) as Row[]).map(toDelivery);
    },
    async getDelivery(id) { const r = q('SELECT * FROM deliveries WHERE id = ?').get(id) as Row | undefined; return r && toDelivery(r); },
    async expireWaiting(before, status, now) {
      return q("UPDATE deliveries SET state = 'done', final = 1, status = ?, updated_at = ? WHERE state = 'waiting' AND updated_at < ?").run(status, now, before).changes;
    },
    async countQueued(now) {
      const r = q("SELECT count(*) AS n, min(next_attempt_at) AS oldest FROM deliveries WHERE state = 'queued'").get() as { n: number; oldest: number | null };
      return { depth: Number(r.n), oldestAgeMs: r.oldest === null ? 0 : Math.max(0, now - Number(r.oldest)) };
    },
    async insertSandboxMessage(m) { insert('sandbox_messages', sandboxParams(m)); },
    async listSandboxMessages(accountId, to, limit) {
      const rows = q(`SELECT s.*, p.seed AS pin_seed, p.pin_type, p.pin_length, p.expires_at AS pin_expires_at
        FROM sandbox_messages s JOIN pins p ON p.id = s.pin_id
        WHERE s.account_id = ? AND s.destination = ? ORDER BY s.created_at DESC, s.rowid DESC LIMIT ?`).all(accountId, to, limit) as Row[];
      return rows.map((r) => ({ ...toSandboxMessage(r), pin: pinOf(r) }));
    },
    async getSandboxAudio(accountId, deliveryId) {
      const r = q('SELECT audio_file FROM sandbox_messages WHERE account_id = ? AND delivery_id = ? AND audio_file IS NOT NULL').get(accountId, deliveryId) as Row | undefined;
      return r ? String(r.audio_file) : undefined;
    },
  };
}
