/**
 * PostgreSQL restarted under load (issue 5, "Must show"): while clients send and verify PINs
 * against an open2fa process, the database stops for a few seconds and starts again.
 *   - during the outage requests answer 503 with Infobip's envelope (SERVICE_UNAVAILABLE) and
 *     Retry-After: never a 500, never a hang;
 *   - every send that answered 200 has its PIN afterwards and its delivery reaches a final status;
 *   - open2fa recovers by itself: requests succeed again without restarting it.
 * The test restarts a private PostgreSQL of its own when it can (see pg-cluster.ts).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { restartableCluster } from './pg-cluster.ts';
import {
  appAndTemplate, call, configFile, freshSchema, ok, whenPostgres, sleep, startServer, tally, waitFor, type Reply,
} from './lib.ts';

// A request slower than this counts as a hang (the pool gives up connecting after 5 s).
const HANG_MS = 12_000;
const OUTAGE_MS = 3_000;
const CLIENTS = 6;

interface Outcome { kind: 'send' | 'verify'; startedAt: number; status: number | 'error'; ms: number; body?: any; retryAfter?: string | null; pinId?: string; error?: string }

await whenPostgres('PostgreSQL restarted under load', () => {
  test('PostgreSQL restarted under load: 503 with the envelope, nothing accepted is lost, recovery without a restart', { timeout: 240_000 }, async (t) => {
    const cluster = await restartableCluster(t);
    t.diagnostic(`restarting ${cluster.describe}`);
    const db = await freshSchema(cluster.url);
    // (A private cluster is removed as a whole; the shared one is started again by restartableCluster.)
    t.after(() => db.drop().catch(() => undefined));
    const config = configFile({ delivery: { leaseMs: 2000, pollMs: 100, retryBaseMs: 200 } });
    t.after(() => config.remove());
    const server = await startServer(t, { role: 'all', databaseUrl: db.url, config: config.path });
    const A = server.url as string;
    const { appId, messageId } = await appAndTemplate(A, {
      pinAttempts: 1000, verifyPinLimit: '100000/1s', sendPinPerPhoneNumberLimit: '1000/1d', sendPinPerApplicationLimit: '1000000/1d',
    });

    const outcomes: Outcome[] = [];
    let stopAt = Number.POSITIVE_INFINITY;
    let n = 0;
    const record = async (kind: Outcome['kind'], request: () => Promise<Reply>): Promise<Outcome> => {
      const startedAt = Date.now();
      let o: Outcome;
      try {
        const r = await request();
        o = { kind, startedAt, status: r.status, ms: r.ms, body: r.body, retryAfter: r.headers.get('retry-after'), ...(kind === 'send' && r.status === 200 ? { pinId: r.body.pinId } : {}) };
      } catch (err) {
        o = { kind, startedAt, status: 'error', ms: Date.now() - startedAt, error: (err as Error).message };
      }
      outcomes.push(o);
      return o;
    };
    const client = async () => {
      while (Date.now() < stopAt) {
        const to = String(41795000000 + n++);
        const sent = await record('send', () => call(A, 'POST', '/2fa/2/pin', { applicationId: appId, messageId, to }, { timeoutMs: HANG_MS }));
        if (sent.pinId) await record('verify', () => call(A, 'POST', `/2fa/2/pin/${sent.pinId}/verify`, { pin: '000000' }, { timeoutMs: HANG_MS }));
        // A client that got a 503 waits a little, as Retry-After asks (shortened: the test wants many samples).
        if (sent.status !== 200) await sleep(100);
      }
    };
    const t0 = Date.now();
    const clients = Array.from({ length: CLIENTS }, client);

    // Whatever fails below, the clients stop (a failing test must not keep loading the server).
    t.after(async () => { stopAt = 0; await Promise.allSettled(clients); });
    const timeline = () => {
      const buckets = new Map<number, Map<Outcome['status'], number>>();
      for (const o of outcomes) {
        const b = Math.floor((o.startedAt - t0) / 1000);
        const m = buckets.get(b) ?? new Map();
        m.set(o.status, (m.get(o.status) ?? 0) + 1);
        buckets.set(b, m);
      }
      return [...buckets].sort((x, y) => x[0] - y[0]).map(([b, m]) => `+${b}s ${JSON.stringify(Object.fromEntries(m))}`).join('; ');
    };
    t.after(() => t.diagnostic(`timeline (s since load started, PostgreSQL stopped at +2s): ${timeline()}`));
    t.after(() => { const errs = outcomes.filter((o) => o.status !== 200 && o.status !== 503).slice(0, 3); if (errs.length) t.diagnostic(`first unexpected: ${JSON.stringify(errs)}`); });
    // An exit code means open2fa ended by itself (crashed); the teardown's SIGKILL leaves none.
    t.after(() => { if (server.proc.exitCode !== null) t.diagnostic(`open2fa exited (${server.proc.exitCode}); its output (tail): ${server.output().slice(-3000)}`); });

    await sleep(2000);
    const stoppedAt = Date.now();
    await cluster.stop();
    await sleep(OUTAGE_MS);
    await cluster.start();
    const upAt = Date.now();
    t.diagnostic(`PostgreSQL down from +0 to +${upAt - stoppedAt} ms`);
    // Recovery: sends succeed again by themselves.
    const recovered = await waitFor('a send succeeds after the restart', 30_000, async () => {
      const o = outcomes.find((x) => x.kind === 'send' && x.status === 200 && x.startedAt >= upAt);
      return o ? o.startedAt + o.ms : undefined;
    }, 50);
    t.diagnostic(`first success ${recovered - upAt} ms after PostgreSQL was up again`);
    stopAt = Date.now() + 3000;
    await Promise.all(clients);

    const byStatus = tally(outcomes.map((o) => o.status));
    t.diagnostic(`${outcomes.length} requests: ${JSON.stringify([...byStatus])}; slowest ${Math.max(...outcomes.map((o) => o.ms))} ms`);
    const unexpected = outcomes.filter((o) => o.status !== 200 && o.status !== 503);
    assert.deepEqual(unexpected.slice(0, 5), [], `only 200 and 503 are acceptable (${unexpected.length} others)`);
    const unavailable = outcomes.filter((o) => o.status === 503);
    assert.ok(unavailable.length > 0, 'the outage was seen by requests');
    for (const o of unavailable) {
      assert.deepEqual(Object.keys(o.body), ['requestError']);
      assert.deepEqual(Object.keys(o.body.requestError.serviceException).sort(), ['messageId', 'text']);
      assert.equal(o.body.requestError.serviceException.messageId, 'SERVICE_UNAVAILABLE');
      assert.ok(Number(o.retryAfter) > 0, `Retry-After on a 503: ${o.retryAfter}`);
    }
    const slow = outcomes.filter((o) => o.ms >= HANG_MS - 1000);
    assert.deepEqual(slow.slice(0, 5), [], 'no request hangs');
    // Requests started well after the restart (the pool reconnects at once) all succeed.
    const late = outcomes.filter((o) => o.startedAt >= recovered + 500);
    assert.ok(late.length > 20, `enough requests after recovery (${late.length})`);
    assert.deepEqual(late.filter((o) => o.status !== 200).slice(0, 5), [], 'after recovery every request succeeds');

    // Nothing answered 200 is lost: every accepted PIN is there and its delivery ends final.
    const accepted = outcomes.filter((o) => o.pinId).map((o) => o.pinId as string);
    t.diagnostic(`${accepted.length} PINs accepted; waiting for their deliveries`);
    const pending = new Set(accepted);
    await waitFor('every accepted PIN has a final delivery', 60_000, async () => {
      for (const pinId of [...pending]) {
        const s = await ok(A, 'GET', `/2fa/2/pin/${pinId}/status`);
        if (s.deliveries.length >= 1 && s.deliveries.every((d: { final: boolean }) => d.final)) pending.delete(pinId);
      }
      return pending.size === 0 ? true : undefined;
    }, 250);
    assert.equal(server.running(), true, 'open2fa kept running');
  });
});
