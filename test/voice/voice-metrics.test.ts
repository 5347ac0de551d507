/**
 * Voice metrics against a real SIP peer (sipp), through the HTTP API: final SIP codes per trunk,
 * calls in progress while a call runs and after it, RTP frames sent (and those sent late),
 * credits refused at send time, and the trunk readiness a failing trunk turns into.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createAppAndTemplate, startServer, type Harness } from '../helpers/harness.ts';
import { parsePromText, valueOf } from '../helpers/prom-text.ts';
import { sippFor } from './sip/call-fixtures.ts';
import { answerScenario, rejectScenario } from './sip/sipp-scenarios.ts';

const voiceConfig = (trunks: { name: string; ip: string }[], extra: Record<string, unknown> = {}) => ({
  voice: {
    trunks: trunks.map((t) => ({ name: t.name, host: t.ip, port: 5090 })),
    routes: [{ prefix: '41', trunks: trunks.map((t) => t.name), callerId: '41440000009' }],
    ringTimeoutMs: 8000, noResponseTimeoutMs: 1500, listenAfterPromptMs: 300, maxReplays: 0, amd: { enabled: false }, ...extra,
  },
});

async function metrics(h: Harness) {
  const res = await fetch(`${h.url}/metrics`);
  assert.equal(res.status, 200);
  return parsePromText(await res.text()).samples;
}

async function finalDelivery(h: Harness, pinId: string) {
  for (let i = 0; i < 300; i++) {
    const s = await h.call('GET', `/2fa/2/pin/${pinId}/status`);
    if (s.body.deliveries?.[0]?.final) return s.body.deliveries[0];
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('no final status');
}

test('an answered call: SIP 200 on its trunk, one call in progress while it runs, RTP frames counted at its end', async (t) => {
  await sippFor(t, { name: 'metrics-answer', ip: '127.0.24.1', port: 5090, scenario: answerScenario('metrics-answer') });
  const h = await startServer(t, { config: voiceConfig([{ name: 'alpha', ip: '127.0.24.1' }]) });
  const { appId, messageId } = await createAppAndTemplate(h, { template: { language: 'en', voiceName: 'Joey' } });
  const idle = await metrics(h);
  assert.equal(valueOf(idle, 'open2fa_voice_calls_in_progress', { trunk: 'alpha' }), undefined, 'no series before the first call');
  const sent = await h.call('POST', '/2fa/2/pin/voice', { applicationId: appId, messageId, to: '41793026727' });
  assert.equal(sent.status, 200);

  let peak = 0;
  for (let i = 0; i < 400 && peak === 0; i++) {
    peak = valueOf(await metrics(h), 'open2fa_voice_calls_in_progress', { trunk: 'alpha' }) ?? 0;
    if (peak === 0) await new Promise((r) => setTimeout(r, 20));
  }
  assert.equal(peak, 1, 'the call shows while it is in progress');
  const delivery = await finalDelivery(h, sent.body.pinId);
  assert.equal(delivery.callStatus, 'PROCESSED');

  const after = await metrics(h);
  assert.equal(valueOf(after, 'open2fa_voice_calls_in_progress', { trunk: 'alpha' }), 0);
  assert.equal(valueOf(after, 'open2fa_sip_responses_total', { trunk: 'alpha', code: '200' }), 1);
  const frames = valueOf(after, 'open2fa_rtp_frames_sent_total') ?? 0;
  assert.ok(frames > 25, `the prompt went out as RTP frames (${frames})`);
  const late = valueOf(after, 'open2fa_rtp_frames_late_total');
  assert.ok(late !== undefined && late >= 0 && late <= frames, `late frames counted (${late} of ${frames})`);
  assert.equal(valueOf(after, 'open2fa_deliveries_final_total', { channel: 'voice', status: 'PROCESSED', stage: 'channel' }), 1);
  const ready = await h.call('GET', '/readyz', undefined, { key: null });
  assert.equal(ready.status, 200);
  assert.match(ready.body.checks.voice.detail, /alpha: last call ok/);
});

test('a busy callee and a trunk that does not answer: SIP 486 and "none", per trunk; credits refused at send time', async (t) => {
  await sippFor(t, { name: 'metrics-busy', ip: '127.0.24.3', port: 5090, scenario: rejectScenario('metrics-busy', 486, 'Busy Here') });
  // "dead" answers nothing (no sipp there): the call fails over to "busy" after the no-response timer.
  const h = await startServer(t, {
    config: voiceConfig([{ name: 'dead', ip: '127.0.24.2' }, { name: 'busy', ip: '127.0.24.3' }], { noResponseTimeoutMs: 300, prices: [{ prefix: '41', perMinute: 1 }] }),
  });
  const { appId, messageId } = await createAppAndTemplate(h);
  const sent = await h.call('POST', '/2fa/2/pin/voice', { applicationId: appId, messageId, to: '41793026727' });
  const delivery = await finalDelivery(h, sent.body.pinId);
  assert.equal(delivery.callStatus, 'ERROR_USER_BUSY');

  const account = await h.o2.store.findAccountByName('default');
  await h.o2.store.setCreditBalance(account!.id, 0.5);
  const poor = await h.call('POST', '/2fa/2/pin/voice', { applicationId: appId, messageId, to: '41793026727' });
  assert.equal(poor.body.callStatus, 'ERROR_NOT_ENOUGH_CREDITS');

  const samples = await metrics(h);
  assert.equal(valueOf(samples, 'open2fa_sip_responses_total', { trunk: 'dead', code: 'none' }), 1);
  assert.equal(valueOf(samples, 'open2fa_sip_responses_total', { trunk: 'busy', code: '486' }), 1);
  assert.equal(valueOf(samples, 'open2fa_voice_calls_in_progress', { trunk: 'dead' }), 0);
  assert.equal(valueOf(samples, 'open2fa_voice_calls_in_progress', { trunk: 'busy' }), 0);
  assert.equal(valueOf(samples, 'open2fa_rtp_frames_sent_total'), 0, 'no answered call, no RTP');
  assert.equal(valueOf(samples, 'open2fa_deliveries_final_total', { channel: 'voice', status: 'ERROR_USER_BUSY', stage: 'channel' }), 1);
  assert.equal(valueOf(samples, 'open2fa_deliveries_final_total', { channel: 'voice', status: 'ERROR_NOT_ENOUGH_CREDITS', stage: 'send' }), 1);
  assert.equal(valueOf(samples, 'open2fa_credits_refused_total', { channel: 'voice', stage: 'send' }), 1);
  const ready = await h.call('GET', '/readyz', undefined, { key: null });
  assert.equal(ready.status, 200, 'one failed call does not make a trunk failing');
  assert.match(ready.body.checks.voice.detail, /dead: degraded, 1 call\(s\) in a row failed/);
});
