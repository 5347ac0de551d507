/**
 * Answered calls against a real sipp UAS: DTMF replay, RTP echo, answering-machine detection on
 * streamed audio, TCP. Each test owns a sipp process on its own 127.0.11.x address.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { placeCall } from '../../../src/channels/voice/sip/place-call.ts';
import { frameG711 } from '../../../src/channels/voice/rtp/g711-frames.ts';
import { parseTelephoneEvent } from '../../../src/channels/voice/rtp/dtmf.ts';
import { answerScenario, dtmfActions, execAction } from './sipp-scenarios.ts';
import { callRequest, PROMPT, promptStarts, rtpRecorder, sippFor, assertSippSucceeded } from './call-fixtures.ts';
import { receivedMessages } from './sipp-harness.ts';
import { concatSamples, silenceSamples, speechLikeSamples, syntheticPrompt, writeMulawWav } from './audio-fixtures.ts';

const PROMPT_FRAMES = frameG711(PROMPT.pcmu, 'PCMU');

function tempDir(t: { after(fn: () => void): void }, name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `voice-${name}-`));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('answered call: RFC 2833 "1#" from sipp replays the prompt once, then BYE', async (t) => {
  const peer = await sippFor(t, {
    name: 'dtmf-replay', ip: '127.0.11.1', port: 5070,
    scenario: answerScenario('dtmf-replay', { afterAck: dtmfActions(['1', 'pound'], 500, 300) }),
  });
  const rec = rtpRecorder();
  const events: string[] = [];
  const result = await placeCall(callRequest(peer.opts, {
    repeatDTMF: '1#', maxReplays: 3, listenAfterPromptMs: 1000,
    amd: { enabled: true, leaveMessageOnMachine: true, maxGreetingMs: 12000 },
    onRtpPacket: rec.tap,
    onEvent: (e) => events.push(e.type + (e.detail ? `:${e.detail}` : '')),
  }));
  assert.equal(result.status, 'PROCESSED', JSON.stringify(result));
  assert.equal(result.sipCode, 200);
  assert.equal(result.dtmfDigits, '1#');
  assert.equal(result.dtmfRepeats, 1);
  assert.equal(result.amdVerdict, 'HUMAN'); // DTMF means a person
  assert.equal(result.codec, 'PCMU');
  assert.deepEqual(result.remoteRtp, { address: '127.0.11.1', port: 6000 });
  assert.ok(result.ringingAt! >= result.invitedAt && result.answeredAt! >= result.ringingAt! && result.endedAt >= result.answeredAt!);
  assert.deepEqual(events.slice(0, 4), ['invite', 'provisional:100 Trying', 'provisional:180 Ringing', 'answered']);
  assert.ok(events.includes('replay:1') && events.at(-1) === 'ended:PROCESSED', events.join(','));
  // The DTMF really came over RTP (PT 101) and the prompt was restarted from its first frame.
  assert.ok(rec.received.some((p) => p.payloadType === 101 && parseTelephoneEvent(p.payload)?.digit === '#'));
  const sentFrames = rec.sent.map((p) => p.payload);
  assert.deepEqual(sentFrames[0], PROMPT_FRAMES[0]);
  const replays = promptStarts(sentFrames, PROMPT_FRAMES);
  assert.equal(replays.length, 1, 'one complete play: the replay (the first play was cut)');
  assert.ok(replays[0]! > 0 && replays[0]! < 100, `replay started at frame ${replays[0]}`);
  assert.equal(result.framesSent, rec.sent.length);
  await assertSippSucceeded(peer);
  const byes = receivedMessages(peer.messages, /^BYE /);
  assert.equal(byes.length, 1);
  assert.match(byes[0]!, /\r?\nCSeq: 2 BYE\r?\n/);
});

test('RTP echo: every frame sipp echoes back is byte-identical to what was sent, the whole prompt included', async (t) => {
  const peer = await sippFor(t, {
    name: 'rtp-echo', ip: '127.0.11.2', port: 5070, extraArgs: ['-rtp_echo'],
    scenario: answerScenario('rtp-echo'),
  });
  const rec = rtpRecorder();
  const result = await placeCall(callRequest(peer.opts, { onRtpPacket: rec.tap, listenAfterPromptMs: 600 }));
  assert.equal(result.status, 'PROCESSED');
  const sentBySeq = new Map(rec.sent.map((p) => [p.sequence, p]));
  const echoed = rec.received.filter((p) => p.payloadType === 0);
  assert.ok(echoed.length >= rec.sent.length - 5, `echoed ${echoed.length} of ${rec.sent.length}`);
  for (const p of echoed) {
    const original = sentBySeq.get(p.sequence);
    assert.ok(original, `echo of unknown seq ${p.sequence}`);
    assert.deepEqual(p.payload, original.payload, `payload of seq ${p.sequence}`);
    assert.equal(p.timestamp, original.timestamp);
  }
  assert.deepEqual(promptStarts(echoed.map((p) => p.payload), PROMPT_FRAMES), [0], 'the 50 prompt frames came back in order');
  await assertSippSucceeded(peer);
});

test('voicemail greeting (5 s of speech-like audio, no DTMF) → ANSWERED_MACHINE, message left after the greeting', async (t) => {
  const dir = tempDir(t, 'greeting');
  const wav = join(dir, 'greeting.wav');
  writeMulawWav(wav, concatSamples(speechLikeSamples(5000), silenceSamples(3000)));
  const peer = await sippFor(t, {
    name: 'machine', ip: '127.0.11.3', port: 5070,
    scenario: answerScenario('machine', { afterAck: execAction(`rtp_stream="${wav},1,0"`) }),
  });
  const rec = rtpRecorder();
  const result = await placeCall(callRequest(peer.opts, {
    repeatDTMF: '1#', onRtpPacket: rec.tap,
    amd: { enabled: true, leaveMessageOnMachine: true, maxGreetingMs: 12000 },
  }));
  assert.equal(result.status, 'ANSWERED_MACHINE', JSON.stringify(result));
  assert.equal(result.amdVerdict, 'MACHINE');
  assert.equal(result.dtmfDigits, '');
  const starts = promptStarts(rec.sent.map((p) => p.payload), PROMPT_FRAMES);
  // First play right on answer, second (the message) after the greeting ended (~5.8 s).
  assert.equal(starts[0], 0);
  assert.equal(starts.length, 2, `prompt starts at frames ${starts}`);
  assert.ok(starts[1]! * 20 >= 5000 && starts[1]! * 20 <= 8000, `message started at ${starts[1]! * 20} ms`);
  assert.ok(rec.received.filter((p) => p.payloadType === 0).length > 200, 'greeting audio arrived');
  await assertSippSucceeded(peer);
});

test('voicemail greeting without leaveMessageOnMachine → hang up as soon as AMD says MACHINE', async (t) => {
  const dir = tempDir(t, 'greeting2');
  const wav = join(dir, 'greeting.wav');
  writeMulawWav(wav, speechLikeSamples(6000));
  const peer = await sippFor(t, {
    name: 'machine-hangup', ip: '127.0.11.4', port: 5070,
    scenario: answerScenario('machine-hangup', { afterAck: execAction(`rtp_stream="${wav},1,0"`) }),
  });
  const result = await placeCall(callRequest(peer.opts, { amd: { enabled: true, leaveMessageOnMachine: false, maxGreetingMs: 12000 } }));
  assert.equal(result.status, 'ANSWERED_MACHINE');
  const talkMs = result.endedAt - result.answeredAt!;
  assert.ok(talkMs >= 2400 && talkMs < 4500, `call lasted ${talkMs} ms after answer`);
  await assertSippSucceeded(peer);
});

test('short "hello" then silence → PROCESSED (HUMAN)', async (t) => {
  const dir = tempDir(t, 'hello');
  const wav = join(dir, 'hello.wav');
  writeMulawWav(wav, concatSamples(silenceSamples(200), speechLikeSamples(600), silenceSamples(2500)));
  const peer = await sippFor(t, {
    name: 'human', ip: '127.0.11.5', port: 5070,
    scenario: answerScenario('human', { afterAck: execAction(`rtp_stream="${wav},1,0"`) }),
  });
  const result = await placeCall(callRequest(peer.opts, { amd: { enabled: true, leaveMessageOnMachine: true, maxGreetingMs: 12000 } }));
  assert.equal(result.status, 'PROCESSED', JSON.stringify(result));
  assert.equal(result.amdVerdict, 'HUMAN');
  await assertSippSucceeded(peer);
});

test('TCP transport, PCMA answer with RTP echo', async (t) => {
  const peer = await sippFor(t, {
    name: 'tcp-pcma', ip: '127.0.11.6', port: 5072, transport: 'tcp', extraArgs: ['-rtp_echo'],
    scenario: answerScenario('tcp-pcma', { codec: 'PCMA' }),
  });
  const rec = rtpRecorder();
  const result = await placeCall(callRequest({ ...peer.opts, transport: 'tcp' }, { onRtpPacket: rec.tap, listenAfterPromptMs: 500 }));
  assert.equal(result.status, 'PROCESSED', JSON.stringify(result));
  assert.equal(result.codec, 'PCMA');
  assert.ok(rec.sent.every((p) => p.payloadType === 8));
  const echoed = rec.received.filter((p) => p.payloadType === 8).map((p) => p.payload);
  assert.deepEqual(promptStarts(echoed, frameG711(PROMPT.pcma, 'PCMA')), [0]);
  await assertSippSucceeded(peer);
  const invite = receivedMessages(peer.messages, /^INVITE /)[0] ?? '';
  assert.match(invite, /^INVITE sip:41793026727@127\.0\.11\.6:5072;transport=tcp SIP\/2\.0/);
  assert.match(invite, /\r?\nVia: SIP\/2\.0\/TCP /);
});

test('maxCallMs caps an answered call: BYE while the prompt is still playing', async (t) => {
  const peer = await sippFor(t, { name: 'max-call', ip: '127.0.11.7', port: 5070, scenario: answerScenario('max-call') });
  const result = await placeCall(callRequest(peer.opts, { prompt: syntheticPrompt(10000), maxCallMs: 1500 }));
  assert.equal(result.status, 'PROCESSED');
  const talkMs = result.endedAt - result.answeredAt!;
  assert.ok(talkMs >= 1500 && talkMs < 3000, `call lasted ${talkMs} ms`);
  assert.ok(result.framesSent >= 60 && result.framesSent <= 90, `${result.framesSent} frames`);
  await assertSippSucceeded(peer);
});
