import type { ClaimedDelivery, Store } from '../../domain/ports.ts';
import { insertSql, sandboxParams, toDelivery, toSandboxMessage, reportColumns } from '../row-mapping.ts';
import { bindNamed, type PgDatabase, type Row } from './postgres-database.ts';

type QueueMethods = Pick<Store,
  'claimDeliveries' | 'extendLease' | 'recordReport' | 'retryLater' | 'listDeliveries' | 'getDelivery' | 'expireWaiting'
  | 'countQueued' | 'insertSandboxMessage' | 'listSandboxMessages' | 'getSandboxAudio' | 'pruneBefore'>;

const pinOf = (r: Row): ClaimedDelivery['pin'] => ({
  id: String(r.pin_id), seed: r.pin_seed as Buffer, pinType: r.pin_type as ClaimedDelivery['pin']['pinType'],
  pinLength: Number(r.pin_length), expiresAt: Number(r.pin_expires_at),
});

/**
 * Claiming in one statement. Due jobs and jobs whose lease ran out are locked with SKIP LOCKED,
 * so concurrent claimers (any number of processes) each take different rows and never wait for
 * one another; a row another claimer updated meanwhile is re-checked against WHERE and dropped
 * when no longer due. The PIN's seed comes with the job (pins are never locked: seeds are
 * immutable, and a PIN is not pruned while a delivery refers to it).
 */
const CLAIM = `
  WITH c AS (
    SELECT id, pin_id FROM deliveries
    WHERE (state = 'queued' AND next_attempt_at <= $1) OR (state = 'running' AND lease_until < $1)
    ORDER BY next_attempt_at, seq
    LIMIT $4
    FOR UPDATE SKIP LOCKED
  )
  UPDATE deliveries d SET state = 'running', lease_owner = $2, lease_until = $3, attempts = d.attempts + 1, updated_at = $1
  FROM c LEFT JOIN pins p ON p.id = c.pin_id
  WHERE d.id = c.id
  RETURNING d.*, p.seed AS pin_seed, p.pin_type, p.pin_length, p.expires_at AS pin_expires_at`;

/**
 * A report and its effect on the PIN in one statement (data-modifying CTEs run exactly once and
 * commit together). `final` rows are never touched again; a lease owner must still hold the job.
 */
const RECORD_REPORT = `
  WITH d AS (
    UPDATE deliveries SET status = @status, final = @final::boolean, reached = @reached::boolean,
      state = CASE WHEN @final::boolean THEN 'done' ELSE 'waiting' END, lease_owner = NULL, lease_until = NULL, updated_at = @now,
      channel_id = @channel_id, result_code = coalesce(@result_code, result_code), detail = coalesce(@detail, detail),
      sender_used = coalesce(@sender_used, sender_used), ringing_at = coalesce(@ringing_at, ringing_at),
      answered_at = coalesce(@answered_at, answered_at), ended_at = coalesce(@ended_at, ended_at),
      dtmf_repeats = coalesce(@dtmf_repeats, dtmf_repeats), amd_verdict = coalesce(@amd_verdict, amd_verdict),
      price = coalesce(@price, price), provider_message_id = coalesce(@provider_message_id, provider_message_id),
      audio_file = coalesce(@audio_file, audio_file)
    WHERE id = @id AND NOT final AND (@owner::text IS NULL OR lease_owner = @owner::text)
    RETURNING pin_id
  ), sent AS (
    UPDATE pins SET sent_at = coalesce(pins.sent_at, @now) FROM d WHERE pins.id = d.pin_id AND @reached::boolean
    RETURNING pins.id
  )
  SELECT count(*) AS n FROM d`;

export function createPostgresQueue(db: PgDatabase): QueueMethods {
  return {
    async claimDeliveries(owner, now, leaseMs, limit) {
      const rows = await db.query(CLAIM, [now, owner, now + leaseMs, limit]);
      // RETURNING has no order; hand jobs out oldest-due first, as they were picked.
      rows.sort((a, b) => Number(a.next_attempt_at) - Number(b.next_attempt_at) || Number(a.seq) - Number(b.seq));
      return rows.map((r) => ({ delivery: toDelivery(r), pin: pinOf(r) }));
    },
    async extendLease(id, owner, until) {
      return (await db.execute("UPDATE deliveries SET lease_until = $1 WHERE id = $2 AND lease_owner = $3 AND state = 'running'", [until, id, owner])) === 1;
    },
    async recordReport(id, owner, r, now) {
      const [row] = await db.query(...bindNamed(RECORD_REPORT, { ...reportColumns(r), id, owner, now, final: r.final, reached: r.reached }));
      return Number(row?.n ?? 0) === 1;
    },
    async retryLater(id, owner, nextAttemptAt, detail, now) {
      return (await db.execute(`UPDATE deliveries SET state = 'queued', next_attempt_at = $1, detail = $2, lease_owner = NULL, lease_until = NULL, updated_at = $3
        WHERE id = $4 AND lease_owner = $5 AND NOT final`, [nextAttemptAt, detail, now, id, owner])) === 1;
    },
    async listDeliveries(accountId, pinId) {
      return (await db.query('SELECT * FROM deliveries WHERE pin_id = $1 AND account_id = $2 ORDER BY created_at, seq', [pinId, accountId])).map(toDelivery);
    },
    async getDelivery(id) {
      const [r] = await db.query('SELECT * FROM deliveries WHERE id = $1', [id]);
      return r && toDelivery(r);
    },
    async expireWaiting(before, status, now) {
      return db.execute("UPDATE deliveries SET state = 'done', final = true, status = $1, updated_at = $2 WHERE state = 'waiting' AND updated_at < $3", [status, now, before]);
    },
    async countQueued(now) {
      const [r] = await db.query<{ n: number; oldest: number | null }>("SELECT count(*) AS n, min(next_attempt_at) AS oldest FROM deliveries WHERE state = 'queued'");
      const oldest = r?.oldest ?? null;
      return { depth: Number(r?.n ?? 0), oldestAgeMs: oldest === null ? 0 : Math.max(0, now - Number(oldest)) };
    },

    async insertSandboxMessage(m) { const p = sandboxParams(m); await db.execute(...bindNamed(insertSql('sandbox_messages', p), p)); },
    async listSandboxMessages(accountId, to, limit) {
      const rows = await db.query(`SELECT s.*, p.seed AS pin_seed, p.pin_type, p.pin_length, p.expires_at AS pin_expires_at
        FROM sandbox_messages s JOIN pins p ON p.id = s.pin_id
        WHERE s.account_id = $1 AND s.destination = $2 ORDER BY s.created_at DESC, s.seq DESC LIMIT $3`, [accountId, to, limit]);
      return rows.map((r) => ({ ...toSandboxMessage(r), pin: pinOf(r) }));
    },
    async getSandboxAudio(accountId, deliveryId) {
      const [r] = await db.query('SELECT audio_file FROM sandbox_messages WHERE account_id = $1 AND delivery_id = $2 AND audio_file IS NOT NULL LIMIT 1', [accountId, deliveryId]);
      return r ? String(r.audio_file) : undefined;
    },

    // All or nothing; each DELETE sees the ones before it, so a PIN whose last delivery was just
    // pruned goes in the same run (the order and the rules are SQLite's).
    async pruneBefore(now, retentionMs) {
      const cutoff = now - retentionMs;
      return db.transaction(async (tx) => {
        let n = 0;
        const pastRetention = "d.state = 'done' AND EXISTS (SELECT 1 FROM pins p WHERE p.id = d.pin_id AND p.expires_at < $1)";
        // Charges are billing records: a priced delivery leaves its charge behind (see listCharges).
        await tx.execute(`INSERT INTO charges (delivery_id, account_id, pin_id, destination, price, ended_at, updated_at)
          SELECT d.id, d.account_id, d.pin_id, d.destination, d.price, d.ended_at, d.updated_at FROM deliveries d
          WHERE d.price > 0 AND ${pastRetention} ORDER BY d.updated_at, d.seq ON CONFLICT (delivery_id) DO NOTHING`, [cutoff]);
        n += await tx.execute(`DELETE FROM deliveries d WHERE ${pastRetention}`, [cutoff]);
        n += await tx.execute('DELETE FROM sandbox_messages WHERE created_at < $1', [cutoff]);
        n += await tx.execute('DELETE FROM pins p WHERE p.expires_at < $1 AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.pin_id = p.id)', [cutoff]);
        n += await tx.execute('DELETE FROM rate_limits WHERE expires_at < $1', [now]);
        n += await tx.execute('DELETE FROM idempotency_keys WHERE expires_at < $1', [now]);
        // Delivery reports sent (or given up) longer ago than the retention; pending ones stay.
        n += await tx.execute("DELETE FROM webhook_events WHERE state <> 'pending' AND updated_at < $1", [cutoff]);
        // Receipts no longer awaited (their delivery timed out as UNKNOWN): by the expiry index.
        n += await tx.execute('DELETE FROM sms_receipts WHERE expires_at < $1', [now]);
        return n;
      });
    },
  };
}
