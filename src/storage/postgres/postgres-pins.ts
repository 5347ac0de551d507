import type { LimitSpec, SendOutcome, SendPlan, Store, VerifyAttempt } from '../../domain/ports.ts';
import { deliveryParams, insertSql, pinParams, toPin } from '../row-mapping.ts';
import { bindNamed, type PgDatabase, type Queryable } from './postgres-database.ts';

type PinMethods = Pick<Store, 'acceptSend' | 'getPin' | 'beginVerifyAttempt' | 'markVerified' | 'listVerifications'>;

class Limited extends Error {
  constructor(readonly label: string, readonly retryAfterMs: number) { super(label); }
}

/**
 * Anchored-window rate limit, decided and counted by one statement (same rule as SQLite: the
 * first event opens a window of `periodMs`, up to `max` pass inside it, the first event after it
 * opens the next). Concurrent callers on one key serialize on its row: the speculative insert
 * waits for an uncommitted insert of the same key, DO UPDATE locks the row and evaluates WHERE on
 * the newest version. The lock is held until the transaction ends, so the count a rolled-back
 * send took is never seen by anyone. No row back = the window is full.
 */
const CONSUME_LIMIT = `
  INSERT INTO rate_limits AS r (key, window_start, count, expires_at) VALUES ($1, $2::bigint, 1, $2::bigint + $3::bigint)
  ON CONFLICT (key) DO UPDATE SET
    count = CASE WHEN r.window_start + $3::bigint <= $2::bigint THEN 1 ELSE r.count + 1 END,
    window_start = CASE WHEN r.window_start + $3::bigint <= $2::bigint THEN $2::bigint ELSE r.window_start END,
    expires_at = CASE WHEN r.window_start + $3::bigint <= $2::bigint THEN $2::bigint + $3::bigint ELSE r.window_start + $3::bigint END
  WHERE r.window_start + $3::bigint <= $2::bigint OR r.count < $4::integer
  RETURNING count`;

const TAKE_ATTEMPT = `UPDATE pins SET attempts_used = attempts_used + 1
  WHERE id = $1 AND attempts_used < max_attempts AND (multiple_verifications OR verified_at IS NULL)
  RETURNING attempts_used`;

// A conflicting key can change under us only if it expires or is pruned meanwhile; a few rounds settle it.
const IDEMPOTENCY_ROUNDS = 5;

async function consumeLimit(tx: Queryable, limit: LimitSpec, now: number): Promise<void> {
  const counted = await tx.query(CONSUME_LIMIT, [limit.key, now, limit.periodMs, limit.max]);
  if (counted.length > 0) return;
  // DO UPDATE locked the row even though WHERE refused it: this read is the window that refused.
  const [row] = await tx.query<{ window_start: number }>('SELECT window_start FROM rate_limits WHERE key = $1', [limit.key]);
  throw new Limited(limit.label, Math.max(1, Number(row?.window_start ?? now) + limit.periodMs - now));
}

/**
 * Takes the idempotency key for this send, or says what an earlier send with it decided.
 *
 * The key row is inserted FIRST, so a concurrent duplicate blocks on our uncommitted row until we
 * commit (then it replays our response) or roll back (then it proceeds as if alone). A committed
 * live row decides: same request hash → replay, other hash → conflict. An expired row is taken
 * over; the UPDATE re-checks expiry under the row lock, so only one taker wins.
 */
async function takeIdempotencyKey(tx: Queryable, plan: SendPlan): Promise<SendOutcome | undefined> {
  const idem = plan.idempotency;
  if (!idem) return undefined;
  const values = [plan.accountId, idem.key, idem.requestHash, JSON.stringify(idem.response), plan.now, idem.expiresAt];
  for (let round = 0; round < IDEMPOTENCY_ROUNDS; round++) {
    const inserted = await tx.query(`INSERT INTO idempotency_keys (account_id, key, request_hash, response, created_at, expires_at)
      VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (account_id, key) DO NOTHING RETURNING 1`, values);
    if (inserted.length > 0) return undefined;
    const [prior] = await tx.query<{ request_hash: string; response: string; expires_at: number }>(
      'SELECT request_hash, response, expires_at FROM idempotency_keys WHERE account_id = $1 AND key = $2', [plan.accountId, idem.key]);
    if (!prior) continue; // pruned between the two statements: insert again
    if (Number(prior.expires_at) > plan.now) {
      return prior.request_hash === idem.requestHash ? { kind: 'replay', response: JSON.parse(prior.response) } : { kind: 'idempotency_conflict' };
    }
    const replaced = await tx.execute(`UPDATE idempotency_keys SET request_hash = $3, response = $4, created_at = $5, expires_at = $6
      WHERE account_id = $1 AND key = $2 AND expires_at <= $5`, values);
    if (replaced === 1) return undefined;
  }
  throw new Error(`Idempotency key "${idem.key}" kept changing while being taken`);
}

export function createPostgresPins(db: PgDatabase): PinMethods {
  async function unlessLimited<T>(work: () => Promise<T>): Promise<T | { kind: 'limited'; label: string; retryAfterMs: number }> {
    try {
      return await work();
    } catch (err) {
      if (err instanceof Limited) return { kind: 'limited', label: err.label, retryAfterMs: err.retryAfterMs };
      throw err;
    }
  }

  return {
    // One transaction: idempotency key, every limit, the PIN and its delivery, or nothing (a
    // breach of a later limit rolls back the count an earlier one took).
    async acceptSend(plan) {
      return unlessLimited(() => db.transaction(async (tx): Promise<SendOutcome> => {
        const decided = await takeIdempotencyKey(tx, plan);
        if (decided) return decided;
        for (const limit of plan.limits) await consumeLimit(tx, limit, plan.now);
        if (plan.pin) { const p = pinParams(plan.pin); await tx.execute(...bindNamed(insertSql('pins', p), p)); }
        const d = deliveryParams(plan.delivery);
        await tx.execute(...bindNamed(insertSql('deliveries', d), d));
        return { kind: 'accepted' };
      }));
    },

    async getPin(accountId, id) {
      const [r] = await db.query('SELECT * FROM pins WHERE id = $1 AND account_id = $2', [id, accountId]);
      return r && toPin(r);
    },

    // The PIN row is locked first, so the state read here is still true when the attempt is
    // taken (a concurrent markVerified waits): the same answers SQLite gives by running alone.
    async beginVerifyAttempt(pinId, limit, now) {
      return unlessLimited(() => db.transaction(async (tx): Promise<VerifyAttempt> => {
        const [state] = await tx.query<{ verified_at: number | null; multiple_verifications: boolean }>(
          'SELECT verified_at, multiple_verifications FROM pins WHERE id = $1 FOR UPDATE', [pinId]);
        if (!state) return { kind: 'exhausted' };
        if (state.verified_at !== null && !state.multiple_verifications) return { kind: 'already_verified' };
        await consumeLimit(tx, limit, now);
        const [row] = await tx.query<{ attempts_used: number }>(TAKE_ATTEMPT, [pinId]);
        return row ? { kind: 'attempt', attemptsUsed: Number(row.attempts_used) } : { kind: 'exhausted' };
      }));
    },

    async markVerified(pinId, now, singleUse) {
      const sql = singleUse
        ? 'UPDATE pins SET verified_at = $1 WHERE id = $2 AND verified_at IS NULL'
        : 'UPDATE pins SET verified_at = coalesce(verified_at, $1) WHERE id = $2';
      return (await db.execute(sql, [now, pinId])) === 1;
    },

    async listVerifications(accountId, applicationId, msisdn) {
      const rows = await db.query<{ destination: string; verified_at: number | null; created_at: number; sent_at: number | null }>(
        `SELECT destination, verified_at, created_at, sent_at FROM pins
         WHERE account_id = $1 AND application_id = $2 AND destination = $3 ORDER BY created_at DESC, seq DESC LIMIT 1000`,
        [accountId, applicationId, msisdn]);
      return rows.map((r) => ({
        msisdn: String(r.destination), verified: r.verified_at !== null, verifiedAt: r.verified_at === null ? null : Number(r.verified_at),
        sentAt: Number(r.created_at), delivered: r.sent_at !== null,
      }));
    },
  };
}
