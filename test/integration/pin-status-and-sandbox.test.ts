import assert from 'node:assert/strict';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { SANDBOX_EMAIL, SANDBOX_SLOW_NUMBER, SANDBOX_SMS, SANDBOX_VOICE } from '../../src/channels/sandbox/sandbox-destinations.ts';
import {
  assertError, createAppAndTemplate, fakeClock, type Harness, ID32, sandboxMessages, sendPin, startServer,
} from '../helpers/harness.ts';

/** Extensions: GET /2fa/2/pin/{pinId}/status and the sandbox inbox (decisions "Extensions", "Start-up contract"). */

const status = async (h: Harness, pinId: string) => {
  const res = await h.call('GET', `/2fa/2/pin/${pinId}/status`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
};

describe('PIN delivery status', () => {
  test('shows the PIN and each delivery attempt with its final status and times', async (t) => {
    const clock = fakeClock(Date.UTC(2026, 4, 1));
    const h = await startServer(t, { clock });
    const { appId, messageId } = await createAppAndTemplate(h, { configuration: { pinTimeToLive: '10m', pinAttempts: 4 } });
    const sent = await sendPin(h, { applicationId: appId, messageId, to: '41793026727' });
    await h.call('POST', `/2fa/2/pin/${sent.pinId}/resend/voice`, {});
    await sandboxMessages(h, '41793026727');
    const body = await status(h, sent.pinId);
    assert.equal(body.pinId, sent.pinId);
    assert.equal(body.applicationId, appId);
    assert.equal(body.messageId, messageId);
    assert.equal(body.to, '41793026727');
    assert.equal(body.createdAt, new Date(clock.now()).toISOString());
    assert.equal(body.expiresAt, new Date(clock.now() + 600_000).toISOString());
    assert.equal(body.verified, false);
    assert.equal(body.attemptsRemaining, 4);
    assert.equal(body.deliveries.length, 2);
    const byChannel = Object.fromEntries(body.deliveries.map((d: any) => [d.channel, d]));
    assert.equal(byChannel.sms.smsStatus, 'DELIVERED_TO_HANDSET');
    assert.equal(byChannel.sms.final, true);
    assert.equal(byChannel.voice.callStatus, 'PROCESSED');
    assert.equal(byChannel.voice.final, true);
    assert.equal(byChannel.voice.resultCode, 'SIP 200');
    assert.equal(byChannel.voice.answeringMachine, 'HUMAN');
    for (const d of body.deliveries) {
      assert.match(d.deliveryId, ID32);
      assert.equal(d.to, '41793026727');
      assert.ok(!Number.isNaN(Date.parse(d.acceptedAt)));
    }
  });

  test('unknown pinId → 404; trailing slash accepted', async (t) => {
    const h = await startServer(t);
    assertError(await h.call('GET', '/2fa/2/pin/9C817C6F8AF3D48F9FE553282AFA2B67/status'), 404, 'NOT_FOUND');
    const { appId, messageId } = await createAppAndTemplate(h);
    const sent = await sendPin(h, { applicationId: appId, messageId, to: '41793026727' });
    assert.equal((await h.call('GET', `/2fa/2/pin/${sent.pinId}/status/`)).status, 200);
  });

  test('every sandbox voice number ends in its final callStatus', async (t) => {
    const h = await startServer(t);
    const { appId, messageId } = await createAppAndTemplate(h);
    const expected: Record<string, string> = { ...SANDBOX_VOICE, '41793026727': 'PROCESSED' };
    assert.equal(Object.keys(SANDBOX_VOICE).length, 9, 'one number per final status but PROCESSED');
    const pins: Record<string, string> = {};
    for (const to of Object.keys(expected)) {
      const res = await h.call('POST', '/2fa/2/pin/voice', { applicationId: appId, messageId, to });
      assert.equal(res.status, 200, `${to}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.callStatus, 'PROCESSING');
      pins[to] = res.body.pinId;
    }
    await h.o2.worker.drain();
    const seen = new Set<string>();
    for (const [to, callStatus] of Object.entries(expected)) {
      const [d] = (await status(h, pins[to]!)).deliveries;
      assert.equal(d.callStatus, callStatus, to);
      assert.equal(d.status, callStatus);
      assert.equal(d.final, true, to);
      assert.ok(d.endedAt, `${to} has ended`);
      seen.add(callStatus);
    }
    // All eleven statuses of the seed's list but PROCESSING appear as a final status.
    assert.deepEqual([...seen].sort(), ['ANSWERED_MACHINE', 'BAD_REQUEST', 'ERROR', 'ERROR_NETWORK_NOT_AVAILABLE', 'ERROR_NOT_ENOUGH_CREDITS',
      'ERROR_NO_ANSWER', 'ERROR_ROUTE_NOT_AVAILABLE', 'ERROR_USER_BUSY', 'PROCESSED', 'UNDEFINED'].sort());
    // A machine counts as answered; the busy number was never reached.
    assert.equal((await status(h, pins['15550000001']!)).deliveries[0].answeringMachine, 'MACHINE');
    assert.equal((await status(h, pins['15550000002']!)).deliveries[0].resultCode, 'SIP 486');
  });

  test('sandbox SMS and email destinations end in their final status', async (t) => {
    const h = await startServer(t);
    const { appId, messageId } = await createAppAndTemplate(h);
    const expected: Record<string, string> = { ...SANDBOX_SMS, '41793026727': 'DELIVERED_TO_HANDSET' };
    const pins: Record<string, string> = {};
    for (const to of Object.keys(expected)) pins[to] = (await sendPin(h, { applicationId: appId, messageId, to })).pinId;
    const email = (await h.call('POST', `/2fa/2/applications/${appId}/email/messages`, { emailTemplateId: 1 })).body.messageId;
    const emailExpected: Record<string, string> = { ...SANDBOX_EMAIL, 'someone@example.com': 'DELIVERED' };
    for (const to of Object.keys(emailExpected)) {
      pins[to] = (await sendPin(h, { applicationId: appId, messageId: email, to }, { path: '/2fa/2/pin/email' })).pinId;
    }
    await h.o2.worker.drain();
    for (const [to, smsStatus] of Object.entries(expected)) {
      const [d] = (await status(h, pins[to]!)).deliveries;
      assert.equal(d.smsStatus, smsStatus, to);
      assert.equal(d.final, true);
    }
    for (const [to, emailStatus] of Object.entries(emailExpected)) {
      const [d] = (await status(h, pins[to]!)).deliveries;
      assert.equal(d.emailStatus, emailStatus, to);
    }
  });

  test('the slow sandbox number stays PROCESSING, then ends PROCESSED', async (t) => {
    const h = await startServer(t);
    const { appId, messageId } = await createAppAndTemplate(h);
    // Not sendPin(): it waits for the delivery to finish, and this test looks at it mid-way.
    const res = await h.call('POST', '/2fa/2/pin/voice', { applicationId: appId, messageId, to: SANDBOX_SLOW_NUMBER });
    assert.equal(res.status, 200);
    const sent = res.body as { pinId: string };
    await new Promise((r) => setTimeout(r, 300));
    const during = await status(h, sent.pinId);
    assert.equal(during.deliveries[0].callStatus, 'PROCESSING');
    assert.equal(during.deliveries[0].final, false);
    await h.o2.worker.drain();
    const after = await status(h, sent.pinId);
    assert.equal(after.deliveries[0].callStatus, 'PROCESSED');
    assert.equal(after.deliveries[0].final, true);
  });
});

describe('sandbox inbox', () => {
  test('lists captured deliveries for one destination, newest first, with the documented fields', async (t) => {
    const clock = fakeClock();
    const h = await startServer(t, { clock });
    const { appId, messageId } = await createAppAndTemplate(h, { template: { senderId: 'Shop' } });
    const a = await sendPin(h, { applicationId: appId, messageId, to: '41793026727' });
    await sandboxMessages(h, '41793026727');
    clock.advance(1000);
    const b = await sendPin(h, { applicationId: appId, messageId, to: '41793026727' }, { path: '/2fa/2/pin/voice' });
    await sendPin(h, { applicationId: appId, messageId, to: '41793026799' });
    const msgs = await sandboxMessages(h, '41793026727');
    assert.deepEqual(msgs.map((m) => m.pinId), [b.pinId, a.pinId]);
    const [voice, sms] = msgs;
    for (const m of msgs) {
      for (const field of ['pinId', 'channel', 'to', 'from', 'text', 'createdAt']) assert.ok(field in m, `${field} in ${JSON.stringify(m)}`);
      assert.equal(m.to, '41793026727');
    }
    assert.equal(sms.channel, 'sms');
    assert.equal(sms.from, 'Shop');
    assert.equal(voice.channel, 'voice');
    assert.ok(Date.parse(voice.createdAt) > Date.parse(sms.createdAt));
    // The answered call comes with a link to exactly its audio; the SMS has none.
    assert.equal('audioUrl' in sms, false);
    assert.match(voice.audioUrl ?? '', /^http:\/\/127\.0\.0\.1:\d+\/sandbox\/1\/audio\/[0-9A-F]{32}\.wav\?token=[0-9a-f]{32}$/, 'voice capture has an audioUrl');
    const wav = await fetch(voice.audioUrl);
    assert.equal(wav.status, 200);
    assert.match(wav.headers.get('content-type') ?? '', /^audio\/wav/);
    const bytes = Buffer.from(await wav.arrayBuffer());
    assert.equal(bytes.subarray(0, 4).toString('latin1'), 'RIFF');
    assert.equal(bytes.subarray(8, 12).toString('latin1'), 'WAVE');
    assert.ok(bytes.length > 1000, 'the WAV holds audio');
    const forged = await h.call('GET', new URL(voice.audioUrl).pathname + '?token=' + '0'.repeat(32), undefined, { key: null });
    assertError(forged, 401, 'UNAUTHORIZED');
    assertError(await h.call('GET', new URL(voice.audioUrl).pathname, undefined, { key: null }), 401, 'UNAUTHORIZED');
    // Once the recording is gone (pruned with its PIN) the link answers 404, not an error.
    for (const f of readdirSync(join(h.o2.config.dataDir, 'audio'))) rmSync(join(h.o2.config.dataDir, 'audio', f));
    const gone = await fetch(voice.audioUrl);
    assertError({ status: gone.status, body: await gone.json(), headers: gone.headers }, 404, 'NOT_FOUND');
    // "+" in the query finds the same number; limit caps the list.
    assert.equal((await h.call('GET', '/sandbox/1/messages?to=%2B41793026727')).body.messages.length, 2);
    assert.deepEqual((await h.call('GET', '/sandbox/1/messages?to=41793026727&limit=1')).body.messages.map((m: any) => m.pinId), [b.pinId]);
  });

  test('query validation: to required and a number or address, limit 1..500', async (t) => {
    const h = await startServer(t);
    assertError(await h.call('GET', '/sandbox/1/messages'), 400, 'BAD_REQUEST', { fields: ['to'] });
    assertError(await h.call('GET', '/sandbox/1/messages?to=hello'), 400, 'BAD_REQUEST', { fields: ['to'] });
    assertError(await h.call('GET', '/sandbox/1/messages?to=41793026727&limit=0'), 400, 'BAD_REQUEST', { fields: ['limit'] });
    assertError(await h.call('GET', '/sandbox/1/messages?to=41793026727&limit=501'), 400, 'BAD_REQUEST', { fields: ['limit'] });
    assertError(await h.call('GET', '/sandbox/1/messages?to=41793026727&limit=ten'), 400, 'BAD_REQUEST', { fields: ['limit'] });
    assert.deepEqual((await h.call('GET', '/sandbox/1/messages?to=41793026727')).body, { messages: [] });
    assert.deepEqual((await h.call('GET', '/sandbox/1/messages?to=someone%40example.com')).body, { messages: [] });
  });

  test('a refused send leaves nothing in the inbox', async (t) => {
    const h = await startServer(t);
    const { appId, messageId } = await createAppAndTemplate(h, { configuration: { sendPinPerPhoneNumberLimit: '1/1d' } });
    await sendPin(h, { applicationId: appId, messageId, to: '41793026727' });
    assert.equal((await h.call('POST', '/2fa/2/pin', { applicationId: appId, messageId, to: '41793026727' })).status, 429);
    assert.equal((await sandboxMessages(h, '41793026727')).length, 1);
  });
});
