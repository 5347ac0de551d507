import type { Store } from '../../domain/ports.ts';
import type { PgDatabase, Row } from './postgres-database.ts';
import { toEmailContent, toWebhook } from '../row-mapping.ts';

type ExtraMethods = Pick<Store, 'setCreditBalance' | 'addCredits' | 'reserveCredits' | 'listCharges'
  | 'enqueueWebhook' | 'claimWebhooks' | 'finishWebhook' | 'listWebhooks'
  | 'createEmailContent' | 'updateEmailContent' | 'getEmailContent' | 'listEmailContents' | 'addOptOut' | 'isOptedOut'>;

// SQLite's round(x, 4) keeps balances free of binary drift (0.1 + 0.2 = 0.3); PostgreSQL rounds
// DOUBLE PRECISION only through NUMERIC.
const round4 = (expr: string) => `round((${expr})::numeric, 4)::double precision`;

/** Same as claimDeliveries: SKIP LOCKED hands each due event to exactly one claimer. */
const CLAIM_WEBHOOKS = `
  WITH c AS (
    SELECT id FROM webhook_events
    WHERE state = 'pending' AND next_attempt_at <= $1 AND (lease_until IS NULL OR lease_until < $1)
    ORDER BY next_attempt_at, seq
    LIMIT $4
    FOR UPDATE SKIP LOCKED
  )
  UPDATE webhook_events w SET lease_owner = $2, lease_until = $3, attempts = w.attempts + 1, updated_at = $1
  FROM c WHERE w.id = c.id
  RETURNING w.*`;

/** Credits (a conditional UPDATE cannot overspend), the delivery-report outbox, email bodies and opt-outs. */
export function createPostgresExtras(db: PgDatabase): ExtraMethods {
  return {
    async setCreditBalance(accountId, balance) {
      await db.execute('UPDATE accounts SET credit_balance = $1 WHERE id = $2', [balance, accountId]);
    },
    async addCredits(accountId, amount) {
      const [r] = await db.query(`UPDATE accounts SET credit_balance = ${round4('credit_balance + $1')}
        WHERE id = $2 AND credit_balance IS NOT NULL RETURNING credit_balance`, [amount, accountId]);
      return r ? Number(r.credit_balance) : null;
    },
    // The row lock makes concurrent reservations queue; each re-checks the balance the previous left.
    async reserveCredits(accountId, amount) {
      const rows = await db.query(`UPDATE accounts SET credit_balance = ${round4('credit_balance - $1')}
        WHERE id = $2 AND (credit_balance IS NULL OR credit_balance >= $1) RETURNING 1 AS ok`, [amount, accountId]);
      return rows.length > 0;
    },
    async listCharges(accountId, limit) {
      // Priced deliveries still stored, then the charges the retention archived (always older).
      const rows = await db.query(`(SELECT id, pin_id, destination, price, ended_at, updated_at, 1 AS live, seq FROM deliveries
          WHERE account_id = $1 AND price > 0 ORDER BY updated_at DESC, seq DESC LIMIT $2)
        UNION ALL (SELECT delivery_id, pin_id, destination, price, ended_at, updated_at, 0, seq FROM charges
          WHERE account_id = $1 ORDER BY updated_at DESC, seq DESC LIMIT $2)
        ORDER BY updated_at DESC, live DESC, seq DESC LIMIT $2`, [accountId, limit]);
      return rows.map((r) => ({
        deliveryId: String(r.id), pinId: String(r.pin_id), to: String(r.destination), price: Number(r.price),
        endedAt: r.ended_at === null ? null : Number(r.ended_at),
      }));
    },

    async enqueueWebhook(e) {
      await db.execute(`INSERT INTO webhook_events (id, account_id, application_id, delivery_id, url, body, state, attempts, next_attempt_at, last_error, created_at, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)`,
      [e.id, e.accountId, e.applicationId, e.deliveryId, e.url, e.body, e.state, e.attempts, e.nextAttemptAt, e.lastError, e.createdAt]);
    },
    async claimWebhooks(owner, now, leaseMs, limit) {
      const rows = await db.query(CLAIM_WEBHOOKS, [now, owner, now + leaseMs, limit]);
      rows.sort((a, b) => Number(a.next_attempt_at) - Number(b.next_attempt_at) || Number(a.seq) - Number(b.seq));
      return rows.map(toWebhook);
    },
    async finishWebhook(id, owner, o, now) {
      const state = o.delivered ? 'delivered' : o.giveUp ? 'failed' : 'pending';
      await db.execute(`UPDATE webhook_events SET state = $1, next_attempt_at = $2, last_error = $3, lease_owner = NULL, lease_until = NULL, updated_at = $4
        WHERE id = $5 AND lease_owner = $6`, [state, o.nextAttemptAt, o.error ?? null, now, id, owner]);
    },
    async listWebhooks(deliveryId) {
      return (await db.query('SELECT * FROM webhook_events WHERE delivery_id = $1 ORDER BY created_at, seq', [deliveryId])).map(toWebhook);
    },

    // Ids are numbered per account (max + 1). Creators of one account take a transaction-scoped
    // advisory lock so two never compute the same number (SQLite gets this from its write lock).
    async createEmailContent(c) {
      return db.transaction(async (tx) => {
        await tx.query("SELECT pg_advisory_xact_lock(hashtext('open2fa:email_contents:' || $1::text))", [c.accountId]);
        const id = c.id ?? Number((await tx.query('SELECT coalesce(max(id), 0) + 1 AS n FROM email_contents WHERE account_id = $1', [c.accountId]))[0]?.n);
        await tx.execute(`INSERT INTO email_contents (account_id, id, name, subject, text_body, html_body, created_at, updated_at)
          VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, [c.accountId, id, c.name, c.subject, c.text, c.html, c.createdAt, c.updatedAt]);
        return { ...c, id };
      });
    },
    async updateEmailContent(c) {
      await db.execute('UPDATE email_contents SET name = $1, subject = $2, text_body = $3, html_body = $4, updated_at = $5 WHERE account_id = $6 AND id = $7',
        [c.name, c.subject, c.text, c.html, c.updatedAt, c.accountId, c.id]);
    },
    async getEmailContent(accountId, id) {
      const [r] = await db.query('SELECT * FROM email_contents WHERE account_id = $1 AND id = $2', [accountId, id]);
      return r && toEmailContent(r);
    },
    async listEmailContents(accountId) {
      return (await db.query('SELECT * FROM email_contents WHERE account_id = $1 ORDER BY id', [accountId])).map(toEmailContent);
    },

    async addOptOut(accountId, address, landingPageId, now) {
      await db.execute('INSERT INTO email_optouts (account_id, address, landing_page_id, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
        [accountId, address.toLowerCase(), landingPageId, now]);
    },
    async isOptedOut(accountId, address) {
      return (await db.query('SELECT 1 FROM email_optouts WHERE account_id = $1 AND address = $2', [accountId, address.toLowerCase()])).length > 0;
    },
  };
}
