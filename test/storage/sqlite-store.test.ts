import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { createSqliteStore } from '../../src/storage/sqlite/sqlite-store.ts';
import { createOwner, insertPin } from './contract/fixtures.ts';
import { runStoreContract } from './store-contract.ts';

/** The shared storage contract on SQLite (a fresh database file per test), plus SQLite specifics. */
runStoreContract('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'open2fa-store-'));
  const store = createSqliteStore(join(dir, 'open2fa.sqlite'));
  return {
    store,
    async cleanup() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

const migrationVersions = (backend: string) =>
  readdirSync(new URL(`../../src/storage/${backend}/migrations/`, import.meta.url)).filter((f) => /^\d+_.+\.sql$/.test(f)).sort();

describe('SQLite specifics', () => {
  test('a reopened file keeps its data and applies no migration twice', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'open2fa-store-'));
    const file = join(dir, 'nested', 'open2fa.sqlite');
    try {
      const first = createSqliteStore(file);
      assert.ok((await first.migrate()) >= 1);
      const owner = await createOwner(first);
      const { pin } = await insertPin(first, owner);
      await first.close();
      const again = createSqliteStore(file);
      assert.equal(await again.migrate(), 0);
      assert.deepEqual(await again.getPin(owner.accountId, pin.id), pin);
      await again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('retention prunes a backlog in batches, serving the event loop between them, and steps over unfinished PINs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'open2fa-store-'));
    const store = createSqliteStore(join(dir, 'open2fa.sqlite'), { pruneBatch: 4 });
    try {
      await store.migrate();
      const owner = await createOwner(store);
      const T = 1_000_000_000_000;
      // An unfinished delivery first in expiry order: it must stay and must not stall the batches.
      const unfinished = await insertPin(store, owner, { expiresAt: T - 1000 }, { nextAttemptAt: T });
      const gone: string[] = [];
      for (let i = 0; i < 10; i++) {
        const { pin, delivery } = await insertPin(store, owner, { expiresAt: T + i }, { state: 'done', final: true });
        gone.push(pin.id);
        assert.ok(delivery.id);
      }
      // Count event-loop turns other work gets while the prune runs (3 PIN batches of 4, at least).
      let turns = 0;
      let pruning = true;
      const tick = () => setImmediate(() => { turns++; if (pruning) tick(); });
      tick();
      const removed = await store.pruneBefore(T + 10 * 86_400_000, 86_400_000);
      pruning = false;
      assert.equal(removed, 20, '10 PINs and their 10 finished deliveries');
      assert.ok(turns >= 2, `the event loop ran between batches (${turns} turns)`);
      for (const id of gone) assert.equal(await store.getPin(owner.accountId, id), undefined);
      assert.ok(await store.getPin(owner.accountId, unfinished.pin.id));
      assert.ok(await store.getDelivery(unfinished.delivery.id));
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('every migration has a PostgreSQL twin with the same number and name', () => {
    // The backends share row-mapping and this suite: a schema change made on one side only
    // would pass SQLite and break PostgreSQL deployments.
    assert.deepEqual(migrationVersions('postgres'), migrationVersions('sqlite'));
  });
});
