import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  assertError, capturedPin, createAppAndTemplate, defaultAccountId, fakeClock, type Harness, sendPin, startServer, wrongPin,
} from '../helpers/harness.ts';

/** Infobip endpoint 17: verify (reference §9.1, §10, decisions #2–#4, #13). */

const TO = '41793026727';

async function pinFor(h: Harness, opts: Parameters<typeof createAppAndTemplate>[1] = {}) {
  const { appId, messageId } = await createAppAndTemplate(h, opts);
  const { pinId } = await sendPin(h, { applicationId: appId, messageId, to: TO });
  return { appId, pinId, pin: await capturedPin(h, TO) };
}

const verify = (h: Harness, pinId: string, pin: unknown) => h.call('POST', `/2fa/2/pin/${pinId}/verify`, { pin });
const remaining = async (h: Harness, pinId: string) => (await h.call('GET', `/2fa/2/pin/${pinId}/status`)).body.attemptsRemaining;

describe('verify', () => {
  test('wrong PIN: 200, verified false, WRONG_PIN, attempts counting down; right PIN: verified, no pinError', async (t) => {
    const h = await startServer(t);
    const { pinId, pin } = await pinFor(h);
    const w1 = await verify(h, pinId, wrongPin(pin));
    assert.equal(w1.status, 200);
    assert.deepEqual(w1.body, { pinId, msisdn: TO, verified: false, attemptsRemaining: 9, pinError: 'WRONG_PIN' });
    const w2 = await verify(h, pinId, `${pin}0`);
    assert.deepEqual(w2.body, { pinId, msisdn: TO, verified: false, attemptsRemaining: 8, pinError: 'WRONG_PIN' });
    const ok = await verify(h, pinId, pin);
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.body, { pinId, msisdn: TO, verified: true, attemptsRemaining: 7 });
    assert.equal((await h.call('GET', `/2fa/2/pin/${pinId}/status`)).body.verified, true);
  });

  test('letters verify case-insensitively and surrounding spaces are ignored', async (t) => {
    const h = await startServer(t);
    const { pinId, pin } = await pinFor(h, { template: { pinType: 'ALPHA', pinLength: 6 } });
    assert.match(pin, /^[A-Z]{6}$/);
    const res = await verify(h, pinId, ` ${pin.toLowerCase()} `);
    assert.equal(res.body.verified, true, JSON.stringify(res.body));
  });

  test('TTL: after pinTimeToLive the right PIN answers TTL_EXPIRED and no attempt is consumed', async (t) => {
    const clock = fakeClock();
    const h = await startServer(t, { clock });
    const { pinId, pin } = await pinFor(h, { configuration: { pinTimeToLive: '45s', pinAttempts: 3 } });
    assert.equal((await verify(h, pinId, wrongPin(pin))).body.attemptsRemaining, 2);
    clock.advance(44_999);
    assert.equal((await verify(h, pinId, wrongPin(pin))).body.pinError, 'WRONG_PIN', 'still alive 1 ms before the end');
    clock.advance(1);
    for (const candidate of [pin, wrongPin(pin), pin]) {
      const res = await verify(h, pinId, candidate);
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, { pinId, msisdn: TO, verified: false, attemptsRemaining: 1, pinError: 'TTL_EXPIRED' });
    }
    assert.equal(await remaining(h, pinId), 1, 'expired verifications consumed nothing');
  });

  test('a verified multi-use PIN stays verifiable until its TTL ends', async (t) => {
    const clock = fakeClock();
    const h = await startServer(t, { clock });
    const { pinId, pin } = await pinFor(h, { configuration: { pinTimeToLive: '10m', allowMultiplePinVerifications: true } });
    assert.equal((await verify(h, pinId, pin)).body.verified, true);
    const again = await verify(h, pinId, pin);
    assert.equal(again.body.verified, true, JSON.stringify(again.body));
    assert.equal('pinError' in again.body, false);
    // A resend of a verified multi-use PIN is allowed.
    assert.equal((await h.call('POST', `/2fa/2/pin/${pinId}/resend`, {})).status, 200);
    clock.advance(10 * 60_000);
    assert.equal((await verify(h, pinId, pin)).body.pinError, 'TTL_EXPIRED');
  });

  test('single-use (allowMultiplePinVerifications false): second verify PIN_ALREADY_VERIFIED, resend → 400', async (t) => {
    const h = await startServer(t);
    const { pinId, pin } = await pinFor(h, { configuration: { allowMultiplePinVerifications: false } });
    const first = await verify(h, pinId, pin);
    assert.deepEqual(first.body, { pinId, msisdn: TO, verified: true, attemptsRemaining: 0 });
    for (const candidate of [pin, wrongPin(pin)]) {
      const res = await verify(h, pinId, candidate);
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, { pinId, msisdn: TO, verified: false, attemptsRemaining: 0, pinError: 'PIN_ALREADY_VERIFIED' });
    }
    const status = (await h.call('GET', `/2fa/2/pin/${pinId}/status`)).body;
    assert.equal(status.verified, true);
    assert.equal(status.attemptsRemaining, 0, 'the status agrees with verify: nothing left to try');
    assertError(await h.call('POST', `/2fa/2/pin/${pinId}/resend`, {}), 400, 'BAD_REQUEST', { text: /already verified/ });
    assertError(await h.call('POST', `/2fa/2/pin/${pinId}/resend/voice`, {}), 400, 'BAD_REQUEST', { text: /already verified/ });
  });

  test('pinAttempts: after the last wrong attempt even the right PIN answers NO_MORE_PIN_ATTEMPTS', async (t) => {
    const h = await startServer(t);
    const { pinId, pin } = await pinFor(h, { configuration: { pinAttempts: 3 } });
    const left = [];
    for (let i = 0; i < 3; i++) {
      const res = await verify(h, pinId, wrongPin(pin));
      assert.equal(res.body.pinError, 'WRONG_PIN');
      left.push(res.body.attemptsRemaining);
    }
    assert.deepEqual(left, [2, 1, 0]);
    const right = await verify(h, pinId, pin);
    assert.equal(right.status, 200);
    assert.deepEqual(right.body, { pinId, msisdn: TO, verified: false, attemptsRemaining: 0, pinError: 'NO_MORE_PIN_ATTEMPTS' });
    assert.equal((await h.call('GET', `/2fa/2/pin/${pinId}/status`)).body.verified, false);
    // A new PIN for the same number works again.
    const status = (await h.call('GET', `/2fa/2/pin/${pinId}/status`)).body;
    const next = await sendPin(h, { applicationId: status.applicationId, messageId: status.messageId, to: TO });
    const nextPin = await capturedPin(h, TO);
    assert.equal((await verify(h, next.pinId, nextPin)).body.verified, true);
  });

  test('pinAttempts 1: one wrong guess ends the PIN', async (t) => {
    const h = await startServer(t);
    const { pinId, pin } = await pinFor(h, { configuration: { pinAttempts: 1 } });
    assert.deepEqual((await verify(h, pinId, wrongPin(pin))).body, { pinId, msisdn: TO, verified: false, attemptsRemaining: 0, pinError: 'WRONG_PIN' });
    assert.equal((await verify(h, pinId, pin)).body.pinError, 'NO_MORE_PIN_ATTEMPTS');
  });

  test('the application configuration at send time applies to the PIN', async (t) => {
    const h = await startServer(t);
    const { appId, pinId, pin } = await pinFor(h, { configuration: { pinAttempts: 2 } });
    await h.call('PUT', `/2fa/2/applications/${appId}`, { configuration: { pinAttempts: 50 } });
    assert.equal((await verify(h, pinId, wrongPin(pin))).body.attemptsRemaining, 1);
  });
});

describe('verify refusals', () => {
  test('unknown pinId → 404', async (t) => {
    const h = await startServer(t);
    assertError(await verify(h, '9C817C6F8AF3D48F9FE553282AFA2B67', '1234'), 404, 'NOT_FOUND', { text: /9C817C6F8AF3D48F9FE553282AFA2B67/ });
    assertError(await verify(h, 'not-even-hex', '1234'), 404, 'NOT_FOUND');
  });

  test('pin is required and must be a non-empty string', async (t) => {
    const h = await startServer(t);
    const { pinId, pin } = await pinFor(h);
    assertError(await h.call('POST', `/2fa/2/pin/${pinId}/verify`, {}), 400, 'BAD_REQUEST', { fields: ['pin'], text: /pin/ });
    assertError(await h.call('POST', `/2fa/2/pin/${pinId}/verify`), 400, 'BAD_REQUEST');
    for (const bad of ['', '   ', 1234, null, ['1234'], { pin: '1' }]) {
      assertError(await verify(h, pinId, bad), 400, 'BAD_REQUEST', { fields: ['pin'] });
    }
    assert.equal(await remaining(h, pinId), 10, 'refused requests consumed no attempt');
    assert.equal((await verify(h, pinId, pin)).body.verified, true);
  });

  test('a PIN this process sent is verified without reading it first; answers stay those of the stored PIN', async (t) => {
    const h = await startServer(t);
    const { pinId, pin } = await pinFor(h, { configuration: { allowMultiplePinVerifications: false, pinAttempts: 5 } });
    const store = h.o2.store as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
    const getPin = store.getPin!;
    let reads = 0;
    store.getPin = (...args) => { reads++; return getPin(...args); };
    t.after(() => { store.getPin = getPin; });

    assert.equal((await verify(h, pinId, wrongPin(pin))).body.attemptsRemaining, 4);
    assert.equal((await verify(h, pinId, pin)).body.verified, true);
    assert.equal(reads, 0, 'verify used the PIN remembered from its send');
    // The remembered copy still says "not verified"; the store's atomic check answers instead,
    // without taking an attempt.
    const again = await verify(h, pinId, pin);
    assert.deepEqual(again.body, { pinId, msisdn: TO, verified: false, attemptsRemaining: 0, pinError: 'PIN_ALREADY_VERIFIED' });
    const stored = await getPin(await defaultAccountId(h), pinId) as { attemptsUsed: number };
    assert.equal(stored.attemptsUsed, 2, 'the already-verified answer took no attempt');
  });
});
