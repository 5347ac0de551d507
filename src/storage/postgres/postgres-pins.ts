import type { LimitRefusal, LimitSpec, SendOutcome, SendPlan, Store } from '../../domain/ports.ts';
import { deliveryParams, pinParams, toPin } from '../row-mapping.ts';
import type { PgDatabase, Queryable } from './postgres-database.ts';

type PinMethods = Pick<Store, 'acceptSend' | 'getPin' | 'beginVerifyAttempt' | 'markVerified' | 'listVerifications'>;

// Raised by the functions of migration 006 when a limit refuses: message = label, detail = wait ms.
const LIMITED_SQLSTATE = 'O2L01';

function limitedFrom(err: unknown): LimitRefusal | undefined {
  const e = err as { code?: unknown; message?: string; detail?: string } | null;
  if (e?.code !== LIMITED_SQLSTATE) return undefined;
  return { kind: 'limited', label: String(e.message), retryAfterMs: Math.max(1, Number(e.detail) || 1) };
}

/** A row for jsonb_populate_record: bytea as '\\x…' hex text, everything else as it is. */
function jsonRow(row: Record<string, unknown>): string {
  return JSON.stringify(row, (_k, v: unknown) => (v && typeof v === 'object' && (v as { type?: string }).type === 'Buffer'
    ? `\\x${Buffer.from((v as { data: number[] }).data).toString('hex')}` : v));
}

// A conflicting key can change under us only if it expires or is pruned meanwhile; a few rounds settle it.
const IDEMPOTENCY_ROUNDS = 5;

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

/**
 * `db` is the durable pool; `counters` a pool with asynchronous commit for the application-wide
 * send limit (LimitSpec.shared). That row is counted by every send of an application: counted
 * inside the send's transaction, its lock would be held across the commit's WAL flush and all
 * sends of the application — in every process — would queue behind one another. Counted in its
 * own asynchronous transaction first, the lock lasts microseconds. Cost: a database crash may
 * lose the last fraction of a second of those counts (the limit then allows a few sends more);
 * the count is given back when the send does not happen.
 */
export function createPostgresPins(db: PgDatabase, counters: PgDatabase = db): PinMethods {
  async function countShared(limits: readonly LimitSpec[], now: number): Promise<LimitRefusal | undefined> {
    for (const [i, limit] of limits.entries()) {
      const [row] = await counters.query<{ wait: number }>('SELECT open2fa_count_limit($1, $2, $3, $4) AS wait', [limit.key, now, limit.periodMs, limit.max]);
      const wait = Number(row?.wait ?? 0);
      if (wait > 0) {
        await refund(limits.slice(0, i), now);
        return { kind: 'limited', label: limit.label, retryAfterMs: wait };
      }
    }
    return undefined;
  }
  async function refund(limits: readonly LimitSpec[], now: number): Promise<void> {
    for (const limit of limits) await counters.execute('SELECT open2fa_refund_limit($1, $2)', [limit.key, now]).catch(() => undefined);
  }

  async function insertAll(tx: Queryable, plan: SendPlan, limits: readonly LimitSpec[]): Promise<void> {
    await tx.execute('SELECT open2fa_accept_send($1::jsonb, $2, $3::jsonb, $4::jsonb)', [
      JSON.stringify(limits.map(({ key, max, periodMs, label }) => ({ key, max, periodMs, label }))), plan.now,
      plan.pin ? jsonRow(pinParams(plan.pin)) : null, jsonRow(deliveryParams(plan.delivery)),
    ]);
  }

  return {
    // Without an idempotency key: the shared limit, then ONE statement (limits, PIN, delivery).
    // With one: the key row first in a transaction (a concurrent duplicate waits on it), then the
    // same statement inside it. A refusal or failure gives the shared count back.
    async acceptSend(plan) {
      const shared = plan.limits.filter((l) => l.shared);
      const own = plan.limits.filter((l) => !l.shared);
      const refused = await countShared(shared, plan.now);
      if (refused) return refused;
      try {
        if (!plan.idempotency) {
          await insertAll(db, plan, own);
          return { kind: 'accepted' };
        }
        const outcome = await db.transaction(async (tx): Promise<SendOutcome> => {
          const decided = await takeIdempotencyKey(tx, plan);
          if (decided) return decided;
          await insertAll(tx, plan, own);
          return { kind: 'accepted' };
        });
        if (outcome.kind !== 'accepted') await refund(shared, plan.now);
        return outcome;
      } catch (err) {
        await refund(shared, plan.now);
        const limited = limitedFrom(err);
        if (limited) return limited;
        throw err;
      }
    },

    async getPin(accountId, id) {
      const [r] = await db.query('SELECT * FROM pins WHERE id = $1 AND account_id = $2', [id, accountId]);
      return r && toPin(r);
    },

    // One statement (migration 006): lock the PIN row, check it, count the verify limit, take
    // an attempt — the same answers SQLite gives by running alone.
    async beginVerifyAttempt(pinId, limit, now) {
      try {
        const [row] = await db.query<{ kind: 'attempt' | 'exhausted' | 'already_verified'; attempts_used: number | null }>(
          'SELECT kind, attempts_used FROM open2fa_verify_attempt($1, $2, $3, $4, $5, $6)', [pinId, limit.key, now, limit.periodMs, limit.max, limit.label]);
        if (row?.kind === 'attempt') return { kind: 'attempt', attemptsUsed: Number(row.attempts_used) };
        return { kind: row?.kind === 'already_verified' ? 'already_verified' : 'exhausted' };
      } catch (err) {
        const limited = limitedFrom(err);
        if (limited) return limited;
        throw err;
      }
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
