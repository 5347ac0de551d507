import assert from 'node:assert/strict';
import { test } from 'node:test';
import { capturedPin, createAppAndTemplate, type Harness, sandboxMessages, sendPin, startServer, wrongPin } from '../helpers/harness.ts';

/**
 * Counting under concurrency: attempts and rate-limit slots are taken atomically, so a burst of
 * requests can never get more than the configuration allows (reference §10, decisions #4, #5).
 */

const TO = '41793026727';

async function livePin(h: Harness, configuration: Record<string, unknown>) {
  const { appId, messageId } = await createAppAndTemplate(h, { configuration: { verifyPinLimit: '1000/1s', ...configuration } });
  const { pinId } = await sendPin(h, { applicationId: appId, messageId, to: TO });
  return { pinId, pin: await capturedPin(h, TO) };
}

const tally = (values: string[]) => values.reduce<Record<string, number>>((acc, v) => ({ ...acc, [v]: (acc[v] ?? 0) + 1 }), {});

test('50 concurrent wrong verifies consume exactly 50 attempts; then the correct PIN is refused', async (t) => {
  const h = await startServer(t);
  const { pinId, pin } = await livePin(h, { pinAttempts: 50 });
  const results = await Promise.all(Array.from({ length: 50 }, () => h.call('POST', `/2fa/2/pin/${pinId}/verify`, { pin: wrongPin(pin) })));
  assert.deepEqual(tally(results.map((r) => `${r.status} ${r.body.pinError}`)), { '200 WRONG_PIN': 50 });
  // Each request saw its own attempt: every remaining count from 49 down to 0 exactly once.
  assert.deepEqual(results.map((r) => r.body.attemptsRemaining).sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => i));
  assert.equal((await h.call('GET', `/2fa/2/pin/${pinId}/status`)).body.attemptsRemaining, 0);
  const right = await h.call('POST', `/2fa/2/pin/${pinId}/verify`, { pin });
  assert.equal(right.status, 200);
  assert.equal(right.body.verified, false);
  assert.equal(right.body.pinError, 'NO_MORE_PIN_ATTEMPTS');
});

test('pinAttempts 10 and 30 concurrent wrong verifies: exactly 10 WRONG_PIN and 20 NO_MORE_PIN_ATTEMPTS', async (t) => {
  const h = await startServer(t);
  const { pinId, pin } = await livePin(h, { pinAttempts: 10 });
  const results = await Promise.all(Array.from({ length: 30 }, () => h.call('POST', `/2fa/2/pin/${pinId}/verify`, { pin: wrongPin(pin) })));
  assert.deepEqual(tally(results.map((r) => `${r.status} ${r.body.pinError}`)), { '200 WRONG_PIN': 10, '200 NO_MORE_PIN_ATTEMPTS': 20 });
  assert.ok(results.every((r) => r.body.verified === false));
  assert.equal((await h.call('GET', `/2fa/2/pin/${pinId}/status`)).body.attemptsRemaining, 0);
  assert.equal((await h.call('POST', `/2fa/2/pin/${pinId}/verify`, { pin })).body.pinError, 'NO_MORE_PIN_ATTEMPTS');
});

test('a correct PIN racing wrong ones on a single-use PIN: it verifies exactly once', async (t) => {
  const h = await startServer(t);
  const { pinId, pin } = await livePin(h, { pinAttempts: 100, allowMultiplePinVerifications: false });
  const candidates = Array.from({ length: 30 }, (_, i) => (i % 3 === 0 ? pin : wrongPin(pin)));
  const results = await Promise.all(candidates.map((c) => h.call('POST', `/2fa/2/pin/${pinId}/verify`, { pin: c })));
  assert.ok(results.every((r) => r.status === 200));
  assert.equal(results.filter((r) => r.body.verified === true).length, 1, 'one success only');
  const rightOnes = results.filter((_, i) => candidates[i] === pin && results[i]!.body.verified !== true);
  assert.ok(rightOnes.every((r) => r.body.pinError === 'PIN_ALREADY_VERIFIED'), JSON.stringify(rightOnes.map((r) => r.body)));
});

test('20 concurrent sends with sendPinPerPhoneNumberLimit "5/1d": exactly 5 succeed, 15 are 429', async (t) => {
  const h = await startServer(t);
  const { appId, messageId } = await createAppAndTemplate(h, { configuration: { sendPinPerPhoneNumberLimit: '5/1d' } });
  const body = { applicationId: appId, messageId, to: TO };
  const results = await Promise.all(Array.from({ length: 20 }, (_, i) => h.call('POST', i % 2 ? '/2fa/2/pin' : '/2fa/2/pin/voice', body)));
  assert.deepEqual(tally(results.map((r) => String(r.status))), { 200: 5, 429: 15 });
  for (const r of results.filter((x) => x.status === 429)) assert.equal(r.body.requestError.serviceException.messageId, 'TOO_MANY_REQUESTS');
  assert.equal(new Set(results.filter((r) => r.status === 200).map((r) => r.body.pinId)).size, 5);
  assert.equal((await sandboxMessages(h, TO)).length, 5, 'exactly five deliveries');
  const verifications = await h.call('GET', `/2fa/2/applications/${appId}/verifications?msisdn=${TO}`);
  assert.equal(verifications.body.verifications.length, 5, 'exactly five PINs');
});

test('concurrent sends to many numbers under sendPinPerApplicationLimit "7/1h": exactly 7 succeed', async (t) => {
  const h = await startServer(t);
  const { appId, messageId } = await createAppAndTemplate(h, { configuration: { sendPinPerApplicationLimit: '7/1h' } });
  const results = await Promise.all(Array.from({ length: 25 }, (_, i) => h.call('POST', '/2fa/2/pin', { applicationId: appId, messageId, to: `417930267${String(i).padStart(2, '0')}` })));
  assert.deepEqual(tally(results.map((r) => String(r.status))), { 200: 7, 429: 18 });
});

test('concurrent verifies under verifyPinLimit "3/1h": exactly 3 are answered, the rest 429 and consume nothing', async (t) => {
  const h = await startServer(t);
  const { pinId, pin } = await livePin(h, { verifyPinLimit: '3/1h', pinAttempts: 10 });
  const results = await Promise.all(Array.from({ length: 15 }, () => h.call('POST', `/2fa/2/pin/${pinId}/verify`, { pin: wrongPin(pin) })));
  assert.deepEqual(tally(results.map((r) => String(r.status))), { 200: 3, 429: 12 });
  assert.equal((await h.call('GET', `/2fa/2/pin/${pinId}/status`)).body.attemptsRemaining, 7);
});
