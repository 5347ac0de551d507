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

  test('every migration has a PostgreSQL twin with the same number and name', () => {
    // The backends share row-mapping and this suite: a schema change made on one side only
    // would pass SQLite and break PostgreSQL deployments.
    assert.deepEqual(migrationVersions('postgres'), migrationVersions('sqlite'));
  });
});
