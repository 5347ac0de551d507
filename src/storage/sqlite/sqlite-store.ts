import type { Store } from '../../domain/ports.ts';
import type { ApiKeyRecord } from '../../domain/records.ts';
import {
  applicationParams, templateParams, toAccount, toApiKey, toApplication, toTemplate,
} from '../row-mapping.ts';
import { migrateSqlite, openSqlite, rowInserts, statementCache, type SqliteDb } from './sqlite-database.ts';
import { createSqlitePins } from './sqlite-pins.ts';
import { createSqliteQueue } from './sqlite-queue.ts';
import { createSqliteRetention } from './sqlite-retention.ts';
import { createSqliteExtras } from './sqlite-extras.ts';
import { createSqliteConsole } from './sqlite-console.ts';
import { createSqliteReceipts } from './sqlite-receipts.ts';
import { startCheckpointThread, WRITER_CHECKPOINT_PAGES, type CheckpointThread } from './checkpoint-thread.ts';

type Row = Record<string, unknown>;

export interface SqliteStoreOptions {
  /** Rows per retention batch (tests use small batches). */
  pruneBatch?: number;
  /** WAL checkpoints on a thread of their own instead of in the commit that fills the WAL (checkpoint-thread.ts). */
  checkpointThread?: boolean;
}

/**
 * The SQLite backend of the storage contract (one process). better-sqlite3 is synchronous, so
 * every method runs to completion without interleaving: a method that needs several statements
 * wraps them in one transaction and is atomic by construction.
 */
export function createSqliteStore(file: string, opts: SqliteStoreOptions = {}): Store {
  const db = openSqlite(file);
  let checkpoints: CheckpointThread | undefined;
  if (opts.checkpointThread && file !== ':memory:') {
    db.pragma(`wal_autocheckpoint = ${WRITER_CHECKPOINT_PAGES}`);
    checkpoints = startCheckpointThread(file);
  }
  const q = statementCache(db);
  const insert = rowInserts(db);
  const all = (sql: string, ...p: unknown[]) => q(sql).all(...p) as Row[];
  const get = (sql: string, ...p: unknown[]) => q(sql).get(...p) as Row | undefined;

  return {
    kind: 'sqlite',
    async migrate() { return migrateSqlite(db); },
    async close() { await checkpoints?.stop(); db.close(); },
    async ping() { q('SELECT 1').get(); },

    async createAccount(a) {
      q('INSERT INTO accounts (id, name, created_at, credit_balance) VALUES (?, ?, ?, ?)').run(a.id, a.name, a.createdAt, a.creditBalance);
    },
    async findAccountByName(name) { const r = get('SELECT * FROM accounts WHERE name = ?', name); return r && toAccount(r); },
    async getAccount(id) { const r = get('SELECT * FROM accounts WHERE id = ?', id); return r && toAccount(r); },
    async listAccounts() { return all('SELECT * FROM accounts ORDER BY created_at, name').map(toAccount); },
    async insertApiKey(k) {
      q('INSERT INTO api_keys (id, account_id, name, prefix, hash, scopes, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(k.id, k.accountId, k.name, k.prefix, k.hash, k.scopes.join(' '), k.createdAt, k.revokedAt);
    },
    async findApiKeyByHash(hash) { const r = get('SELECT * FROM api_keys WHERE hash = ?', hash); return r && toApiKey(r); },
    async listApiKeys(accountId) {
      const rows = accountId ? all('SELECT * FROM api_keys WHERE account_id = ? ORDER BY created_at', accountId) : all('SELECT * FROM api_keys ORDER BY created_at');
      return rows.map((r) => withoutHash(toApiKey(r)));
    },
    async revokeApiKey(id, now) {
      return q('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(now, id).changes === 1;
    },
    async countActiveApiKeys() { return Number(get('SELECT count(*) AS n FROM api_keys WHERE revoked_at IS NULL')?.n ?? 0); },

    async insertApplication(app) { insert('applications', applicationParams(app)); },
    async updateApplication(app) {
      q('UPDATE applications SET name = @name, enabled = @enabled, configuration = @configuration, notify_url = @notify_url, updated_at = @updated_at WHERE id = @id AND account_id = @account_id')
        .run(applicationParams(app));
    },
    async getApplication(accountId, id) { const r = get('SELECT * FROM applications WHERE id = ? AND account_id = ?', id, accountId); return r && toApplication(r); },
    async listApplications(accountId) { return all('SELECT * FROM applications WHERE account_id = ? ORDER BY created_at, rowid', accountId).map(toApplication); },
    async insertTemplate(t) { insert('templates', templateParams(t)); },
    async updateTemplate(t) {
      q('UPDATE templates SET body = @body, updated_at = @updated_at WHERE id = @id AND account_id = @account_id').run(templateParams(t));
    },
    async getTemplate(accountId, applicationId, id) {
      const r = get('SELECT * FROM templates WHERE id = ? AND application_id = ? AND account_id = ?', id, applicationId, accountId);
      return r && toTemplate(r);
    },
    async listTemplates(accountId, applicationId) {
      return all('SELECT * FROM templates WHERE application_id = ? AND account_id = ? ORDER BY created_at, rowid', applicationId, accountId).map(toTemplate);
    },

    ...createSqlitePins(db),
    ...createSqliteQueue(db),
    ...createSqliteRetention(db, opts.pruneBatch),
    ...createSqliteExtras(db),
    ...createSqliteConsole(db),
    ...createSqliteReceipts(db),
  };
}

function withoutHash(k: ApiKeyRecord & { hash?: Buffer }): ApiKeyRecord {
  const { hash: _hash, ...rest } = k;
  return rest;
}

export type { SqliteDb };
