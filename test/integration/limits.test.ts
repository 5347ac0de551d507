import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  assertError, capturedPin, createAppAndTemplate, fakeClock, type Harness, sandboxMessages, sendPin, startServer, wrongPin,
} from '../helpers/harness.ts';

/** Rate limits (reference §10 rules 5–6, decisions #5 and #7): 429 TOO_MANY_REQUESTS with Retry-After. */

const DAY = 86_400_000;
const TO = '41793026727';

function retryAfter(res: { headers: Headers }): number {
  const value = res.headers.get('retry-after');
  assert.ok(value !== null, 'Retry-After header present');
  assert.match(value, /^\d+$/, 'Retry-After is whole seconds');
  return Number(value);
}

const verifications = async (h: Harness, appId: string, to: string) =>
  (await h.call('GET', `/2fa/2/applications/${appId}/verifications?msisdn=${to}`)).body.verifications.length;

describe('sendPinPerPhoneNumberLimit', () => {
  test('"2/1d": the third send is 429 naming the limit, creates nothing, and the window reopens after a day', async (t) => {
    const clock = fakeClock();
    const h = await startServer(t, { clock });
    const { appId, messageId } = await createAppAndTemplate(h, { configuration: { sendPinPerPhoneNumberLimit: '2/1d' } });
    const body = { applicationId: appId, messageId, to: TO };
    await sendPin(h, body);
    clock.advance(3_600_000);
    await sendPin(h, body);
    const third = await h.call('POST', '/2fa/2/pin', body);
    const se = assertError(third, 429, 'TOO_MANY_REQUESTS');
    assert.match(se.text, /sendPinPerPhoneNumberLimit 2\/1d/);
    // The window opened with the first send: 23 h remain.
    assert.equal(retryAfter(third), 23 * 3600);
    assert.equal((await sandboxMessages(h, TO)).length, 2, 'nothing sent');
    assert.equal(await verifications(h, appId, TO), 2, 'no PIN created');
    // Other numbers are not affected; voice counts against the same number.
    await sendPin(h, { ...body, to: '41793026728' });
    assertError(await h.call('POST', '/2fa/2/pin/voice', body), 429, 'TOO_MANY_REQUESTS', { text: /sendPinPerPhoneNumberLimit/ });
    clock.advance(23 * 3_600_000 - 1);
    assertError(await h.call('POST', '/2fa/2/pin', body), 429, 'TOO_MANY_REQUESTS');
    clock.advance(1);
    await sendPin(h, body);
    await sendPin(h, body);
    assertError(await h.call('POST', '/2fa/2/pin', body), 429, 'TOO_MANY_REQUESTS');
  });

  test('the default "3/1d" applies when nothing is configured', async (t) => {
    const h = await startServer(t);
    const app = (await h.call('POST', '/2fa/2/applications', { name: 'defaults', configuration: { verifyPinLimit: '1000/1s' } })).body;
    const tpl = (await h.call('POST', `/2fa/2/applications/${app.applicationId}/messages`, { pinType: 'NUMERIC', messageText: '{{pin}}' })).body;
    const body = { applicationId: app.applicationId, messageId: tpl.messageId, to: TO };
    for (let i = 0; i < 3; i++) await sendPin(h, body);
    assertError(await h.call('POST', '/2fa/2/pin', body), 429, 'TOO_MANY_REQUESTS', { text: /sendPinPerPhoneNumberLimit 3\/1d/ });
  });

  test('resend counts toward the limit, and a refused resend sends nothing', async (t) => {
    const clock = fakeClock();
    const h = await startServer(t, { clock });
    const { appId, messageId } = await createAppAndTemplate(h, { configuration: { sendPinPerPhoneNumberLimit: '2/1h', pinTimeToLive: '2h' } });
    const sent = await sendPin(h, { applicationId: appId, messageId, to: TO });
    assert.equal((await h.call('POST', `/2fa/2/pin/${sent.pinId}/resend`, {})).status, 200);
    const third = await h.call('POST', `/2fa/2/pin/${sent.pinId}/resend/voice`, {});
    assertError(third, 429, 'TOO_MANY_REQUESTS', { text: /sendPinPerPhoneNumberLimit 2\/1h/ });
    assert.equal(retryAfter(third), 3600);
    assertError(await h.call('POST', '/2fa/2/pin', { applicationId: appId, messageId, to: TO }), 429, 'TOO_MANY_REQUESTS');
    assert.equal((await sandboxMessages(h, TO)).length, 2);
    clock.advance(3_600_000);
    assert.equal((await h.call('POST', `/2fa/2/pin/${sent.pinId}/resend`, {})).status, 200);
  });

  test('limits are per application: another application has its own window', async (t) => {
    const h = await startServer(t);
    const a = await createAppAndTemplate(h, { configuration: { sendPinPerPhoneNumberLimit: '1/1d' } });
    const b = await createAppAndTemplate(h, { configuration: { sendPinPerPhoneNumberLimit: '1/1d' } });
    await sendPin(h, { applicationId: a.appId, messageId: a.messageId, to: TO });
    assertError(await h.call('POST', '/2fa/2/pin', { applicationId: a.appId, messageId: a.messageId, to: TO }), 429, 'TOO_MANY_REQUESTS');
    await sendPin(h, { applicationId: b.appId, messageId: b.messageId, to: TO });
  });

  test('a limit raised with PUT applies to the next send', async (t) => {
    const h = await startServer(t);
    const { appId, messageId } = await createAppAndTemplate(h, { configuration: { sendPinPerPhoneNumberLimit: '1/1d' } });
    const body = { applicationId: appId, messageId, to: TO };
    await sendPin(h, body);
    assertError(await h.call('POST', '/2fa/2/pin', body), 429, 'TOO_MANY_REQUESTS');
    await h.call('PUT', `/2fa/2/applications/${appId}`, { configuration: { sendPinPerPhoneNumberLimit: '5/1d' } });
    await sendPin(h, body);
  });
});

describe('sendPinPerApplicationLimit', () => {
  test('"3/1h" across numbers: the fourth send is 429 naming the limit; after the hour it is allowed', async (t) => {
    const clock = fakeClock();
    const h = await startServer(t, { clock });
    const { appId, messageId } = await createAppAndTemplate(h, { configuration: { sendPinPerApplicationLimit: '3/1h' } });
    for (const to of ['41793026701', '41793026702', '41793026703']) await sendPin(h, { applicationId: appId, messageId, to });
    clock.advance(600_000);
    const fourth = await h.call('POST', '/2fa/2/pin/voice', { applicationId: appId, messageId, to: '41793026704' });
    const se = assertError(fourth, 429, 'TOO_MANY_REQUESTS');
    assert.match(se.text, /sendPinPerApplicationLimit 3\/1h/);
    assert.equal(retryAfter(fourth), 3000);
    assert.equal((await sandboxMessages(h, '41793026704')).length, 0);
    clock.advance(3_000_000);
    await sendPin(h, { applicationId: appId, messageId, to: '41793026704' });
  });

  test('resends count toward it as well', async (t) => {
    const h = await startServer(t);
    const { appId, messageId } = await createAppAndTemplate(h, { configuration: { sendPinPerApplicationLimit: '2/1d' } });
    const sent = await sendPin(h, { applicationId: appId, messageId, to: '41793026701' });
    assert.equal((await h.call('POST', `/2fa/2/pin/${sent.pinId}/resend`, {})).status, 200);
    assertError(await h.call('POST', '/2fa/2/pin', { applicationId: appId, messageId, to: '41793026702' }), 429, 'TOO_MANY_REQUESTS', { text: /sendPinPerApplicationLimit 2\/1d/ });
  });
});

describe('verifyPinLimit', () => {
  test('"1/3s": a second verify inside 3 s is 429 with Retry-After, consumes no attempt; after 3 s allowed', async (t) => {
    const clock = fakeClock();
    const h = await startServer(t, { clock });
    const { appId, messageId } = await createAppAndTemplate(h, { configuration: { verifyPinLimit: '1/3s', pinAttempts: 5 } });
    const { pinId } = await sendPin(h, { applicationId: appId, messageId, to: TO });
    const pin = await capturedPin(h, TO);
    const first = await h.call('POST', `/2fa/2/pin/${pinId}/verify`, { pin: wrongPin(pin) });
    assert.equal(first.body.attemptsRemaining, 4);
    clock.advance(1000);
    const second = await h.call('POST', `/2fa/2/pin/${pinId}/verify`, { pin });
    const se = assertError(second, 429, 'TOO_MANY_REQUESTS');
    assert.match(se.text, /verifyPinLimit 1\/3s/);
    assert.equal(retryAfter(second), 2);
    assert.equal((await h.call('GET', `/2fa/2/pin/${pinId}/status`)).body.attemptsRemaining, 4, 'the refused verify took no attempt');
    clock.advance(1999);
    assertError(await h.call('POST', `/2fa/2/pin/${pinId}/verify`, { pin }), 429, 'TOO_MANY_REQUESTS');
    clock.advance(1);
    const third = await h.call('POST', `/2fa/2/pin/${pinId}/verify`, { pin });
    assert.equal(third.status, 200);
    assert.equal(third.body.verified, true);
  });

  test('the verify limit is per number: PINs to other numbers are verified meanwhile', async (t) => {
    const h = await startServer(t);
    const { appId, messageId } = await createAppAndTemplate(h, { configuration: { verifyPinLimit: '1/1h' } });
    const a = await sendPin(h, { applicationId: appId, messageId, to: '41793026701' });
    const b = await sendPin(h, { applicationId: appId, messageId, to: '41793026702' });
    const c = await sendPin(h, { applicationId: appId, messageId, to: '41793026701' });
    assert.equal((await h.call('POST', `/2fa/2/pin/${a.pinId}/verify`, { pin: 'X' })).status, 200);
    assert.equal((await h.call('POST', `/2fa/2/pin/${b.pinId}/verify`, { pin: 'X' })).status, 200);
    // Another PIN to the same number shares the number's window.
    assertError(await h.call('POST', `/2fa/2/pin/${c.pinId}/verify`, { pin: 'X' }), 429, 'TOO_MANY_REQUESTS', { text: /verifyPinLimit 1\/1h/ });
  });

  test('the default "1/3s" applies when nothing is configured', async (t) => {
    const h = await startServer(t);
    const app = (await h.call('POST', '/2fa/2/applications', { name: 'defaults' })).body;
    const tpl = (await h.call('POST', `/2fa/2/applications/${app.applicationId}/messages`, { pinType: 'NUMERIC', messageText: '{{pin}}' })).body;
    const { pinId } = await sendPin(h, { applicationId: app.applicationId, messageId: tpl.messageId, to: TO });
    assert.equal((await h.call('POST', `/2fa/2/pin/${pinId}/verify`, { pin: 'X' })).status, 200);
    assertError(await h.call('POST', `/2fa/2/pin/${pinId}/verify`, { pin: 'X' }), 429, 'TOO_MANY_REQUESTS', { text: /verifyPinLimit 1\/3s/ });
  });
});

test('a whole day of sending at the limit with the injected clock never goes over', async (t) => {
  const clock = fakeClock();
  const h = await startServer(t, { clock });
  const { appId, messageId } = await createAppAndTemplate(h, { configuration: { sendPinPerPhoneNumberLimit: '4/6h' } });
  const body = { applicationId: appId, messageId, to: TO };
  let accepted = 0;
  for (let hour = 0; hour < 24; hour++) {
    for (let i = 0; i < 2; i++) if ((await h.call('POST', '/2fa/2/pin', body)).status === 200) accepted++;
    clock.advance(3_600_000);
  }
  // Anchored windows of 6 h: 4 windows in 24 h, 4 sends each.
  assert.equal(accepted, 16);
  assert.equal(clock.now() - Date.UTC(2026, 0, 1), DAY);
});
