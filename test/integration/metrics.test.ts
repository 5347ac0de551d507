/**
 * GET /metrics after a real flow through the HTTP API (sandbox channels): the counters have the
 * values the flow implies, labels are route patterns and closed sets (never an id or a number),
 * and the text parses as the Prometheus exposition format.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { capturedPin, createAppAndTemplate, sendPin, startServer, wrongPin, type Harness } from '../helpers/harness.ts';
import { parsePromText, sumOf, valueOf, type Sample } from '../helpers/prom-text.ts';

const PHONE = '41793026727';

async function scrape(h: Harness, headers: Record<string, string> = {}): Promise<{ samples: Sample[]; types: Map<string, string>; text: string }> {
  const res = await fetch(`${h.url}/metrics`, { headers });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  const text = await res.text();
  return { ...parsePromText(text), text };
}

const httpCount = (samples: Sample[], method: string, route: string, status: string) =>
  valueOf(samples, 'open2fa_http_request_duration_seconds_count', { method, route, status }) ?? 0;

describe('GET /metrics', () => {
  test('after a flow: PINs sent and verified per channel, verify results, final statuses, credits refused, HTTP per route and status', async (t) => {
    const h = await startServer(t);
    const { appId, messageId } = await createAppAndTemplate(h);
    const sms = await sendPin(h, { applicationId: appId, messageId, to: PHONE });
    const pin = await capturedPin(h, PHONE);
    assert.equal((await h.call('POST', `/2fa/2/pin/${sms.pinId}/verify`, { pin: wrongPin(pin) })).body.pinError, 'WRONG_PIN');
    assert.equal((await h.call('POST', `/2fa/2/pin/${sms.pinId}/verify`, { pin })).body.verified, true);
    assert.equal((await h.call('POST', `/2fa/2/pin/${sms.pinId}/verify`, { pin })).body.verified, true, 'multiple verifications are allowed by default');
    const once = await createAppAndTemplate(h, { configuration: { allowMultiplePinVerifications: false } });
    const single = await sendPin(h, { applicationId: once.appId, messageId: once.messageId, to: '41793026728' }, { path: '/2fa/2/pin/voice' });
    const voicePin = await capturedPin(h, '41793026728');
    assert.equal((await h.call('POST', `/2fa/2/pin/${single.pinId}/verify`, { pin: voicePin })).body.verified, true);
    assert.equal((await h.call('POST', `/2fa/2/pin/${single.pinId}/verify`, { pin: voicePin })).body.pinError, 'PIN_ALREADY_VERIFIED');
    await sendPin(h, { applicationId: appId, messageId, to: '15550000006' }, { path: '/2fa/2/pin/voice' }); // sandbox: not enough credits
    await sendPin(h, { applicationId: appId, messageId, to: '15550000002' }); // sandbox SMS: not delivered
    assert.equal((await h.call('GET', `/2fa/2/pin/${sms.pinId}/status`)).status, 200);
    assert.equal((await h.call('GET', '/2fa/2/pin/0123456789ABCDEF0123456789ABCDEF/status')).status, 404);
    assert.equal((await h.call('GET', '/no/such/path/41793026727')).status, 404);
    assert.equal((await h.call('POST', '/2fa/2/pin', {}, { key: 'not-a-valid-key-at-all' })).status, 401);
    await h.o2.worker.drain();

    const { samples, types, text } = await scrape(h);
    assert.equal(valueOf(samples, 'open2fa_pins_sent_total', { channel: 'sms' }), 2);
    assert.equal(valueOf(samples, 'open2fa_pins_sent_total', { channel: 'voice' }), 2);
    assert.equal(valueOf(samples, 'open2fa_pins_sent_total', { channel: 'email' }), 0);
    assert.equal(valueOf(samples, 'open2fa_pin_verifications_total', { result: 'WRONG_PIN' }), 1);
    assert.equal(valueOf(samples, 'open2fa_pin_verifications_total', { result: 'verified' }), 3);
    assert.equal(valueOf(samples, 'open2fa_pin_verifications_total', { result: 'PIN_ALREADY_VERIFIED' }), 1);
    assert.equal(valueOf(samples, 'open2fa_pins_verified_total', { channel: 'sms' }), 2);
    assert.equal(valueOf(samples, 'open2fa_pins_verified_total', { channel: 'voice' }), 1);
    assert.equal(valueOf(samples, 'open2fa_pins_verified_total', { channel: 'email' }), 0);
    assert.equal(valueOf(samples, 'open2fa_deliveries_final_total', { channel: 'sms', status: 'DELIVERED_TO_HANDSET', stage: 'channel' }), 1);
    assert.equal(valueOf(samples, 'open2fa_deliveries_final_total', { channel: 'sms', status: 'UNDELIVERABLE_NOT_DELIVERED', stage: 'channel' }), 1);
    assert.equal(valueOf(samples, 'open2fa_deliveries_final_total', { channel: 'voice', status: 'ERROR_NOT_ENOUGH_CREDITS', stage: 'channel' }), 1);
    assert.equal(valueOf(samples, 'open2fa_credits_refused_total', { channel: 'voice', stage: 'channel' }), 1);
    assert.equal(valueOf(samples, 'open2fa_deliveries_final_total', { channel: 'voice', status: 'PROCESSED', stage: 'channel' }), 1);
    assert.equal(sumOf(samples, 'open2fa_delivery_attempt_duration_seconds_count', { outcome: 'report' }), 4);
    assert.equal(valueOf(samples, 'open2fa_queue_depth'), 0);
    assert.equal(valueOf(samples, 'open2fa_queue_oldest_age_seconds'), 0);

    // HTTP: the route pattern, never the raw URL; status codes as labels; unmatched URLs share one label.
    assert.equal(types.get('open2fa_http_request_duration_seconds'), 'histogram');
    assert.equal(httpCount(samples, 'POST', '/2fa/2/pin/:pinId/verify', '200'), 5);
    assert.equal(httpCount(samples, 'POST', '/2fa/2/pin', '200'), 2);
    assert.equal(httpCount(samples, 'POST', '/2fa/2/pin', '401'), 1);
    assert.equal(httpCount(samples, 'GET', '/2fa/2/pin/:pinId/status', '200'), 1);
    assert.equal(httpCount(samples, 'GET', '/2fa/2/pin/:pinId/status', '404'), 1);
    assert.equal(httpCount(samples, 'GET', 'unmatched', '404'), 1);
    const verifyBuckets = samples.filter((s) => s.name === 'open2fa_http_request_duration_seconds_bucket' && s.labels.route === '/2fa/2/pin/:pinId/verify');
    assert.equal(verifyBuckets.at(-1)?.labels.le, '+Inf');
    assert.equal(verifyBuckets.at(-1)?.value, 5);
    assert.ok(verifyBuckets.every((b, i) => i === 0 || b.value >= (verifyBuckets[i - 1] as Sample).value), 'buckets are cumulative');
    assert.ok((valueOf(samples, 'open2fa_http_request_duration_seconds_sum', { method: 'POST', route: '/2fa/2/pin/:pinId/verify', status: '200' }) ?? 0) > 0);

    // No id, number or key in any label value.
    for (const secret of [sms.pinId, PHONE, h.key, 'not-a-valid-key-at-all', '/no/such/path']) assert.ok(!text.includes(secret), `metrics contain ${secret}`);
    // The PIN is 4 digits: a sample's value (0.0002 s, 10023 bytes) may contain them by chance, so
    // it is looked for everywhere but in the values — names, labels and help texts.
    const withoutValues = text.split('\n').map((line) => (line.startsWith('#') ? line : line.replace(/\s\S+$/, ''))).join('\n');
    assert.ok(!withoutValues.includes(pin), `metrics contain the PIN ${pin}`);
    // Process metrics are there too.
    assert.ok(valueOf(samples, 'process_cpu_user_seconds_total') !== undefined);
  });

  test('webhook retries and deliveries are counted', async (t) => {
    let calls = 0;
    const hook = createServer((req, res) => { req.resume(); req.on('end', () => { calls++; res.statusCode = calls === 1 ? 500 : 200; res.end(); }); });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    t.after(() => hook.close());
    const h = await startServer(t, { config: { webhooks: { retryUnitMs: 20 } } });
    const app = await h.call('POST', '/2fa/2/applications', { name: 'hooks', notifyUrl: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/r`, configuration: { sendPinPerPhoneNumberLimit: '100/1d' } });
    const tpl = await h.call('POST', `/2fa/2/applications/${app.body.applicationId}/messages`, { pinType: 'NUMERIC', pinLength: 4, messageText: 'Your PIN is {{pin}}' });
    await sendPin(h, { applicationId: app.body.applicationId, messageId: tpl.body.messageId, to: PHONE, trackDelivery: true });
    for (let i = 0; i < 200 && calls < 2; i++) await new Promise((r) => setTimeout(r, 25));
    assert.equal(calls, 2);
    await new Promise((r) => setTimeout(r, 50));
    const { samples } = await scrape(h);
    assert.equal(valueOf(samples, 'open2fa_webhook_posts_total', { outcome: 'retry' }), 1);
    assert.equal(valueOf(samples, 'open2fa_webhook_posts_total', { outcome: 'delivered' }), 1);
  });

  test('metrics.token: /metrics needs the bearer token; /healthz and /readyz stay open', async (t) => {
    const token = 'metrics-token-0123456789';
    const h = await startServer(t, { config: { metrics: { token } } });
    const none = await h.call('GET', '/metrics', undefined, { key: null });
    assert.equal(none.status, 401);
    assert.equal(none.headers.get('www-authenticate'), 'Bearer realm="metrics"');
    assert.equal(none.body.requestError.serviceException.messageId, 'UNAUTHORIZED');
    assert.equal((await h.call('GET', '/metrics', undefined, { key: null, headers: { authorization: 'Bearer wrong-token-0123456789' } })).status, 401);
    assert.equal((await h.call('GET', '/metrics', undefined, { key: null, headers: { authorization: `App ${h.key}` } })).status, 401, 'an API key is not the metrics token');
    const { samples } = await scrape(h, { authorization: `Bearer ${token}` });
    assert.ok(samples.length > 0);
    assert.equal((await h.call('GET', '/healthz', undefined, { key: null })).status, 200);
    assert.equal((await h.call('GET', '/readyz', undefined, { key: null })).status, 200);
  });
});
