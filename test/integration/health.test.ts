/**
 * /healthz and /readyz: ready with sandbox channels; 503 with a reason when storage is gone, when
 * an SMPP route has no bound SMSC (a real SMPP peer refusing the bind), or when every SIP trunk
 * of a route keeps failing; API-only processes do not check channels; the operations listener.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createAppAndTemplate, startServer, type Harness } from '../helpers/harness.ts';
import { startFakeSmsc, unusedPort } from '../sms/helpers/fake-smsc.ts';
import { smscConfig } from '../sms/helpers/channel-harness.ts';

async function readyz(h: Harness) {
  const res = await h.call('GET', '/readyz', undefined, { key: null });
  return { status: res.status, body: res.body as { status: string; reasons?: string[]; checks: Record<string, { ok: boolean; detail: string; ms: number }> } };
}

describe('/healthz and /readyz', () => {
  test('ready with sandbox channels: every check listed with its detail', async (t) => {
    const h = await startServer(t);
    const live = await h.call('GET', '/healthz', undefined, { key: null });
    assert.deepEqual([live.status, live.body], [200, { status: 'ok' }]);
    const { status, body } = await readyz(h);
    assert.equal(status, 200, JSON.stringify(body));
    assert.equal(body.status, 'ready');
    assert.equal(body.reasons, undefined);
    assert.deepEqual(Object.keys(body.checks).sort(), ['email', 'sms', 'storage', 'voice']);
    assert.equal(body.checks.storage?.ok, true);
    assert.match(body.checks.storage?.detail ?? '', /sqlite reachable/);
    assert.match(body.checks.sms?.detail ?? '', /^sandbox-sms: sandbox/);
    assert.equal(typeof body.checks.storage?.ms, 'number');
  });

  test('storage closed: /readyz 503 naming storage, /healthz still 200', async (t) => {
    const h = await startServer(t);
    const store = h.o2.store;
    await h.o2.worker.stop(0);
    await store.close();
    store.close = async () => {}; // the harness closes it again at teardown
    const { status, body } = await readyz(h);
    assert.equal(status, 503);
    assert.equal(body.status, 'not ready');
    assert.equal(body.checks.storage?.ok, false);
    assert.ok(body.reasons?.some((r) => r.startsWith('storage: ')), JSON.stringify(body));
    assert.equal(body.checks.sms?.ok, true, 'the other checks still answer');
    assert.equal((await h.call('GET', '/healthz', undefined, { key: null })).status, 200);
  });

  test('an SMPP route whose SMSC refuses the bind: 503 with the SMSC and the route; bound: 200', async (t) => {
    const good = await startFakeSmsc();
    const refusing = await startFakeSmsc({ password: 'other' });
    t.after(() => Promise.all([good.close(), refusing.close()]));
    const sms = (port: number) => ({ sms: { smscs: [smscConfig('primary', port)], routes: [{ prefix: '', smscs: ['primary'] }] } });

    const ok = await startServer(t, { config: sms(good.port) });
    const ready = await readyz(ok);
    assert.equal(ready.status, 200, JSON.stringify(ready.body));
    assert.match(ready.body.checks.sms?.detail ?? '', /^sms: primary: bound/);

    const bad = await startServer(t, { config: sms(refusing.port) });
    const { status, body } = await readyz(bad);
    assert.equal(status, 503);
    const reason = body.reasons?.find((r) => r.startsWith('sms: ')) ?? '';
    assert.match(reason, /primary: bind refused: ESME_RINVPASWD/);
    assert.match(reason, /no bound SMSC for prefix ''/);
    assert.equal(body.checks.storage?.ok, true);
    assert.doesNotMatch(JSON.stringify(body), /secret|other/, 'no credentials in the answer');
  });

  test('role api: channels are not checked (the process delivers nothing)', async (t) => {
    const h = await startServer(t, { config: { role: 'api', sms: { smscs: [smscConfig('down', await unusedPort())], routes: [] } } });
    const { status, body } = await readyz(h);
    assert.equal(status, 200, JSON.stringify(body));
    assert.deepEqual(Object.keys(body.checks), ['storage']);
  });

  test('a SIP trunk that never answers: after 3 failed calls the route is unserved (503)', async (t) => {
    const voice = {
      trunks: [{ name: 'dead', host: '127.0.23.1', port: 5090 }], routes: [{ prefix: '41', trunks: ['dead'] }],
      noResponseTimeoutMs: 200, amd: { enabled: false },
    };
    const h = await startServer(t, { config: { voice } });
    const before = await readyz(h);
    assert.equal(before.status, 200, JSON.stringify(before.body));
    assert.match(before.body.checks.voice?.detail ?? '', /dead: no calls yet/);
    const { appId, messageId } = await createAppAndTemplate(h);
    for (let i = 0; i < 3; i++) {
      const sent = await h.call('POST', '/2fa/2/pin/voice', { applicationId: appId, messageId, to: `4179302672${i}` });
      assert.equal(sent.status, 200);
      await h.o2.worker.drain();
    }
    const { status, body } = await readyz(h);
    assert.equal(status, 503, JSON.stringify(body));
    const reason = body.reasons?.find((r) => r.startsWith('voice: ')) ?? '';
    assert.match(reason, /dead: failing, 3 call\(s\) in a row failed/);
    assert.match(reason, /no working trunk for prefix '41'/);
    assert.doesNotMatch(reason, /41793026720/, 'no numbers in the answer');
  });

  test('ops.port: a second listener with /healthz, /readyz and /metrics only', async (t) => {
    const h = await startServer(t, { config: { ops: { port: 0 } } });
    assert.ok(h.o2.ops, 'built when ops.port is configured');
    const base = await h.o2.ops.listen({ host: '127.0.0.1', port: 0 });
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
    assert.equal((await fetch(`${base}/readyz`)).status, 200);
    const metrics = await fetch(`${base}/metrics`);
    assert.equal(metrics.status, 200);
    assert.match(await metrics.text(), /open2fa_pins_sent_total/);
    const api = await fetch(`${base}/2fa/2/applications`, { headers: { authorization: `App ${h.key}` } });
    assert.equal(api.status, 404, 'no API on the operations port');
    assert.match(api.headers.get('x-request-id') ?? '', /.+/);
  });
});
