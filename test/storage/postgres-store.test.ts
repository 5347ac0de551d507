import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import { createPostgresStore, isStoreUnavailable } from '../../src/storage/postgres/postgres-store.ts';
import { createOwner, insertPin, limit, MINUTE, T0 } from './contract/fixtures.ts';
import { runStoreContract } from './store-contract.ts';
import { PG_URL, whenPostgres } from '../scale/lib.ts';

/**
 * The shared storage contract on PostgreSQL, plus what only PostgreSQL has: concurrent
 * migrations, connection failures, scoped type parsers. Every store gets its own schema
 * (o2_test_<run>_<n>), dropped when its test ends; whatever a crash leaves is dropped at the end.
 * Unreachable PostgreSQL skips the file, except in CI where it fails: there the run is required.
 */
const url = PG_URL;
const run = `o2_test_${randomBytes(4).toString('hex')}`;
let schemas = 0;
const nextSchema = () => `${run}_${++schemas}`;


describe('isStoreUnavailable', () => {
  test('recognises connection failures, raw or mapped, and nothing else', () => {
    const coded = (code: string, message = 'x') => Object.assign(new Error(message), { code });
    for (const e of [coded('ECONNREFUSED'), coded('57P01'), coded('08006'), coded('08001'), coded('STORE_UNAVAILABLE'),
      new Error('timeout exceeded when trying to connect'), new Error('Connection terminated unexpectedly')]) {
      assert.equal(isStoreUnavailable(e), true, `${(e as { code?: string }).code ?? e.message}`);
    }
    for (const e of [coded('23505'), coded('40P01'), new Error('syntax error'), undefined, 'ECONNREFUSED']) assert.equal(isStoreUnavailable(e), false);
  });
});

await whenPostgres('Store contract: postgres', () => {
  const admin = new pg.Pool({ connectionString: url, max: 2 });
  const dropSchema = (schema: string) => admin.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
  after(async () => {
    const left = await admin.query<{ nspname: string }>("SELECT nspname FROM pg_namespace WHERE nspname LIKE $1 || '\\_%'", [run]);
    for (const { nspname } of left.rows) await dropSchema(nspname);
    await admin.end();
  });

  runStoreContract('postgres', async () => {
    const schema = nextSchema();
    const store = createPostgresStore(url, { schema, poolSize: 10 });
    return { store, async cleanup() { await store.close(); await dropSchema(schema); } };
  });

  describe('PostgreSQL specifics', () => {
    test('processes migrating one empty schema at once: one applies, the others wait and find it done', async () => {
      const schema = nextSchema();
      const stores = Array.from({ length: 4 }, () => createPostgresStore(url, { schema, poolSize: 2 }));
      try {
        const ran = (await Promise.all(stores.map((s) => s.migrate()))).sort();
        assert.ok(ran[3]! >= 1, `applied ${ran[3]}`);
        assert.deepEqual(ran.slice(0, 3), [0, 0, 0]);
        const applied = await admin.query(`SELECT version FROM ${pg.escapeIdentifier(schema)}.schema_migrations`);
        assert.equal(applied.rowCount, ran[3]);
      } finally {
        await Promise.all(stores.map((s) => s.close()));
        await dropSchema(schema);
      }
    });

    test('an unreachable server is STORE_UNAVAILABLE, for single statements and transactions', async () => {
      const store = createPostgresStore('postgres://postgres@127.0.0.1:1/test', { schema: nextSchema() });
      try {
        for (const call of [() => store.ping(), () => store.migrate(), () => store.beginVerifyAttempt('x', limit('k', 1, MINUTE), T0)]) {
          await assert.rejects(call(), (err: Error & { code?: string }) => err.code === 'STORE_UNAVAILABLE' && isStoreUnavailable(err));
        }
      } finally {
        await store.close();
        await store.close(); // close() is idempotent
      }
    });

    test('a connection killed mid-statement (57P01) is STORE_UNAVAILABLE; the next call reconnects', async () => {
      const schema = nextSchema();
      const appName = `${schema}_victim`;
      const store = createPostgresStore(`${url}${url.includes('?') ? '&' : '?'}application_name=${appName}`, { schema, poolSize: 2 });
      const locker = await admin.connect();
      try {
        await store.migrate();
        const owner = await createOwner(store);
        const { pin } = await insertPin(store, owner);
        await locker.query('BEGIN');
        await locker.query(`SELECT 1 FROM ${pg.escapeIdentifier(schema)}.pins WHERE id = $1 FOR UPDATE`, [pin.id]);
        // Settled into a value right away: it fails while the test is still busy killing it.
        const blocked = store.beginVerifyAttempt(pin.id, limit('verify:kill', 10, MINUTE), T0).then(() => undefined, (err: unknown) => err);
        await waitFor(async () => (await admin.query("SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'", [appName])).rowCount === 1);
        await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [appName]);
        const err = await blocked;
        assert.equal((err as { code?: string } | undefined)?.code, 'STORE_UNAVAILABLE', String(err));
        assert.equal(((err as Error).cause as { code?: string }).code, '57P01');
        await locker.query('ROLLBACK');
        await store.ping();
        assert.equal((await store.beginVerifyAttempt(pin.id, limit('verify:kill', 10, MINUTE), T0)).kind, 'attempt');
      } finally {
        locker.release();
        await store.close();
        await dropSchema(schema);
      }
    });

    test('BIGINT is parsed to numbers for the store only, not for every pg user in the process', async () => {
      const schema = nextSchema();
      const store = createPostgresStore(url, { schema });
      try {
        await store.migrate();
        const big = 2 ** 40 + 1;
        await store.createAccount({ id: 'a', name: 'a', createdAt: big, creditBalance: 0.1 });
        assert.deepEqual(await store.getAccount('a'), { id: 'a', name: 'a', createdAt: big, creditBalance: 0.1 });
        assert.deepEqual(await store.countQueued(big), { depth: 0, oldestAgeMs: 0 });
      } finally {
        await store.close();
        await dropSchema(schema);
      }
      assert.equal(pg.types.getTypeParser(20, 'text')('9007199254740993'), '9007199254740993');
    });

    test('two processes settling the two parts of one SMS at once: exactly one decides, every time', async () => {
      const schema = nextSchema();
      // Two stores, two pools: two open2fa processes whose binds each got one part's receipt.
      const [a, b] = [createPostgresStore(url, { schema, poolSize: 2 }), createPostgresStore(url, { schema, poolSize: 2 })];
      try {
        await a.migrate();
        await b.migrate();
        for (let round = 0; round < 20; round++) {
          const deliveryId = `d${round}`;
          await a.expectReceipts(deliveryId, 'primary', [`${round}-1`, `${round}-2`], T0 + MINUTE);
          const settled = await Promise.all([a.settleReceipt('primary', `${round}-1`, true), b.settleReceipt('primary', `${round}-2`, true)]);
          assert.deepEqual(settled.map((s) => s?.deliveryId), [deliveryId, deliveryId], `round ${round}`);
          assert.equal(settled.filter((s) => s?.decided).length, 1, `round ${round}: ${JSON.stringify(settled)}`);
        }
      } finally {
        await Promise.all([a.close(), b.close()]);
        await dropSchema(schema);
      }
    });

    test('schema names are checked before use', () => {
      assert.throws(() => createPostgresStore(url, { schema: 'x; DROP TABLE pins' }), /Invalid PostgreSQL schema name/);
    });
  });
}, url);

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
