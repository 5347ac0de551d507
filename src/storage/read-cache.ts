import { FifoMap } from '../domain/fifo-map.ts';
import type { Store } from '../domain/ports.ts';

/**
 * A short-lived read cache in front of the three lookups every API request makes: the API key
 * (authentication), the application and the message template (each send). They change rarely
 * and are read thousands of times a second; on PostgreSQL each read is a network round trip.
 *
 * Consistency: a write made through this process (update an application or template, revoke a
 * key) drops the cached entry at once. A write made by another process (a second server on the
 * same PostgreSQL, the CLI beside a SQLite server) is seen within `ttlMs` — documented in
 * docs/storage.md. Misses are not cached, so a key or application created elsewhere works at once.
 * Time is the monotonic clock of this process, not the injectable domain clock: staleness is
 * about real time.
 */
export function withReadCache(store: Store, ttlMs: number, maxEntries = 10_000): Store {
  if (ttlMs <= 0) return store;
  const entries = new FifoMap<string, { value: unknown; until: number }>();

  async function cached<T>(key: string, load: () => Promise<T | undefined>): Promise<T | undefined> {
    const now = performance.now();
    const hit = entries.get(key);
    if (hit && hit.until > now) return hit.value as T;
    const value = await load();
    if (value === undefined) { entries.delete(key); return undefined; }
    entries.set(key, { value, until: now + ttlMs });
    entries.trimTo(maxEntries); // oldest first out
    return value;
  }
  const drop = (prefix: string) => { for (const k of entries.keys()) if (k.startsWith(prefix)) entries.delete(k); };

  return {
    ...store,
    findApiKeyByHash: (hash) => cached(`key:${hash.toString('hex')}`, () => store.findApiKeyByHash(hash)),
    async revokeApiKey(id, now) {
      drop('key:'); // keyed by hash, not id: revocations are rare, drop them all
      return store.revokeApiKey(id, now);
    },
    getApplication: (accountId, id) => cached(`app:${accountId}:${id}`, () => store.getApplication(accountId, id)),
    async updateApplication(app) {
      entries.delete(`app:${app.accountId}:${app.id}`);
      await store.updateApplication(app);
      entries.delete(`app:${app.accountId}:${app.id}`);
    },
    getTemplate: (accountId, applicationId, id) => cached(`tpl:${accountId}:${applicationId}:${id}`, () => store.getTemplate(accountId, applicationId, id)),
    async updateTemplate(template) {
      const key = `tpl:${template.accountId}:${template.applicationId}:${template.id}`;
      entries.delete(key);
      await store.updateTemplate(template);
      entries.delete(key);
    },
  };
}
