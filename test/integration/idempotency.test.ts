import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  assertError, createAppAndTemplate, fakeClock, newApiKey, sandboxMessages, startServer,
} from '../helpers/harness.ts';

/** Idempotency-Key on sends and resends: one PIN, one delivery, however often a request is retried. */

const TO = '41793026727';

test('same key + same body → the same answer, one PIN and exactly one delivery', async (t) => {
  const h = await startServer(t);
  const { appId, messageId } = await createAppAndTemplate(h);
  const body = { applicationId: appId, messageId, to: TO, placeholders: { a: '1', b: '2' } };
  const headers = { 'idempotency-key': 'order-42' };
  const first = await h.call('POST', '/2fa/2/pin', body, { headers });
  assert.equal(first.status, 200, JSON.stringify(first.body));
  const second = await h.call('POST', '/2fa/2/pin', body, { headers });
  assert.equal(second.status, 200);
  assert.deepEqual(second.body, first.body);
  // Key order in the JSON does not make it another request.
  const reordered = await h.call('POST', '/2fa/2/pin', { placeholders: { b: '2', a: '1' }, to: TO, messageId, applicationId: appId }, { headers });
  assert.deepEqual(reordered.body, first.body);
  const msgs = await sandboxMessages(h, TO);
  assert.equal(msgs.length, 1, 'one delivery only');
  assert.equal((await h.call('GET', `/2fa/2/pin/${first.body.pinId}/status`)).body.deliveries.length, 1);
  assert.equal((await h.call('GET', `/2fa/2/applications/${appId}/verifications?msisdn=${TO}`)).body.verifications.length, 1, 'one PIN only');
});

test('same key + another body, another endpoint or another ncNeeded → 409 envelope; nothing sent', async (t) => {
  const h = await startServer(t);
  const { appId, messageId } = await createAppAndTemplate(h);
  const headers = { 'idempotency-key': 'k-1' };
  const first = await h.call('POST', '/2fa/2/pin', { applicationId: appId, messageId, to: TO }, { headers });
  assert.equal(first.status, 200);
  const conflicts = [
    h.call('POST', '/2fa/2/pin', { applicationId: appId, messageId, to: '41793026728' }, { headers }),
    h.call('POST', '/2fa/2/pin', { applicationId: appId, messageId, to: TO, placeholders: { x: 'y' } }, { headers }),
    h.call('POST', '/2fa/2/pin/voice', { applicationId: appId, messageId, to: TO }, { headers }),
    h.call('POST', '/2fa/2/pin?ncNeeded=false', { applicationId: appId, messageId, to: TO }, { headers }),
  ];
  for (const res of await Promise.all(conflicts)) {
    const se = assertError(res, 409, 'CONFLICT');
    assert.match(se.text, /k-1/);
    assert.match(se.text, /new key|different request/);
  }
  assert.equal((await sandboxMessages(h, TO)).length, 1);
  assert.equal((await sandboxMessages(h, '41793026728')).length, 0);
});

test('different keys (or no key) → separate PINs', async (t) => {
  const h = await startServer(t);
  const { appId, messageId } = await createAppAndTemplate(h);
  const body = { applicationId: appId, messageId, to: TO };
  const a = await h.call('POST', '/2fa/2/pin', body, { headers: { 'idempotency-key': 'a' } });
  const b = await h.call('POST', '/2fa/2/pin', body, { headers: { 'idempotency-key': 'b' } });
  const c = await h.call('POST', '/2fa/2/pin', body);
  const d = await h.call('POST', '/2fa/2/pin', body);
  assert.equal(new Set([a.body.pinId, b.body.pinId, c.body.pinId, d.body.pinId]).size, 4);
  assert.equal((await sandboxMessages(h, TO)).length, 4);
});

test('a replay does not count toward the send limits', async (t) => {
  const h = await startServer(t);
  const { appId, messageId } = await createAppAndTemplate(h, { configuration: { sendPinPerPhoneNumberLimit: '1/1d' } });
  const body = { applicationId: appId, messageId, to: TO };
  const headers = { 'idempotency-key': 'once' };
  const first = await h.call('POST', '/2fa/2/pin', body, { headers });
  for (let i = 0; i < 3; i++) {
    const again = await h.call('POST', '/2fa/2/pin', body, { headers });
    assert.equal(again.status, 200, JSON.stringify(again.body));
    assert.equal(again.body.pinId, first.body.pinId);
  }
  assertError(await h.call('POST', '/2fa/2/pin', body, { headers: { 'idempotency-key': 'twice' } }), 429, 'TOO_MANY_REQUESTS');
});

test('a refused request does not use up its key: after a 429 or a 400 the same key works later', async (t) => {
  const clock = fakeClock();
  const h = await startServer(t, { clock });
  const { appId, messageId } = await createAppAndTemplate(h, { configuration: { sendPinPerPhoneNumberLimit: '1/1h', pinTimeToLive: '2h' } });
  const body = { applicationId: appId, messageId, to: TO };
  await h.call('POST', '/2fa/2/pin', body);
  const headers = { 'idempotency-key': 'retry-me' };
  assertError(await h.call('POST', '/2fa/2/pin', body, { headers }), 429, 'TOO_MANY_REQUESTS');
  clock.advance(3_600_000);
  const later = await h.call('POST', '/2fa/2/pin', body, { headers });
  assert.equal(later.status, 200, JSON.stringify(later.body));
  const other = { 'idempotency-key': 'fix-me' };
  assertError(await h.call('POST', '/2fa/2/pin', { ...body, to: 'abc' }, { headers: other }), 400, 'BAD_REQUEST');
  clock.advance(3_600_000);
  assert.equal((await h.call('POST', '/2fa/2/pin', body, { headers: other })).status, 200);
});

test('concurrent retries with one key: one PIN, one delivery, every answer the same', async (t) => {
  const h = await startServer(t);
  const { appId, messageId } = await createAppAndTemplate(h);
  const body = { applicationId: appId, messageId, to: TO };
  const all = await Promise.all(Array.from({ length: 20 }, () => h.call('POST', '/2fa/2/pin/voice', body, { headers: { 'idempotency-key': 'burst' } })));
  assert.ok(all.every((r) => r.status === 200), JSON.stringify(all.map((r) => r.status)));
  assert.equal(new Set(all.map((r) => r.body.pinId)).size, 1);
  assert.equal((await sandboxMessages(h, TO)).length, 1);
});

test('resend with an Idempotency-Key delivers once', async (t) => {
  const h = await startServer(t);
  const { appId, messageId } = await createAppAndTemplate(h);
  const sent = await h.call('POST', '/2fa/2/pin', { applicationId: appId, messageId, to: TO });
  const headers = { 'idempotency-key': 'resend-1' };
  const r1 = await h.call('POST', `/2fa/2/pin/${sent.body.pinId}/resend`, {}, { headers });
  const r2 = await h.call('POST', `/2fa/2/pin/${sent.body.pinId}/resend`, {}, { headers });
  assert.equal(r1.status, 200);
  assert.deepEqual(r2.body, r1.body);
  assert.equal((await sandboxMessages(h, TO)).length, 2, 'the send and one resend');
  // The same key on the voice resend path is another request.
  assertError(await h.call('POST', `/2fa/2/pin/${sent.body.pinId}/resend/voice`, {}, { headers }), 409, 'CONFLICT');
});

test('keys belong to an account: another account may use the same key for its own request', async (t) => {
  const h = await startServer(t);
  const { key } = await newApiKey(h);
  const a = await createAppAndTemplate(h);
  const b = await createAppAndTemplate(h, { key });
  const headers = { 'idempotency-key': 'shared' };
  const ra = await h.call('POST', '/2fa/2/pin', { applicationId: a.appId, messageId: a.messageId, to: TO }, { headers });
  const rb = await h.call('POST', '/2fa/2/pin', { applicationId: b.appId, messageId: b.messageId, to: TO }, { headers, key });
  assert.equal(ra.status, 200);
  assert.equal(rb.status, 200, JSON.stringify(rb.body));
  assert.notEqual(ra.body.pinId, rb.body.pinId);
});

test('a key is remembered for idempotencyTtlMs, then may be reused', async (t) => {
  const clock = fakeClock();
  const h = await startServer(t, { clock, config: { idempotencyTtlMs: 3_600_000 } });
  const { appId, messageId } = await createAppAndTemplate(h);
  const body = { applicationId: appId, messageId, to: TO };
  const headers = { 'idempotency-key': 'hourly' };
  const first = await h.call('POST', '/2fa/2/pin', body, { headers });
  clock.advance(3_599_999);
  assert.equal((await h.call('POST', '/2fa/2/pin', body, { headers })).body.pinId, first.body.pinId);
  clock.advance(1);
  const later = await h.call('POST', '/2fa/2/pin', body, { headers });
  assert.equal(later.status, 200);
  assert.notEqual(later.body.pinId, first.body.pinId);
});

test('a malformed Idempotency-Key → 400 naming the header', async (t) => {
  const h = await startServer(t);
  const { appId, messageId } = await createAppAndTemplate(h);
  const body = { applicationId: appId, messageId, to: TO };
  for (const key of ['x'.repeat(256), 'has space', 'ümlaut']) {
    assertError(await h.call('POST', '/2fa/2/pin', body, { headers: { 'idempotency-key': key } }), 400, 'BAD_REQUEST', { fields: ['Idempotency-Key'] });
  }
  assert.equal((await sandboxMessages(h, TO)).length, 0);
});
