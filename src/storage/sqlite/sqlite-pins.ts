import type { LimitRefusal, LimitSpec, SendOutcome, Store, VerifyAttempt } from '../../domain/ports.ts';
import { deliveryParams, pinParams, toPin } from '../row-mapping.ts';
import { rowInserts, statementCache, type SqliteDb } from './sqlite-database.ts';
import { groupCommit } from './group-commit.ts';

type PinMethods = Pick<Store, 'acceptSend' | 'getPin' | 'beginVerifyAttempt' | 'markVerified' | 'listVerifications'>;

/**
 * Rate limits are anchored windows: the first event opens a window of `periodMs`; up to `max`
 * events pass inside it; the first event after it opens the next one. One UPSERT decides and
 * counts at once, so concurrent requests can never both take the last slot.
 */
const CONSUME_LIMIT = `
  INSERT INTO rate_limits (key, window_start, count, expires_at) VALUES (@key, @now, 1, @now + @period)
  ON CONFLICT (key) DO UPDATE SET
    count = CASE WHEN rate_limits.window_start + @period <= @now THEN 1 ELSE rate_limits.count + 1 END,
    window_start = CASE WHEN rate_limits.window_start + @period <= @now THEN @now ELSE rate_limits.window_start END,
    expires_at = CASE WHEN rate_limits.window_start + @period <= @now THEN @now + @period ELSE rate_limits.window_start + @period END
  WHERE rate_limits.window_start + @period <= @now OR rate_limits.count < @max
  RETURNING count`;

export function createSqlitePins(db: SqliteDb): PinMethods {
  const q = statementCache(db);
  const insert = rowInserts(db);
  const consume = () => q(CONSUME_LIMIT);
  const windowOf = () => q('SELECT window_start, count FROM rate_limits WHERE key = ?');
  const findIdem = () => q('SELECT request_hash, response FROM idempotency_keys WHERE account_id = ? AND key = ? AND expires_at > ?');
  const saveIdem = () => q('INSERT OR REPLACE INTO idempotency_keys (account_id, key, request_hash, response, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)');
  const getPin = () => q('SELECT * FROM pins WHERE id = ? AND account_id = ?');
  const pinState = () => q('SELECT verified_at, multiple_verifications FROM pins WHERE id = ?');
  const takeAttempt = () => q(`UPDATE pins SET attempts_used = attempts_used + 1
    WHERE id = ? AND attempts_used < max_attempts AND (multiple_verifications = 1 OR verified_at IS NULL) RETURNING attempts_used`);

  const giveBack = () => q('UPDATE rate_limits SET count = count - 1 WHERE key = ?');
  const forget = () => q('DELETE FROM rate_limits WHERE key = ?');

  // Group commit needs writes that report expected refusals as return values (group-commit.ts),
  // and a send refused by its second limit must not keep the slot its first one took. Each limit
  // is counted by one UPSERT; when one refuses, the ones already counted in this call are given
  // back exactly: a count of 1 means this call opened the window (before it there was none, or
  // an expired one, which behaves the same), so the row goes; otherwise the count drops by one.
  // One connection, synchronous calls: nothing interleaves between count and give-back.
  function consumeAll(limits: readonly LimitSpec[], now: number): LimitRefusal | undefined {
    const counted: { key: string; count: number }[] = [];
    for (const limit of limits) {
      const row = consume().get({ key: limit.key, now, period: limit.periodMs, max: limit.max }) as { count: number } | undefined;
      if (row) { counted.push({ key: limit.key, count: row.count }); continue; }
      for (const c of counted) (c.count === 1 ? forget() : giveBack()).run(c.key);
      const window = windowOf().get(limit.key) as { window_start: number } | undefined;
      return { kind: 'limited', label: limit.label, retryAfterMs: Math.max(1, (window?.window_start ?? now) + limit.periodMs - now) };
    }
    return undefined;
  }

  const acceptTx = groupCommit(db, (plan: Parameters<Store['acceptSend']>[0]): SendOutcome => {
    const idem = plan.idempotency;
    if (idem) {
      const prior = findIdem().get(plan.accountId, idem.key, plan.now) as { request_hash: string; response: string } | undefined;
      if (prior) return prior.request_hash === idem.requestHash ? { kind: 'replay', response: JSON.parse(prior.response) } : { kind: 'idempotency_conflict' };
    }
    const refusal = consumeAll(plan.limits, plan.now);
    if (refusal) return refusal;
    if (plan.pin) insert('pins', pinParams(plan.pin));
    insert('deliveries', deliveryParams(plan.delivery));
    if (idem) saveIdem().run(plan.accountId, idem.key, idem.requestHash, JSON.stringify(idem.response), plan.now, idem.expiresAt);
    return { kind: 'accepted' };
  });

  const verifyTx = groupCommit(db, (pinId: string, limit: LimitSpec, now: number): VerifyAttempt => {
    const state = pinState().get(pinId) as { verified_at: number | null; multiple_verifications: number } | undefined;
    if (!state) return { kind: 'exhausted' };
    if (state.verified_at !== null && state.multiple_verifications === 0) return { kind: 'already_verified' };
    const refusal = consumeAll([limit], now);
    if (refusal) return refusal;
    const row = takeAttempt().get(pinId) as { attempts_used: number } | undefined;
    return row ? { kind: 'attempt', attemptsUsed: row.attempts_used } : { kind: 'exhausted' };
  });

  return {
    acceptSend: acceptTx,
    async getPin(accountId, id) { const r = getPin().get(id, accountId) as Record<string, unknown> | undefined; return r && toPin(r); },
    beginVerifyAttempt: verifyTx,
    markVerified: groupCommit(db, (pinId: string, now: number, singleUse: boolean) => {
      const sql = singleUse
        ? 'UPDATE pins SET verified_at = ? WHERE id = ? AND verified_at IS NULL'
        : 'UPDATE pins SET verified_at = coalesce(verified_at, ?) WHERE id = ?';
      return q(sql).run(now, pinId).changes === 1;
    }),
    async listVerifications(accountId, applicationId, msisdn) {
      const rows = q(`SELECT destination, verified_at, created_at, sent_at FROM pins
        WHERE account_id = ? AND application_id = ? AND destination = ? ORDER BY created_at DESC, rowid DESC LIMIT 1000`)
        .all(accountId, applicationId, msisdn) as Record<string, number | string | null>[];
      return rows.map((r) => ({
        msisdn: String(r.destination), verified: r.verified_at !== null, verifiedAt: r.verified_at === null ? null : Number(r.verified_at),
        sentAt: Number(r.created_at), delivered: r.sent_at !== null,
      }));
    },
  };
}
