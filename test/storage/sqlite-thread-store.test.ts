import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { Worker } from 'node:worker_threads';
import { startThread } from '../../src/threads/start-thread.ts';
import { createSqliteStore } from '../../src/storage/sqlite/sqlite-store.ts';
import { createThreadedSqliteStore } from '../../src/storage/sqlite/thread/sqlite-thread-store.ts';
import { errorFromWire, errorToWire, fromWire, toWire } from '../../src/storage/sqlite/thread/wire.ts';
import type { Store } from '../../src/domain/ports.ts';
import { createOwner, insertPin, type Owner } from './contract/fixtures.ts';
import { runStoreContract } from './store-contract.ts';

/** The shared storage contract on SQLite behind its own thread, checkpoints on theirs (the server's default). */
runStoreContract('sqlite (own thread)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'open2fa-store-'));
  const store = createThreadedSqliteStore(join(dir, 'open2fa.sqlite'), { checkpointThread: true });
  return {
    store,
    async cleanup() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('SQLite thread', () => {
  test('what one thread wrote the other reads from the same file, Buffers intact', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'open2fa-store-'));
    const file = join(dir, 'open2fa.sqlite');
    try {
      const threaded = createThreadedSqliteStore(file);
      await threaded.migrate();
      const owner = await createOwner(threaded);
      const { pin } = await insertPin(threaded, owner);
      const read = await threaded.getPin(owner.accountId, pin.id);
      assert.ok(read && Buffer.isBuffer(read.seed) && Buffer.isBuffer(read.hash), 'seed and hash come back as Buffers');
      assert.deepEqual(read, pin);
      await threaded.close();
      const direct = createSqliteStore(file);
      assert.deepEqual(await direct.getPin(owner.accountId, pin.id), pin);
      await direct.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('concurrent sends of one turn all commit, and calls after close are refused', async () => {
    await withThreadedStore(async (store, owner) => {
      const made = await Promise.all(Array.from({ length: 200 }, () => insertPin(store, owner)));
      const found = await Promise.all(made.map(({ pin }) => store.getPin(owner.accountId, pin.id)));
      assert.equal(found.filter(Boolean).length, 200);
      await store.close();
      await assert.rejects(store.ping(), (err: Error & { code?: string }) => err.code === 'STORE_UNAVAILABLE');
    });
  });

  test('a thread that dies fails the calls in flight with STORE_UNAVAILABLE; the next call starts a new one', async () => {
    const spawned: Worker[] = [];
    const spawn = (data: Record<string, unknown>) => {
      const w = startThread(new URL('../../src/storage/sqlite/thread/sqlite-thread-worker.ts', import.meta.url), data);
      spawned.push(w);
      return w;
    };
    await withThreadedStore(async (store, owner) => {
      const { pin } = await insertPin(store, owner);
      const inFlight = store.listAccounts();
      await spawned[0]?.terminate();
      await assert.rejects(inFlight, (err: Error & { code?: string }) => err.code === 'STORE_UNAVAILABLE' && /SQLite thread stopped/.test(err.message));
      assert.deepEqual(await store.getPin(owner.accountId, pin.id), pin, 'a new thread on the same file serves what was committed');
      assert.equal(spawned.length, 2);
    }, spawn);
  });

  test('a store error reaches the caller with its message and code', async () => {
    await withThreadedStore(async (store, owner) => {
      const { pin } = await insertPin(store, owner);
      // The same PIN id twice violates the primary key inside the SQLite thread.
      await assert.rejects(insertPin(store, owner, { id: pin.id }), (err: Error & { code?: string }) => {
        assert.match(err.message, /UNIQUE constraint failed: pins\.id/);
        assert.equal(err.code, 'SQLITE_CONSTRAINT_PRIMARYKEY');
        return true;
      });
    });
  });
});

/** A threaded store on a fresh file, migrated, with an owner; closed and removed afterwards. */
async function withThreadedStore(fn: (store: Store, owner: Owner) => Promise<void>, spawn?: (data: Record<string, unknown>) => Worker): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'open2fa-store-'));
  const store = createThreadedSqliteStore(join(dir, 'open2fa.sqlite'), {}, spawn);
  try {
    await store.migrate();
    await fn(store, await createOwner(store));
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('thread wire format', () => {
  test('a Buffer cut from a larger pool travels as its own bytes only, and comes back a Buffer', () => {
    const pool = Buffer.alloc(4096, 7);
    const seed = pool.subarray(100, 116);
    const record = { id: 'p1', seed, nested: [{ hash: Buffer.from('abc') }] };
    const wire = toWire(record) as { seed: Uint8Array };
    assert.notEqual(wire, record, 'a copy is made, the caller keeps its object');
    assert.equal(record.seed, seed);
    assert.equal(wire.seed.buffer.byteLength, 16);
    const clone = structuredClone(wire);
    const back = fromWire(clone) as typeof record;
    assert.ok(Buffer.isBuffer(back.seed) && Buffer.isBuffer(back.nested[0]?.hash));
    assert.deepEqual(back.seed, seed);
    const plain = { a: 1, b: ['x'] };
    assert.equal(toWire(plain), plain, 'nothing to compact: the same object');
  });

  test('errors keep name, message and code', () => {
    const err = Object.assign(new TypeError('boom'), { code: 'X_CODE', detail: { deep: true } });
    const back = errorFromWire(structuredClone(errorToWire(err))) as Error & { code?: string; detail?: unknown };
    assert.equal(back.name, 'TypeError');
    assert.equal(back.message, 'boom');
    assert.equal(back.code, 'X_CODE');
    assert.equal(back.detail, undefined, 'only plain values travel');
  });
});
