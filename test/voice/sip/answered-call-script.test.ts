import { test } from 'node:test';
import assert from 'node:assert/strict';
import alawmulaw from 'alawmulaw';
import { AnsweredCallScript, type AnsweredCallOptions } from '../../../src/channels/voice/sip/answered-call-script.ts';
import { frameG711 } from '../../../src/channels/voice/rtp/g711-frames.ts';
import { syntheticPrompt, speechLikeSamples } from './audio-fixtures.ts';

const prompt = frameG711(syntheticPrompt(400).pcmu, 'PCMU'); // 20 frames
const SILENCE = 0xff;

function script(overrides: Partial<AnsweredCallOptions> = {}): { s: AnsweredCallScript; events: string[] } {
  const events: string[] = [];
  const s = new AnsweredCallScript({
    codec: 'PCMU', frames: prompt, repeatDTMF: '1#', maxReplays: 2, listenAfterPromptMs: 1000,
    amd: { enabled: false, leaveMessageOnMachine: true, maxGreetingMs: 10000 },
    onEvent: (type, detail) => events.push(`${type}:${detail}`),
    ...overrides,
  });
  return { s, events };
}

/** Run slots until the script is done; returns the slot time it finished and the payloads. */
async function drive(s: AnsweredCallScript, maxMs: number, onSlot?: (ms: number) => void): Promise<{ doneAt?: number; sent: Uint8Array[] }> {
  let done = false;
  void s.done.then(() => { done = true; });
  const sent: Uint8Array[] = [];
  for (let ms = 0; ms <= maxMs; ms += 20) {
    onSlot?.(ms);
    sent.push(s.nextPayload(ms));
    await Promise.resolve();
    if (done) return { doneAt: ms, sent };
  }
  return { sent };
}

test('plays the prompt once, listens listenAfterPromptMs, then is done', async () => {
  const { s } = script();
  const r = await drive(s, 5000);
  assert.deepEqual(r.sent.slice(0, 20), prompt);
  assert.ok(r.sent.slice(20).every((f) => f[0] === SILENCE));
  assert.equal(r.doneAt, 400 + 1000);
});

test('the repeat sequence restarts the prompt at once, up to maxReplays; later requests are ignored', async () => {
  const { s, events } = script();
  const r = await drive(s, 10000, (ms) => {
    if (ms === 200 || ms === 1000 || ms === 1800) { s.onDigit('1', ms); s.onDigit('#', ms); }
  });
  assert.equal(s.dtmfRepeats, 2);
  // The third request (1800 ms) comes after the cap: counted as digits, no replay; the call ended at 1900.
  assert.equal(s.dtmfDigits, '1#1#1#');
  assert.deepEqual(events.filter((e) => e.startsWith('replay')), ['replay:1', 'replay:2']);
  // Replay 1 cut the first play at 200 ms: frame 10 (slot 200 ms) is the prompt's first frame again.
  assert.deepEqual(r.sent[10], prompt[0]);
  // After the last allowed play only a short tail (500 ms), not the full listen window.
  assert.equal(r.doneAt, 1000 + 400 + 500);
});

test('AMD on: does not hang up before a verdict; MACHINE without leaveMessage hangs up at once', async () => {
  const { s } = script({ amd: { enabled: true, leaveMessageOnMachine: false, maxGreetingMs: 10000 } });
  const greeting = alawmulaw.mulaw.encode(speechLikeSamples(6000));
  const r = await drive(s, 8000, (ms) => s.onAudio(greeting.subarray((ms / 20) * 160, (ms / 20) * 160 + 160), 'PCMU', ms + 20));
  assert.equal(s.amdVerdict, 'MACHINE');
  assert.ok(r.doneAt! >= 2400 && r.doneAt! <= 2600, `done at ${r.doneAt}`);
});

test('MACHINE with leaveMessage: stops, waits for the greeting to end, plays the prompt again from the top', async () => {
  const { s } = script({ amd: { enabled: true, leaveMessageOnMachine: true, maxGreetingMs: 10000 } });
  const greeting = alawmulaw.mulaw.encode(speechLikeSamples(3500));
  const r = await drive(s, 10000, (ms) => {
    const start = (ms / 20) * 160;
    if (start < greeting.length) s.onAudio(greeting.subarray(start, start + 160), 'PCMU', ms + 20);
  });
  assert.equal(s.amdVerdict, 'MACHINE');
  // Greeting ends at 3500 ms; 800 ms of silence later (4300) the message starts.
  const restart = r.sent.findIndex((f, i) => i > 20 && f[0] === prompt[0]![0] && Buffer.compare(f, prompt[0]!) === 0);
  assert.equal(restart * 20, 4300);
  assert.equal(r.doneAt, 4300 + 400 + 500);
});

test('no AMD audio (far end silent) gives UNKNOWN and the call ends after the window', async () => {
  const { s } = script({ amd: { enabled: true, leaveMessageOnMachine: true, maxGreetingMs: 10000 }, listenAfterPromptMs: 500 });
  const r = await drive(s, 10000);
  assert.equal(s.amdVerdict, 'UNKNOWN');
  assert.equal(r.doneAt, 2500);
});
