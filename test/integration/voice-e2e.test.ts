/**
 * Voice PINs through the HTTP API to a real SIP peer (sipp): the seed's flow end to end —
 * send, call, final callStatus on the status endpoint, signed delivery report, credits.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { getHeader } from '../../src/channels/voice/sip/sip-message.ts';
import { createAppAndTemplate, startServer, type Harness } from '../helpers/harness.ts';
import { rejectScenario, answerScenario } from '../voice/sip/sipp-scenarios.ts';
import { parseLoggedHeaders, receivedMessages } from '../voice/sip/sipp-harness.ts';
import { sippFor } from '../voice/sip/call-fixtures.ts';

const voiceConfig = (ip: string, extra: Record<string, unknown> = {}) => ({
  voice: {
    trunks: [{ name: 'sipp', host: ip, port: 5090 }], routes: [{ prefix: '41', trunks: ['sipp'], callerId: '41440000009' }],
    ringTimeoutMs: 8000, noResponseTimeoutMs: 1500, listenAfterPromptMs: 300, maxReplays: 1, amd: { enabled: false }, ...extra,
  },
});

async function finalStatus(h: Harness, pinId: string) {
  for (let i = 0; i < 200; i++) {
    const s = await h.call('GET', `/2fa/2/pin/${pinId}/status`);
    if (s.body.deliveries?.[0]?.final) return s.body.deliveries[0];
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('no final status within 10 s');
}

test('voice PIN over SIP: template senderId caller ID, PROCESSED with SIP details, signed delivery report', async (t) => {
  const received: { body: string; headers: IncomingHttpHeaders }[] = [];
  const hook = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => { received.push({ body, headers: req.headers }); res.end('ok'); });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  t.after(() => hook.close());
  const peer = await sippFor(t, { name: 'api-voice', ip: '127.0.22.1', port: 5090, scenario: answerScenario('api-voice') });
  const h = await startServer(t, { config: { ...voiceConfig('127.0.22.1'), webhooks: { retryUnitMs: 50 } } });

  const app = await h.call('POST', '/2fa/2/applications', { name: 'voice', notifyUrl: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/reports` });
  assert.equal(app.status, 200);
  assert.match(app.body.webhookSecret, /^[0-9a-f]{64}$/);
  const tpl = await h.call('POST', `/2fa/2/applications/${app.body.applicationId}/messages`, {
    pinType: 'NUMERIC', pinLength: 4, messageText: 'Code {{pin}}', language: 'en', voiceName: 'Joey', speechRate: 2, senderId: '41441234567',
  });
  const sent = await h.call('POST', '/2fa/2/pin/voice', { applicationId: app.body.applicationId, messageId: tpl.body.messageId, to: '41793026727', from: 'Acme', trackDelivery: true });
  assert.equal(sent.status, 200, JSON.stringify(sent.body));
  assert.equal(sent.body.callStatus, 'PROCESSING');
  assert.match(sent.body.externalMessageId, /^[0-9a-f-]{36}$/);

  const delivery = await finalStatus(h, sent.body.pinId);
  assert.equal(delivery.callStatus, 'PROCESSED');
  assert.equal(delivery.resultCode, 'SIP 200');
  assert.equal(delivery.from, '41441234567', 'alphanumeric from → the numeric template senderId');
  assert.ok(delivery.answeredAt && delivery.endedAt && delivery.ringingAt, 'call times recorded');
  assert.equal(delivery.dtmfRepeats, 0);
  await peer.waitExit(5000);
  const invite = receivedMessages(peer.messages, /^INVITE /)[0];
  assert.ok(invite);
  assert.match(getHeader(parseLoggedHeaders(invite), 'From') ?? '', /sip:41441234567@/);

  for (let i = 0; i < 100 && received.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
  assert.equal(received.length, 1, 'one delivery report');
  const [report] = received;
  const expected = createHmac('sha256', app.body.webhookSecret).update(report!.body).digest('hex');
  assert.equal(report!.headers['x-open2fa-signature'], `sha256=${expected}`);
  assert.match(String(report!.headers['x-open2fa-event-id']), /^[0-9a-f-]{36}$/);
  const result = JSON.parse(report!.body).results[0];
  assert.equal(result.messageId, sent.body.externalMessageId);
  assert.equal(result.callStatus, 'PROCESSED');
  assert.equal(result.pinId, sent.body.pinId);
});

test('voice refusals answer the final callStatus at once: no route, not enough credits', async (t) => {
  const h = await startServer(t, { config: voiceConfig('127.0.22.2', { prices: [{ prefix: '41', perMinute: 1 }] }) });
  const { appId, messageId } = await createAppAndTemplate(h);
  const noRoute = await h.call('POST', '/2fa/2/pin/voice', { applicationId: appId, messageId, to: '447700900123' });
  assert.equal(noRoute.body.callStatus, 'ERROR_ROUTE_NOT_AVAILABLE');
  const account = await h.o2.store.findAccountByName('default');
  await h.o2.store.setCreditBalance(account!.id, 0.5);
  const poor = await h.call('POST', '/2fa/2/pin/voice', { applicationId: appId, messageId, to: '41793026727' });
  assert.equal(poor.body.callStatus, 'ERROR_NOT_ENOUGH_CREDITS');
  const status = await h.call('GET', `/2fa/2/pin/${poor.body.pinId}/status`);
  assert.equal(status.body.deliveries[0].callStatus, 'ERROR_NOT_ENOUGH_CREDITS');
  assert.equal(status.body.deliveries[0].final, true);
});

test('busy callee through the API: ERROR_USER_BUSY with SIP 486 on the status endpoint', async (t) => {
  const peer = await sippFor(t, { name: 'api-busy', ip: '127.0.22.3', port: 5090, scenario: rejectScenario('api-busy', 486, 'Busy Here') });
  const h = await startServer(t, { config: voiceConfig('127.0.22.3') });
  const { appId, messageId } = await createAppAndTemplate(h);
  const sent = await h.call('POST', '/2fa/2/pin/voice', { applicationId: appId, messageId, to: '41793026727' });
  const delivery = await finalStatus(h, sent.body.pinId);
  assert.equal(delivery.callStatus, 'ERROR_USER_BUSY');
  assert.equal(delivery.resultCode, 'SIP 486');
  assert.equal(delivery.from, '41440000009', 'the route caller ID');
  await peer.waitExit(3000);
});
