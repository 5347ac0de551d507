/**
 * The voice channel (routes, failover, caller ID, credits, TTS prompt) against real sipp peers.
 * The SIP user agent itself is covered by test/voice/sip/*; this file checks what the channel adds.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { OutboundMessage } from '../../src/channels/contract.ts';
import { createCallPricing } from '../../src/channels/voice/call-pricing.ts';
import { encodePcmu, toFrames } from '../../src/channels/voice/tts/g711.ts';
import { createPromptRenderer, type CachingPromptRenderer } from '../../src/channels/voice/tts/prompt-renderer.ts';
import { createVoiceChannel, type CreditLedger } from '../../src/channels/voice/voice-channel.ts';
import { voiceConfigSchema, type VoiceConfig } from '../../src/channels/voice/voice-config.ts';
import { answerScenario, rejectScenario } from './sip/sipp-scenarios.ts';
import { parseLoggedHeaders, receivedMessages } from './sip/sipp-harness.ts';
import { getHeader } from '../../src/channels/voice/sip/sip-message.ts';
import { rtpRecorder, sippFor } from './sip/call-fixtures.ts';

let renderer: CachingPromptRenderer;
before(async () => { renderer = await createPromptRenderer(); });
after(async () => { await renderer.close(); });

const unlimited: CreditLedger = { reserve: async () => true, refund: async () => undefined };

function config(over: Record<string, unknown>): VoiceConfig {
  return voiceConfigSchema.parse({
    defaultCallerId: '41000000000', ringTimeoutMs: 8000, noResponseTimeoutMs: 1500, listenAfterPromptMs: 300,
    maxReplays: 1, amd: { enabled: false }, ...over,
  });
}

function message(to: string, o: Partial<OutboundMessage> = {}): OutboundMessage {
  return {
    deliveryId: 'D'.repeat(32), pinId: 'P'.repeat(32), accountId: 'A', medium: 'voice', to, attempt: 1,
    textParts: ['Code ', ''], pin: '42', voice: { language: 'en', voiceName: 'Joey', speechRate: 2 }, ...o,
  };
}

const fromUser = (peerMessages: string) => {
  const invite = receivedMessages(peerMessages, /^INVITE /)[0];
  assert.ok(invite, 'sipp received an INVITE');
  return /sip:([^@;>]+)@/.exec(getHeader(parseLoggedHeaders(invite), 'From') ?? '')?.[1];
};

test('answered call: PROCESSED, SIP 200, and the RTP echo is byte-for-byte the prompt rendered for this PIN', async (t) => {
  const peer = await sippFor(t, { name: 'vc-echo', ip: '127.0.21.1', port: 5090, extraArgs: ['-rtp_echo'], scenario: answerScenario('vc-echo') });
  const rec = rtpRecorder();
  const channel = createVoiceChannel(config({ trunks: [{ name: 'a', host: '127.0.21.1', port: 5090 }], routes: [{ prefix: '', trunks: ['a'] }] }),
    { renderer, pricing: createCallPricing(config({ trunks: [{ name: 'a', host: 'x' }], routes: [{ prefix: '', trunks: ['a'] }] })), credits: unlimited, onRtpPacket: rec.tap });
  const msg = message('41793026727');
  const report = await channel.send(msg, new AbortController().signal);
  assert.equal(report.status, 'PROCESSED', JSON.stringify(report));
  assert.equal(report.resultCode, 'SIP 200');
  assert.equal(report.sender, '41000000000', 'no numeric from: the configured default caller ID');
  const expected = toFrames(encodePcmu((await renderer.render({ textParts: msg.textParts, pin: msg.pin, language: 'en', voiceName: 'Joey', speechRate: 2 })).pcm), 'PCMU');
  const echoed = rec.received.filter((p) => p.payloadType === 0).map((p) => Buffer.from(p.payload));
  const start = echoed.findIndex((f) => f.equals(Buffer.from(expected[0] as Uint8Array)));
  assert.ok(start >= 0, 'the first prompt frame came back');
  const run = echoed.slice(start, start + expected.length);
  assert.equal(run.length, expected.length, `all ${expected.length} prompt frames echoed`);
  run.forEach((f, i) => assert.ok(f.equals(Buffer.from(expected[i] as Uint8Array)), `frame ${i} identical`));
  await peer.waitExit(5000);
});

test('failover: the first trunk answers 503, the second answers; a trunk that is not there is skipped too', async (t) => {
  const bad = await sippFor(t, { name: 'vc-503', ip: '127.0.21.2', port: 5090, scenario: rejectScenario('vc-503', 503, 'Service Unavailable') });
  const good = await sippFor(t, { name: 'vc-good', ip: '127.0.21.3', port: 5090, scenario: answerScenario('vc-good') });
  const cfg = config({
    trunks: [{ name: 'dead', host: '127.0.21.9', port: 5090 }, { name: 'busy503', host: '127.0.21.2', port: 5090 }, { name: 'good', host: '127.0.21.3', port: 5090 }],
    routes: [{ prefix: '41', trunks: ['dead', 'busy503', 'good'] }],
  });
  const tried: string[] = [];
  const channel = createVoiceChannel(cfg, { renderer, pricing: createCallPricing(cfg), credits: unlimited, onCall: (trunk, r) => tried.push(`${trunk}:${r.status}`) });
  const report = await channel.send(message('41793026727'), new AbortController().signal);
  assert.equal(report.status, 'PROCESSED', JSON.stringify(report));
  assert.deepEqual(tried, ['dead:ERROR_NETWORK_NOT_AVAILABLE', 'busy503:ERROR_NETWORK_NOT_AVAILABLE', 'good:PROCESSED']);
  assert.match(report.detail ?? '', /trunk good/);
  assert.equal(receivedMessages(bad.messages, /^INVITE /).length >= 1, true, 'the 503 trunk was tried');
  await good.waitExit(5000);
});

test('no route for the prefix: ERROR_ROUTE_NOT_AVAILABLE without dialing; a final busy is not failed over', async (t) => {
  const busy = await sippFor(t, { name: 'vc-486', ip: '127.0.21.4', port: 5090, scenario: rejectScenario('vc-486', 486, 'Busy Here') });
  const cfg = config({ trunks: [{ name: 'b', host: '127.0.21.4', port: 5090 }, { name: 'never', host: '127.0.21.5', port: 5090 }], routes: [{ prefix: '44', trunks: ['b', 'never'] }] });
  const tried: string[] = [];
  const channel = createVoiceChannel(cfg, { renderer, pricing: createCallPricing(cfg), credits: unlimited, onCall: (trunk) => tried.push(trunk) });
  const none = await channel.send(message('41793026727'), new AbortController().signal);
  assert.equal(none.status, 'ERROR_ROUTE_NOT_AVAILABLE');
  assert.deepEqual(tried, []);
  const report = await channel.send(message('447700900123'), new AbortController().signal);
  assert.equal(report.status, 'ERROR_USER_BUSY');
  assert.equal(report.resultCode, 'SIP 486');
  assert.deepEqual(tried, ['b'], 'a busy callee is final: the next trunk is not tried');
  await busy.waitExit(3000);
});

test('caller ID follows the seed rule: numeric from, else the route default, in the INVITE From', async (t) => {
  const cfg = config({
    trunks: [{ name: 'x', host: '127.0.21.6', port: 5090 }, { name: 'y', host: '127.0.21.7', port: 5090 }],
    routes: [{ prefix: '4179', trunks: ['x'], callerId: '41440000001' }, { prefix: '4178', trunks: ['y'] }],
  });
  const channel = createVoiceChannel(cfg, { renderer, pricing: createCallPricing(cfg), credits: unlimited });
  const x = await sippFor(t, { name: 'vc-cid-x', ip: '127.0.21.6', port: 5090, scenario: rejectScenario('vc-cid-x', 486, 'Busy Here') });
  await channel.send(message('41793026727', { from: '+41449998877' }), new AbortController().signal);
  await x.waitExit(3000);
  assert.equal(fromUser(x.messages), '+41449998877', 'numeric from is used as is');
  const y = await sippFor(t, { name: 'vc-cid-y', ip: '127.0.21.7', port: 5090, scenario: rejectScenario('vc-cid-y', 486, 'Busy Here') });
  await channel.send(message('41783026727'), new AbortController().signal);
  await y.waitExit(3000);
  assert.equal(fromUser(y.messages), '41000000000', 'no route caller ID: the configured default');
});

test('credits: a balance that cannot pay the reservation is refused before dialing; answered calls are charged by duration', async (t) => {
  const peer = await sippFor(t, { name: 'vc-credit', ip: '127.0.21.8', port: 5090, scenario: answerScenario('vc-credit') });
  const cfg = config({ trunks: [{ name: 'c', host: '127.0.21.8', port: 5090 }], routes: [{ prefix: '', trunks: ['c'] }], prices: [{ prefix: '41', perMinute: 0.5 }], maxCallMs: 120_000, billingIncrementSeconds: 6 });
  let balance = 0.5;
  const ledger: CreditLedger = {
    reserve: async (_a, amount) => { if (balance < amount) return false; balance -= amount; return true; },
    refund: async (_a, amount) => { balance += amount; },
  };
  const channel = createVoiceChannel(cfg, { renderer, pricing: createCallPricing(cfg), credits: ledger });
  const refused = await channel.send(message('41793026727'), new AbortController().signal);
  assert.equal(refused.status, 'ERROR_NOT_ENOUGH_CREDITS', 'reservation is 2 min × 0.5 = 1.0 > 0.5');
  assert.equal(balance, 0.5, 'nothing taken');
  balance = 5;
  const report = await channel.send(message('41793026727'), new AbortController().signal);
  assert.equal(report.status, 'PROCESSED');
  assert.ok((report.price ?? 0) > 0 && (report.price ?? 0) <= 0.1, `charged per started 6 s at 0.5/min: ${report.price}`);
  assert.equal(Math.round(balance * 10_000) / 10_000, Math.round((5 - (report.price ?? 0)) * 10_000) / 10_000, 'reservation settled to the charge');
  await peer.waitExit(5000);
});
