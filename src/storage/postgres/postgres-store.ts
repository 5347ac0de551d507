import type { Store } from '../../domain/ports.ts';
import type { ApiKeyRecord } from '../../domain/records.ts';
import {
  applicationParams, insertSql, templateParams, toAccount, toApiKey, toApplication, toTemplate,
} from '../row-mapping.ts';
import { bindNamed, migratePostgres, openPostgres, type PgOptions } from './postgres-database.ts';
import { createPostgresExtras } from './postgres-extras.ts';
import { createPostgresPins } from './postgres-pins.ts';
import { createPostgresQueue } from './postgres-queue.ts';
import { createPostgresConsole } from './postgres-console.ts';
import { createPostgresReceipts } from './postgres-receipts.ts';

export { isStoreUnavailable, StoreUnavailableError } from './postgres-errors.ts';
export type { PgOptions as PostgresStoreOptions } from './postgres-database.ts';

/**
 * The PostgreSQL backend of the storage contract, for any number of stateless processes sharing
 * one database. Same semantics as the SQLite backend, method for method; where SQLite is atomic
 * because one process runs one statement at a time, this backend uses single statements that
 * lock what they decide on, or one transaction (see docs/storage.md).
 *
 * Connection failures surface as errors with `code = 'STORE_UNAVAILABLE'` (isStoreUnavailable).
 */
export function createPostgresStore(url: string, opts: PgOptions = {}): Store {
  const db = openPostgres(url, opts);
  // Application-wide send counters only (postgres-pins.ts): a small pool with asynchronous commit.
  const counters = openPostgres(url, { ...opts, poolSize: Math.max(2, Math.ceil((opts.poolSize ?? 10) / 4)), asyncCommit: true });

  return {
    kind: 'postgres',
    migrate: () => migratePostgres(db, opts.schema),
    async close() { await Promise.all([db.close(), counters.close()]); },
    async ping() { await db.query('SELECT 1'); },

    async createAccount(a) {
      await db.execute('INSERT INTO accounts (id, name, created_at, credit_balance) VALUES ($1, $2, $3, $4)', [a.id, a.name, a.createdAt, a.creditBalance]);
    },
    async findAccountByName(name) { const [r] = await db.query('SELECT * FROM accounts WHERE name = $1', [name]); return r && toAccount(r); },
    async getAccount(id) { const [r] = await db.query('SELECT * FROM accounts WHERE id = $1', [id]); return r && toAccount(r); },
    async listAccounts() { return (await db.query('SELECT * FROM accounts ORDER BY created_at, name')).map(toAccount); },

    async insertApiKey(k) {
      await db.execute('INSERT INTO api_keys (id, account_id, name, prefix, hash, scopes, created_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
        [k.id, k.accountId, k.name, k.prefix, k.hash, k.scopes.join(' '), k.createdAt, k.revokedAt]);
    },
    async findApiKeyByHash(hash) { const [r] = await db.query('SELECT * FROM api_keys WHERE hash = $1', [hash]); return r && toApiKey(r); },
    async listApiKeys(accountId) {
      const rows = accountId
        ? await db.query('SELECT * FROM api_keys WHERE account_id = $1 ORDER BY created_at', [accountId])
        : await db.query('SELECT * FROM api_keys ORDER BY created_at');
      return rows.map((r) => withoutHash(toApiKey(r)));
    },
    async revokeApiKey(id, now) {
      return (await db.execute('UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL', [now, id])) === 1;
    },
    async countActiveApiKeys() {
      const [r] = await db.query('SELECT count(*) AS n FROM api_keys WHERE revoked_at IS NULL');
      return Number(r?.n ?? 0);
    },

    async insertApplication(app) { const p = applicationParams(app); await db.execute(...bindNamed(insertSql('applications', p), p)); },
    async updateApplication(app) {
      await db.execute(...bindNamed(`UPDATE applications SET name = @name, enabled = @enabled, configuration = @configuration,
        notify_url = @notify_url, updated_at = @updated_at WHERE id = @id AND account_id = @account_id`, applicationParams(app)));
    },
    async getApplication(accountId, id) {
      const [r] = await db.query('SELECT * FROM applications WHERE id = $1 AND account_id = $2', [id, accountId]);
      return r && toApplication(r);
    },
    async listApplications(accountId) {
      return (await db.query('SELECT * FROM applications WHERE account_id = $1 ORDER BY created_at, seq', [accountId])).map(toApplication);
    },
    async insertTemplate(t) { const p = templateParams(t); await db.execute(...bindNamed(insertSql('templates', p), p)); },
    async updateTemplate(t) {
      await db.execute(...bindNamed('UPDATE templates SET body = @body, updated_at = @updated_at WHERE id = @id AND account_id = @account_id', templateParams(t)));
    },
    async getTemplate(accountId, applicationId, id) {
      const [r] = await db.query('SELECT * FROM templates WHERE id = $1 AND application_id = $2 AND account_id = $3', [id, applicationId, accountId]);
      return r && toTemplate(r);
    },
    async listTemplates(accountId, applicationId) {
      return (await db.query('SELECT * FROM templates WHERE application_id = $1 AND account_id = $2 ORDER BY created_at, seq', [applicationId, accountId])).map(toTemplate);
    },

    ...createPostgresPins(db, counters),
    ...createPostgresQueue(db),
    ...createPostgresExtras(db),
    ...createPostgresConsole(db),
    ...createPostgresReceipts(db),
  };
}

function withoutHash(k: ApiKeyRecord & { hash?: Buffer }): ApiKeyRecord {
  const { hash: _hash, ...rest } = k;
  return rest;
}
