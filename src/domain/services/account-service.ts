import { hash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { DomainError } from '../errors.ts';
import { newId } from '../ids.ts';
import type { Clock, Store } from '../ports.ts';
import { ALL_SCOPES, type Account, type ApiKeyRecord, type Scope } from '../records.ts';

export interface Principal {
  accountId: string;
  keyId: string;
  scopes: readonly Scope[];
}

/** Keys look like Infobip's: 32 hex, a dash, a UUID. Only their SHA-256 is stored. */
export function generateApiKey(): string {
  return `${randomBytes(16).toString('hex')}-${randomUUID()}`;
}

export function hashApiKey(key: string): Buffer {
  // The one-shot form: no Hash object per request (every authenticated request hashes its key).
  return hash('sha256', key, 'buffer') as unknown as Buffer;
}

export function createAccountService(deps: { store: Store; clock: Clock }) {
  const { store, clock } = deps;

  async function createAccount(name: string): Promise<Account> {
    if (await store.findAccountByName(name)) throw new DomainError('CONFLICT', `An account named "${name}" already exists`);
    const account: Account = { id: newId(), name, createdAt: clock.now(), creditBalance: null };
    await store.createAccount(account);
    return account;
  }

  async function ensureAccount(name: string): Promise<Account> {
    return (await store.findAccountByName(name)) ?? createAccount(name);
  }

  async function createApiKey(input: { accountId: string; name?: string; scopes?: readonly Scope[]; key?: string }) {
    const key = input.key ?? generateApiKey();
    const record: ApiKeyRecord = {
      id: newId(), accountId: input.accountId, name: input.name ?? 'api key', prefix: key.slice(0, 8),
      scopes: [...(input.scopes ?? ALL_SCOPES)], createdAt: clock.now(), revokedAt: null,
    };
    await store.insertApiKey({ ...record, hash: hashApiKey(key) });
    return { key, record };
  }

  /** Resolves `Authorization: App <key>` or `Bearer <key>`; undefined for anything that is not a live key. */
  async function authenticate(key: string): Promise<Principal | undefined> {
    const hash = hashApiKey(key);
    const found = await store.findApiKeyByHash(hash);
    // The lookup is by hash; the explicit constant-time compare keeps the check honest even if a
    // backend ever matched loosely (collation, prefix index).
    if (!found || found.revokedAt !== null || !timingSafeEqual(found.hash, hash)) return undefined;
    return { accountId: found.accountId, keyId: found.id, scopes: found.scopes };
  }

  /**
   * Start-up: with a configured bootstrap key, make sure account `default` holds it; otherwise,
   * when no live key exists at all, create one and return it so the server can print it once.
   */
  async function bootstrap(configuredKey: string | undefined): Promise<{ createdKey?: string }> {
    // Several processes starting at once on one empty database race here (unique account name,
    // unique key hash). The loser's insert fails; on a second look it finds the winner's work.
    for (let attempt = 1; ; attempt++) {
      try {
        return await bootstrapOnce(configuredKey);
      } catch (err) {
        if (attempt >= 3) throw err;
        await new Promise((r) => setTimeout(r, 50 * attempt));
      }
    }
  }

  async function bootstrapOnce(configuredKey: string | undefined): Promise<{ createdKey?: string }> {
    if (configuredKey) {
      if (!(await store.findApiKeyByHash(hashApiKey(configuredKey)))) {
        const account = await ensureAccount('default');
        await createApiKey({ accountId: account.id, name: 'bootstrap (OPEN2FA_BOOTSTRAP_API_KEY)', key: configuredKey });
      }
      return {};
    }
    if ((await store.countActiveApiKeys()) > 0) return {};
    const account = await ensureAccount('default');
    const { key } = await createApiKey({ accountId: account.id, name: 'bootstrap (first start)' });
    return { createdKey: key };
  }

  return { createAccount, ensureAccount, createApiKey, authenticate, bootstrap };
}

export type AccountService = ReturnType<typeof createAccountService>;
