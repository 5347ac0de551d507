import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  assertError, capturedPin, createAppAndTemplate, fakeClock, pinIn, sandboxMessages, sendPin, startServer,
} from '../helpers/harness.ts';

/** Infobip endpoint 18: verification status (reference §9.2, decisions #11). */

const TO = '41793026727';

test('one entry per PIN, newest first, epoch milliseconds, verifiedAt only once verified', async (t) => {
  const clock = fakeClock(Date.UTC(2026, 2, 1, 12));
  const h = await startServer(t, { clock });
  const { appId, messageId } = await createAppAndTemplate(h);
  const t0 = clock.now();
  const first = await sendPin(h, { applicationId: appId, messageId, to: TO });
  const firstPin = await capturedPin(h, TO);
  clock.advance(60_000);
  await sendPin(h, { applicationId: appId, messageId, to: TO });
  clock.advance(5_000);
  assert.equal((await h.call('POST', `/2fa/2/pin/${first.pinId}/verify`, { pin: firstPin })).body.verified, true);

  const res = await h.call('GET', `/2fa/2/applications/${appId}/verifications?msisdn=${TO}`);
  assert.equal(res.status, 200);
  assert.deepEqual(res.body, {
    verifications: [
      { msisdn: TO, verified: false, sentAt: t0 + 60_000 },
      { msisdn: TO, verified: true, verifiedAt: t0 + 65_000, sentAt: t0 },
    ],
  });
});

test('filters: verified=true|false, sent=true|false (sent = a delivery reached the number)', async (t) => {
  const h = await startServer(t);
  const { appId, messageId } = await createAppAndTemplate(h);
  const undeliverable = '15550000002'; // sandbox: SMS ends UNDELIVERABLE_NOT_DELIVERED
  const ok = await sendPin(h, { applicationId: appId, messageId, to: TO });
  await sendPin(h, { applicationId: appId, messageId, to: TO });
  await sendPin(h, { applicationId: appId, messageId, to: undeliverable });
  const okMessage = (await sandboxMessages(h, TO)).find((m) => m.pinId === ok.pinId);
  const verified = await h.call('POST', `/2fa/2/pin/${ok.pinId}/verify`, { pin: pinIn(okMessage.text) });
  assert.equal(verified.body.verified, true);
  const get = async (msisdn: string, query = '') => {
    const res = await h.call('GET', `/2fa/2/applications/${appId}/verifications?msisdn=${msisdn}${query}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.verifications as { verified: boolean }[];
  };
  assert.equal((await get(TO)).length, 2);
  assert.deepEqual((await get(TO, '&verified=true')).map((v) => v.verified), [true]);
  assert.deepEqual((await get(TO, '&verified=false')).map((v) => v.verified), [false]);
  assert.equal((await get(TO, '&sent=true')).length, 2);
  assert.equal((await get(TO, '&sent=false')).length, 0);
  assert.equal((await get(undeliverable)).length, 1);
  assert.equal((await get(undeliverable, '&sent=false')).length, 1, 'an undelivered PIN is not "sent"');
  assert.equal((await get(undeliverable, '&sent=true')).length, 0);
  assert.equal((await get(TO, '&verified=false&sent=false')).length, 0, 'the Go SDK sends both filters');
});

test('msisdn with "+" finds the same entries; another number or another application finds none', async (t) => {
  const h = await startServer(t);
  const a = await createAppAndTemplate(h);
  const b = await createAppAndTemplate(h);
  await sendPin(h, { applicationId: a.appId, messageId: a.messageId, to: TO });
  const plus = await h.call('GET', `/2fa/2/applications/${a.appId}/verifications?msisdn=%2B${TO}`);
  assert.equal(plus.body.verifications.length, 1);
  assert.equal(plus.body.verifications[0].msisdn, TO);
  assert.deepEqual((await h.call('GET', `/2fa/2/applications/${a.appId}/verifications?msisdn=41793026728`)).body, { verifications: [] });
  assert.deepEqual((await h.call('GET', `/2fa/2/applications/${b.appId}/verifications?msisdn=${TO}`)).body, { verifications: [] });
  // Trailing slash (Node SDK) and Content-Type on GET.
  const sdkStyle = await h.call('GET', `/2fa/2/applications/${a.appId}/verifications/?msisdn=${TO}`, undefined, { headers: { 'content-type': 'application/json' } });
  assert.equal(sdkStyle.status, 200, JSON.stringify(sdkStyle.body));
  assert.equal(sdkStyle.body.verifications.length, 1);
});

test('msisdn is required; verified and sent must be true or false; unknown application → 404', async (t) => {
  const h = await startServer(t);
  const { appId } = await createAppAndTemplate(h);
  assertError(await h.call('GET', `/2fa/2/applications/${appId}/verifications`), 400, 'BAD_REQUEST', { fields: ['msisdn'], text: /msisdn/ });
  assertError(await h.call('GET', `/2fa/2/applications/${appId}/verifications?msisdn=`), 400, 'BAD_REQUEST', { fields: ['msisdn'] });
  assertError(await h.call('GET', `/2fa/2/applications/${appId}/verifications?msisdn=${TO}&verified=yes`), 400, 'BAD_REQUEST', { fields: ['verified'], text: /true or false/ });
  assertError(await h.call('GET', `/2fa/2/applications/${appId}/verifications?msisdn=${TO}&sent=1`), 400, 'BAD_REQUEST', { fields: ['sent'] });
  assertError(await h.call('GET', `/2fa/2/applications/0933F3BC087D2A617AC6DCB2EF5B8A61/verifications?msisdn=${TO}`), 404, 'NOT_FOUND', { text: /0933F3BC087D2A617AC6DCB2EF5B8A61/ });
});
