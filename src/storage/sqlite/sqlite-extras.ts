import type { Store } from '../../domain/ports.ts';
import { statementCache, type SqliteDb } from './sqlite-database.ts';
import { toEmailContent, toWebhook } from '../row-mapping.ts';

type ExtraMethods = Pick<Store, 'setCreditBalance' | 'addCredits' | 'reserveCredits' | 'listCharges'
  | 'enqueueWebhook' | 'claimWebhooks' | 'finishWebhook' | 'listWebhooks'
  | 'createEmailContent' | 'updateEmailContent' | 'getEmailContent' | 'listEmailContents' | 'addOptOut' | 'isOptedOut'>;
type Row = Record<string, unknown>;

/** Credits (a conditional UPDATE cannot overspend), the delivery-report outbox, email bodies and opt-outs on SQLite. */
export function createSqliteExtras(db: SqliteDb): ExtraMethods {
  const q = statementCache(db);
  return {
    async setCreditBalance(accountId, balance) { q('UPDATE accounts SET credit_balance = ? WHERE id = ?').run(balance, accountId); },
    async addCredits(accountId, amount) {
      const r = q('UPDATE accounts SET credit_balance = round(credit_balance + ?, 4) WHERE id = ? AND credit_balance IS NOT NULL RETURNING credit_balance').get(amount, accountId) as Row | undefined;
      return r ? Number(r.credit_balance) : null;
    },
    async reserveCredits(accountId, amount) {
      const r = q(`UPDATE accounts SET credit_balance = round(credit_balance - @amount, 4)
        WHERE id = @id AND (credit_balance IS NULL OR credit_balance >= @amount) RETURNING 1 AS ok`).get({ id: accountId, amount }) as Row | undefined;
      return r !== undefined;
    },
    async listCharges(accountId, limit) {
      // Priced deliveries still stored, then the charges the retention archived (always older).
      return (q(`SELECT id, pin_id, destination, price, ended_at, updated_at, rowid AS o FROM deliveries WHERE account_id = @a AND price > 0
        UNION ALL SELECT delivery_id, pin_id, destination, price, ended_at, updated_at, rowid FROM charges WHERE account_id = @a
        ORDER BY updated_at DESC, o DESC LIMIT @limit`).all({ a: accountId, limit }) as Row[]).map((r) => ({
        deliveryId: String(r.id), pinId: String(r.pin_id), to: String(r.destination), price: Number(r.price),
        endedAt: r.ended_at === null ? null : Number(r.ended_at),
      }));
    },
    async enqueueWebhook(e) {
      q(`INSERT INTO webhook_events (id, account_id, application_id, delivery_id, url, body, state, attempts, next_attempt_at, last_error, created_at, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(e.id, e.accountId, e.applicationId, e.deliveryId, e.url, e.body, e.state, e.attempts, e.nextAttemptAt, e.lastError, e.createdAt, e.createdAt);
    },
    async claimWebhooks(owner, now, leaseMs, limit) {
      return (q(`UPDATE webhook_events SET lease_owner = @owner, lease_until = @until, attempts = attempts + 1, updated_at = @now
        WHERE id IN (SELECT id FROM webhook_events WHERE state = 'pending' AND next_attempt_at <= @now
          AND (lease_until IS NULL OR lease_until < @now) ORDER BY next_attempt_at LIMIT @limit)
        RETURNING *`).all({ owner, now, until: now + leaseMs, limit }) as Row[]).map(toWebhook);
    },
    async finishWebhook(id, owner, o, now) {
      const state = o.delivered ? 'delivered' : o.giveUp ? 'failed' : 'pending';
      q(`UPDATE webhook_events SET state = ?, next_attempt_at = ?, last_error = ?, lease_owner = NULL, lease_until = NULL, updated_at = ?
        WHERE id = ? AND lease_owner = ?`).run(state, o.nextAttemptAt, o.error ?? null, now, id, owner);
    },
    async listWebhooks(deliveryId) {
      return (q('SELECT * FROM webhook_events WHERE delivery_id = ? ORDER BY created_at').all(deliveryId) as Row[]).map(toWebhook);
    },
    async createEmailContent(c) {
      return db.transaction(() => {
        const id = c.id ?? Number((q('SELECT coalesce(max(id), 0) + 1 AS n FROM email_contents WHERE account_id = ?').get(c.accountId) as Row).n);
        q(`INSERT INTO email_contents (account_id, id, name, subject, text_body, html_body, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
          .run(c.accountId, id, c.name, c.subject, c.text, c.html, c.createdAt, c.updatedAt);
        return { ...c, id };
      }).immediate();
    },
    async updateEmailContent(c) {
      q('UPDATE email_contents SET name = ?, subject = ?, text_body = ?, html_body = ?, updated_at = ? WHERE account_id = ? AND id = ?')
        .run(c.name, c.subject, c.text, c.html, c.updatedAt, c.accountId, c.id);
    },
    async getEmailContent(accountId, id) {
      const r = q('SELECT * FROM email_contents WHERE account_id = ? AND id = ?').get(accountId, id) as Row | undefined;
      return r && toEmailContent(r);
    },
    async listEmailContents(accountId) {
      return (q('SELECT * FROM email_contents WHERE account_id = ? ORDER BY id').all(accountId) as Row[]).map(toEmailContent);
    },
    async addOptOut(accountId, address, landingPageId, now) {
      q('INSERT INTO email_optouts (account_id, address, landing_page_id, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING')
        .run(accountId, address.toLowerCase(), landingPageId, now);
    },
    async isOptedOut(accountId, address) {
      return q('SELECT 1 FROM email_optouts WHERE account_id = ? AND address = ?').get(accountId, address.toLowerCase()) !== undefined;
    },
  };
}
