import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  assertError, createAppAndTemplate, fakeClock, pinIn, sandboxMessages, sendPin, startServer,
} from '../helpers/harness.ts';

/** Infobip endpoints 12 and 14: resend the same PIN (reference §7.2, §7.4, decisions #7). */

const MIN = 60_000;

describe('resend', () => {
  test('SMS resend: same pinId, same PIN, a second delivery', async (t) => {
    const h = await startServer(t);
    const { appId, messageId } = await createAppAndTemplate(h);
    const sent = await sendPin(h, { applicationId: appId, messageId, to: '41793026727' });
    const res = await h.call('POST', `/2fa/2/pin/${sent.pinId}/resend`, {});
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body, { pinId: sent.pinId, to: '41793026727', ncStatus: sent.ncStatus, smsStatus: 'MESSAGE_SENT' });
    const msgs = await sandboxMessages(h, '41793026727');
    assert.equal(msgs.length, 2);
    assert.ok(msgs.every((m) => m.pinId === sent.pinId && m.channel === 'sms'));
    assert.equal(pinIn(msgs[0].text), pinIn(msgs[1].text));
    const status = await h.call('GET', `/2fa/2/pin/${sent.pinId}/status`);
    assert.equal(status.body.deliveries.length, 2);
  });

  test('resend without any body (v1 clients) and with trailing slash works', async (t) => {
    const h = await startServer(t);
    const { appId, messageId } = await createAppAndTemplate(h);
    const sent = await sendPin(h, { applicationId: appId, messageId, to: '41793026727' });
    const bare = await h.call('POST', `/2fa/2/pin/${sent.pinId}/resend`);
    assert.equal(bare.status, 200, JSON.stringify(bare.body));
    assert.equal(bare.body.pinId, sent.pinId);
    const slash = await h.call('POST', `/2fa/2/pin/${sent.pinId}/resend/voice/`, {});
    assert.equal(slash.status, 200, JSON.stringify(slash.body));
    assert.equal(slash.body.callStatus, 'PROCESSING');
  });

  test('an SMS PIN resent by voice keeps its pinId; both deliveries carry the same PIN', async (t) => {
    const h = await startServer(t);
    const { appId, messageId } = await createAppAndTemplate(h, { template: { pinType: 'ALPHANUMERIC', pinLength: 8 } });
    const sent = await sendPin(h, { applicationId: appId, messageId, to: '41793026727' });
    const voice = await h.call('POST', `/2fa/2/pin/${sent.pinId}/resend/voice`, {});
    assert.equal(voice.status, 200, JSON.stringify(voice.body));
    assert.deepEqual(voice.body, { pinId: sent.pinId, to: '41793026727', callStatus: 'PROCESSING' });
    const msgs = await sandboxMessages(h, '41793026727');
    assert.deepEqual(msgs.map((m) => m.channel).sort(), ['sms', 'voice']);
    const [a, b] = msgs.map((m) => pinIn(m.text));
    assert.match(a!, /^[0-9A-Z]{8}$/);
    assert.equal(a, b);
    // The PIN from either delivery verifies the one pinId.
    const verify = await h.call('POST', `/2fa/2/pin/${sent.pinId}/verify`, { pin: b });
    assert.equal(verify.body.verified, true);
  });

  test('a voice PIN resent by SMS keeps its pinId and PIN', async (t) => {
    const h = await startServer(t);
    const { appId, messageId } = await createAppAndTemplate(h);
    const sent = await sendPin(h, { applicationId: appId, messageId, to: '41793026727' }, { path: '/2fa/2/pin/voice' });
    const sms = await h.call('POST', `/2fa/2/pin/${sent.pinId}/resend`, {});
    assert.equal(sms.body.pinId, sent.pinId);
    assert.equal(sms.body.smsStatus, 'MESSAGE_SENT');
    const msgs = await sandboxMessages(h, '41793026727');
    assert.deepEqual(msgs.map((m) => m.channel).sort(), ['sms', 'voice']);
    assert.equal(pinIn(msgs[0].text), pinIn(msgs[1].text));
  });

  test('resend placeholders override the first ones; missing ones are kept from the first send', async (t) => {
    const h = await startServer(t);
    const { appId, messageId } = await createAppAndTemplate(h, { template: { messageText: '{{greeting}} {{name}}, your PIN is {{pin}}' } });
    const sent = await sendPin(h, { applicationId: appId, messageId, to: '41793026727', placeholders: { greeting: 'Hello', name: 'John' } });
    assert.equal((await h.call('POST', `/2fa/2/pin/${sent.pinId}/resend`, { placeholders: { name: 'Doe' } })).status, 200);
    const msgs = await sandboxMessages(h, '41793026727');
    assert.match(msgs[0].text, /^Hello Doe, your PIN is \d{4}$/);
    assert.match(msgs[1].text, /^Hello John, your PIN is \d{4}$/);
  });

  test('unknown pinId → 404 on every resend path', async (t) => {
    const h = await startServer(t);
    for (const suffix of ['resend', 'resend/voice', 'resend/email']) {
      assertError(await h.call('POST', `/2fa/2/pin/9C817C6F8AF3D48F9FE553282AFA2B67/${suffix}`, {}), 404, 'NOT_FOUND', { text: /9C817C6F8AF3D48F9FE553282AFA2B67/ });
    }
  });

  test('resend of an expired PIN → 400 saying it expired; nothing is sent', async (t) => {
    const clock = fakeClock();
    const h = await startServer(t, { clock });
    const { appId, messageId } = await createAppAndTemplate(h, { configuration: { pinTimeToLive: '5m' } });
    const sent = await sendPin(h, { applicationId: appId, messageId, to: '41793026727' });
    await sandboxMessages(h, '41793026727');
    clock.advance(5 * MIN);
    assertError(await h.call('POST', `/2fa/2/pin/${sent.pinId}/resend`, {}), 400, 'BAD_REQUEST', { text: /expired/ });
    assertError(await h.call('POST', `/2fa/2/pin/${sent.pinId}/resend/voice`, {}), 400, 'BAD_REQUEST', { text: /expired/ });
    assert.equal((await sandboxMessages(h, '41793026727')).length, 1);
  });

  test('resend of a PIN whose application was disabled → 400; enabled again, it works', async (t) => {
    const h = await startServer(t);
    const { appId, messageId } = await createAppAndTemplate(h);
    const sent = await sendPin(h, { applicationId: appId, messageId, to: '41793026727' });
    await h.call('PUT', `/2fa/2/applications/${appId}`, { enabled: false });
    assertError(await h.call('POST', `/2fa/2/pin/${sent.pinId}/resend`, {}), 400, 'BAD_REQUEST', { text: /disabled/ });
    assertError(await h.call('POST', `/2fa/2/pin/${sent.pinId}/resend/voice`, {}), 400, 'BAD_REQUEST', { text: /disabled/ });
    assert.equal((await sandboxMessages(h, '41793026727')).length, 1);
    await h.call('PUT', `/2fa/2/applications/${appId}`, { enabled: true });
    assert.equal((await h.call('POST', `/2fa/2/pin/${sent.pinId}/resend`, {})).status, 200);
  });

  test('resend does not extend the TTL', async (t) => {
    const clock = fakeClock();
    const h = await startServer(t, { clock });
    const { appId, messageId } = await createAppAndTemplate(h, { configuration: { pinTimeToLive: '15m' } });
    const sent = await sendPin(h, { applicationId: appId, messageId, to: '41793026727' });
    const before = (await h.call('GET', `/2fa/2/pin/${sent.pinId}/status`)).body.expiresAt;
    clock.advance(10 * MIN);
    assert.equal((await h.call('POST', `/2fa/2/pin/${sent.pinId}/resend`, {})).status, 200);
    const pin = pinIn((await sandboxMessages(h, '41793026727'))[0].text);
    assert.equal((await h.call('GET', `/2fa/2/pin/${sent.pinId}/status`)).body.expiresAt, before);
    clock.advance(6 * MIN); // 16 min after the first send, 6 after the resend
    const res = await h.call('POST', `/2fa/2/pin/${sent.pinId}/verify`, { pin });
    assert.equal(res.body.verified, false);
    assert.equal(res.body.pinError, 'TTL_EXPIRED');
  });

  test('resend body validation: trackDelivery must be boolean, body must be an object', async (t) => {
    const h = await startServer(t);
    const { appId, messageId } = await createAppAndTemplate(h);
    const sent = await sendPin(h, { applicationId: appId, messageId, to: '41793026727' });
    assertError(await h.call('POST', `/2fa/2/pin/${sent.pinId}/resend`, { trackDelivery: 'no' }), 400, 'BAD_REQUEST', { fields: ['trackDelivery'] });
    assertError(await h.call('POST', `/2fa/2/pin/${sent.pinId}/resend`, [1]), 400, 'BAD_REQUEST', { fields: ['body'] });
    const tracked = await h.call('POST', `/2fa/2/pin/${sent.pinId}/resend`, { trackDelivery: true });
    assert.match(tracked.body.externalMessageId, /^[0-9a-f-]{36}$/);
  });
});
