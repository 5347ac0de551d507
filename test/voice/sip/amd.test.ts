import { test } from 'node:test';
import assert from 'node:assert/strict';
import alawmulaw from 'alawmulaw';
import { AnsweringMachineDetector, frameRms, type AmdVerdict } from '../../../src/channels/voice/amd.ts';
import { decodeG711 } from '../../../src/channels/voice/rtp/g711-frames.ts';
import { concatSamples, silenceSamples, speechLikeSamples, chirpSamples } from './audio-fixtures.ts';

/** Feed PCM through µ-law (as it arrives on the wire) in 20 ms frames; tick every 20 ms. */
function run(pcm: Int16Array, totalMs: number, amd = new AnsweringMachineDetector()): { amd: AnsweringMachineDetector; verdictAt?: number; verdict?: AmdVerdict } {
  const ulaw = alawmulaw.mulaw.encode(pcm);
  for (let t = 20; t <= totalMs; t += 20) {
    const start = ((t - 20) / 20) * 160;
    if (start < ulaw.length) amd.pushFrame(decodeG711(ulaw.subarray(start, start + 160), 'PCMU'), t);
    else amd.tick(t);
  }
  return { amd, ...(amd.verdictAtMs !== undefined ? { verdictAt: amd.verdictAtMs } : {}), ...(amd.verdict ? { verdict: amd.verdict } : {}) };
}

test('a 6 s greeting without pauses is a MACHINE, decided after ~2.5 s of speech', () => {
  const r = run(speechLikeSamples(6000), 6000);
  assert.equal(r.verdict, 'MACHINE');
  assert.ok(r.verdictAt! >= 2500 && r.verdictAt! <= 2600, `decided at ${r.verdictAt}`);
});

test('a short "hello" then silence is a HUMAN, decided ~800 ms after the word', () => {
  const r = run(concatSamples(silenceSamples(300), speechLikeSamples(600), silenceSamples(3000)), 4000);
  assert.equal(r.verdict, 'HUMAN');
  assert.ok(r.verdictAt! >= 1700 && r.verdictAt! <= 1760, `decided at ${r.verdictAt}`);
});

test('speech with short pauses (word gaps < 800 ms) still counts as one long utterance', () => {
  const word = speechLikeSamples(500);
  const gap = silenceSamples(300);
  const r = run(concatSamples(word, gap, word, gap, word, gap, word, gap, word), 4000);
  assert.equal(r.verdict, 'MACHINE');
});

test('no audio at all (no packets) is UNKNOWN after the initial-silence window', () => {
  const amd = new AnsweringMachineDetector();
  for (let t = 0; t <= 3000; t += 20) amd.tick(t);
  assert.equal(amd.verdict, 'UNKNOWN');
  assert.equal(amd.verdictAtMs, 2500);
  assert.equal(amd.frames, 0);
});

test('digital silence frames are UNKNOWN too; isolated clicks are not speech', () => {
  assert.equal(run(silenceSamples(4000), 4000).verdict, 'UNKNOWN');
  const click = chirpSamples(20);
  const clicks = concatSamples(click, silenceSamples(900), click, silenceSamples(900), click, silenceSamples(2000));
  assert.equal(run(clicks, 4000).verdict, 'UNKNOWN');
});

test('DTMF means HUMAN, even after a MACHINE verdict', () => {
  const amd = new AnsweringMachineDetector();
  amd.pushDtmf(300);
  assert.equal(amd.verdict, 'HUMAN');
  const machine = run(speechLikeSamples(3000), 3000).amd;
  assert.equal(machine.verdict, 'MACHINE');
  machine.pushDtmf(3100);
  assert.equal(machine.verdict, 'HUMAN');
});

test('greeting end: 800 ms of silence after the last voice, or the maxGreetingMs cap', () => {
  const { amd } = run(concatSamples(speechLikeSamples(4000), silenceSamples(2000)), 6000);
  assert.equal(amd.verdict, 'MACHINE');
  assert.equal(amd.greetingEnded(4500, 20000), false);
  assert.equal(amd.greetingEnded(4800, 20000), true);
  const still = run(speechLikeSamples(6000), 6000).amd;
  assert.equal(still.greetingEnded(6000, 20000), false);
  assert.equal(still.greetingEnded(6000, 5000), true);
});

test('frameRms of a full-scale square wave and of silence', () => {
  assert.equal(frameRms(new Int16Array(160).fill(1000)), 1000);
  assert.equal(frameRms(new Int16Array(160)), 0);
  assert.equal(frameRms([]), 0);
});
