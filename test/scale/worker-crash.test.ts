/**
 * Delivery workers dying and stopping (issue 5, "Must show"; the guarantee is written down in
 * docs/deployment.md):
 *   - SIGKILL: every accepted PIN still reaches a final status once another worker runs; a
 *     delivery is performed once, except one that was in progress when its worker died (its
 *     outcome was unknown, so it runs again after the lease expires: at most twice here).
 *   - SIGTERM: the worker stops claiming, finishes (or hands back) what it runs within the grace
 *     period and exits; nothing is lost and nothing is performed twice.
 * An API process (--role api) accepts the sends; worker processes (--role worker) deliver them.
 * A short lease (2 s) keeps the test fast.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import pg from 'pg';
import {
  appAndTemplate, call, captures, configFile, freshSchema, ok, whenPostgres, sleep, startServer, tally, waitFor,
} from './lib.ts';

const SLOW = '15550000010'; // sandbox: the call stays in progress for 3 s, then ends PROCESSED
const LEASE_MS = 2000;

interface Sent { pinId: string; to: string }

async function setup(t: TestContext, delivery: Record<string, unknown>) {
  const db = await freshSchema();
  t.after(() => db.drop());
  const config = configFile({ delivery: { leaseMs: LEASE_MS, pollMs: 100, retryBaseMs: 200, ...delivery } });
  t.after(() => config.remove());
  const observer = new pg.Client({ connectionString: db.url });
  await observer.connect();
  t.after(() => observer.end());
  const api = await startServer(t, { role: 'api', databaseUrl: db.url, config: config.path });
  const { appId, messageId } = await appAndTemplate(api.url as string, { sendPinPerPhoneNumberLimit: '1000/1d', sendPinPerApplicationLimit: '100000/1d' });
  /** Queue state straight from the table the workers share. */
  const states = async () => {
    const { rows } = await observer.query<{ id: string; pin_id: string; destination: string; state: string; attempts: number }>(
      'SELECT id, pin_id, destination, state, attempts FROM deliveries');
    return rows;
  };
  return { db, config, api, A: api.url as string, appId, messageId, states };
}

/** Every PIN's deliveries final, and how many times each was performed (sandbox captures per PIN). */
async function settle(A: string, sent: Sent[], timeoutMs: number) {
  const statuses = await waitFor(`all ${sent.length} PINs reach a final status`, timeoutMs, async () => {
    const all = await Promise.all(sent.map((s) => ok(A, 'GET', `/2fa/2/pin/${s.pinId}/status`)));
    return all.every((s) => s.deliveries.length === 1 && s.deliveries[0].final) ? all : undefined;
  }, 250);
  const performed = new Map<string, number>();
  for (const to of new Set(sent.map((s) => s.to))) {
    for (const m of await captures(A, to)) performed.set(m.pinId, (performed.get(m.pinId) ?? 0) + 1);
  }
  return { statuses, performed };
}

await whenPostgres('delivery workers dying and stopping', () => {
  test('a worker SIGKILLed mid-queue: every PIN ends final; only deliveries in progress at the kill may run twice', { timeout: 180_000 }, async (t) => {
    const { A, appId, messageId, states, config, db } = await setup(t, { concurrency: 8 });
    // 100 voice PINs, every fifth to the slow number; the rest to distinct ordinary numbers.
    const sent: Sent[] = [];
    for (let i = 0; i < 100; i++) {
      const to = i % 5 === 0 ? SLOW : String(41794000000 + i);
      const r = await call(A, 'POST', '/2fa/2/pin/voice', { applicationId: appId, messageId, to });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      sent.push({ pinId: r.body.pinId, to });
    }
    assert.equal((await states()).filter((d) => d.state === 'queued').length, 100, 'nothing runs before a worker starts');

    const w1 = await startServer(t, { role: 'worker', databaseUrl: db.url, config: config.path });
    // Kill once some deliveries are done, slow calls are in progress and most of the queue still waits.
    const atKill = await waitFor('deliveries done, slow calls in progress, work still queued', 30_000, async () => {
      const rows = await states();
      const slowRunning = rows.filter((d) => d.state === 'running' && d.destination === SLOW).length;
      const queued = rows.filter((d) => d.state === 'queued').length;
      const done = rows.filter((d) => d.state === 'done').length;
      return done >= 5 && slowRunning >= 2 && queued >= 20 ? rows : undefined;
    }, 20);
    w1.signal('SIGKILL');
    await w1.exited;
    // What was running when it died (read after the exit, so nothing changed since).
    const after = await states();
    const inProgress = new Set(after.filter((d) => d.state === 'running').map((d) => d.pin_id));
    const done = after.filter((d) => d.state === 'done').length;
    const queued = after.filter((d) => d.state === 'queued').length;
    t.diagnostic(`at the kill: ${done} done, ${inProgress.size} in progress (${after.filter((d) => d.state === 'running' && d.destination === SLOW).length} slow), ${queued} queued; first poll saw ${atKill.filter((d) => d.state === 'running').length} running`);
    assert.ok(done >= 1 && inProgress.size >= 1 && queued >= 1, 'the kill hit with deliveries done, in progress and queued');

    const started = Date.now();
    await startServer(t, { role: 'worker', databaseUrl: db.url, config: config.path });
    // Bound: lease expiry (2 s) + 100 deliveries at 8 at a time, 20 of them 3 s long; generous for a loaded CI box.
    const { statuses, performed } = await settle(A, sent, 90_000);
    t.diagnostic(`all final ${Date.now() - started} ms after the new worker started`);

    const finals = tally(statuses.map((s) => s.deliveries[0].status));
    assert.deepEqual([...finals], [['PROCESSED', 100]], `final statuses: ${JSON.stringify([...finals])}`);
    const twice: string[] = [];
    for (const s of sent) {
      const n = performed.get(s.pinId) ?? 0;
      if (inProgress.has(s.pinId)) {
        assert.ok(n === 1 || n === 2, `PIN ${s.pinId} (in progress at the kill) performed ${n} times`);
        if (n === 2) twice.push(s.pinId);
      } else {
        assert.equal(n, 1, `PIN ${s.pinId} (${after.find((d) => d.pin_id === s.pinId)?.state} at the kill) performed ${n} times`);
      }
    }
    // Deliveries that were in progress were claimed again after their lease ran out.
    for (const s of statuses.filter((x) => inProgress.has(x.pinId))) assert.equal(s.deliveries[0].attempts, 2, `attempts of ${s.pinId}`);
    t.diagnostic(`${twice.length} of ${inProgress.size} in-progress deliveries were performed twice`);
  });

  test('SIGTERM: a worker with a call in progress finishes it (or hands it back) and exits within the grace bound', { timeout: 120_000 }, async (t) => {
    const { A, appId, messageId, states, config, db } = await setup(t, { concurrency: 2 });
    const sent: Sent[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await call(A, 'POST', '/2fa/2/pin/voice', { applicationId: appId, messageId, to: SLOW });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      sent.push({ pinId: r.body.pinId, to: SLOW });
    }
    const w1 = await startServer(t, { role: 'worker', databaseUrl: db.url, config: config.path });
    await waitFor('two slow calls in progress', 20_000, async () => ((await states()).filter((d) => d.state === 'running').length === 2 ? true : undefined), 20);
    const termAt = Date.now();
    w1.signal('SIGTERM');
    const exit = await Promise.race([w1.exited, sleep(20_000).then(() => undefined)]);
    const tookMs = Date.now() - termAt;
    assert.ok(exit, `the worker did not exit within 20 s of SIGTERM (grace is 15 s):\n${w1.output()}`);
    assert.equal(exit.code, 0, `exit ${JSON.stringify(exit)}:\n${w1.output()}`);
    t.diagnostic(`worker exited ${tookMs} ms after SIGTERM`);

    const left = await states();
    assert.equal(left.filter((d) => d.state === 'running').length, 0, 'nothing stays leased by the stopped worker');
    const doneByW1 = left.filter((d) => d.state === 'done').length;
    assert.ok(doneByW1 >= 2, `the calls in progress were finished before exiting (${doneByW1} done)`);
    assert.ok(left.some((d) => d.state === 'queued'), 'a stopping worker claims nothing new');

    await startServer(t, { role: 'worker', databaseUrl: db.url, config: config.path });
    const { statuses, performed } = await settle(A, sent, 60_000);
    for (const s of statuses) assert.equal(s.deliveries[0].status, 'PROCESSED');
    for (const s of sent) assert.equal(performed.get(s.pinId), 1, `PIN ${s.pinId} performed ${performed.get(s.pinId) ?? 0} times`);
  });
});
