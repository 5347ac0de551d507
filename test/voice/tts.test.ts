import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import wavefile from 'wavefile';
import { LANGUAGES, type Language } from '../../src/domain/languages.ts';
import { defaultVoice, voicesFor } from '../../src/domain/voice-catalog.ts';
import { rmsOf } from '../../src/channels/voice/tts/audio-clip.ts';
import { decodePcma, decodePcmu, encodePcma, encodePcmu, silenceByte, toFrames } from '../../src/channels/voice/tts/g711.ts';
import { createPromptRenderer, type CachingPromptRenderer, type PromptRequest } from '../../src/channels/voice/tts/prompt-renderer.ts';
import { parseWav, pcmToWav, wavDurationMs } from '../../src/channels/voice/tts/wav.ts';

/** "Your code is" per language; Japanese in kana because espeak-ng reads no kanji. */
const PHRASES: Record<Language, string> = {
  en: 'Your verification code is', es: 'Su código de verificación es', ca: 'El teu codi és',
  da: 'Din kode er', nl: 'Uw code is', fr: 'Votre code est', de: 'Ihr Code lautet',
  it: 'Il tuo codice è', ja: 'あなたの コードは', ko: '인증 코드는', no: 'Koden din er',
  pl: 'Twój kod to', ru: 'Ваш код', sv: 'Din kod är', fi: 'Koodisi on', hr: 'Vaš kod je',
  sl: 'Vaša koda je', ro: 'Codul dvs. este', pt_pt: 'O seu código é', pt_br: 'Seu código é',
  zh_cn: '您的验证码是', zh_tw: '您的驗證碼是',
};

function request(language: Language, overrides: Partial<PromptRequest> = {}): PromptRequest {
  return { textParts: [`${PHRASES[language]} `, '.'], pin: '1234', language, voiceName: defaultVoice(language).name, speechRate: 1, ...overrides };
}

const sha256 = (pcm: Int16Array) => createHash('sha256').update(new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength)).digest('hex');

/** Stretches of sound separated by at least `minGapMs` of digital silence (the renderer's pauses). */
function speechIslands(pcm: Int16Array, minGapMs = 200): number {
  const gap = (minGapMs * 8000) / 1000;
  let islands = 0;
  let quiet = gap;
  for (const sample of pcm) {
    if (Math.abs(sample) > 0) {
      if (quiet >= gap) islands++;
      quiet = 0;
    } else quiet++;
  }
  return islands;
}

let renderer: CachingPromptRenderer;
before(async () => {
  renderer = await createPromptRenderer();
});
after(() => renderer.close());

test('every language speaks with its default voice', async (t) => {
  const durations: string[] = [];
  for (const language of LANGUAGES) {
    const prompt = await renderer.render(request(language));
    assert.equal(prompt.durationMs, (prompt.pcm.length / 8000) * 1000);
    assert.ok(rmsOf(prompt.pcm) > 800, `${language} is too quiet (rms ${rmsOf(prompt.pcm).toFixed(0)})`);
    assert.ok(prompt.durationMs > 2500 && prompt.durationMs < 15000, `${language} lasts ${prompt.durationMs} ms`);
    durations.push(`${language} ${(prompt.durationMs / 1000).toFixed(2)}s`);
  }
  t.diagnostic(`"<phrase> 1 2 3 4." at rate 1: ${durations.join(', ')}`);
});

test('every catalog voice speaks, and voices of a language sound different', async () => {
  for (const language of LANGUAGES) {
    const hashes = new Set<string>();
    for (const voice of voicesFor(language)) {
      const prompt = await renderer.render(request(language, { voiceName: voice.name, pin: 'A7' }));
      assert.ok(rmsOf(prompt.pcm) > 800, `${language}/${voice.name} is too quiet`);
      assert.ok(prompt.durationMs > 1500, `${language}/${voice.name} lasts only ${prompt.durationMs} ms`);
      hashes.add(sha256(prompt.pcm));
    }
    assert.equal(hashes.size, voicesFor(language).length, `${language}: two voices rendered identical audio`);
  }
});

test('speechRate scales the duration roughly inversely (flite and espeak)', async (t) => {
  for (const language of ['en', 'es'] as const) {
    const [slow, normal, fast] = await Promise.all(
      [0.5, 1, 2].map((speechRate) => renderer.render(request(language, { speechRate }))),
    );
    const slowRatio = slow!.durationMs / normal!.durationMs;
    const fastRatio = normal!.durationMs / fast!.durationMs;
    t.diagnostic(`${language}: 0.5→${slow!.durationMs} ms, 1→${normal!.durationMs} ms, 2→${fast!.durationMs} ms`);
    assert.ok(slowRatio > 1.6 && slowRatio < 2.5, `${language} rate 0.5 is ${slowRatio.toFixed(2)}x rate 1`);
    assert.ok(fastRatio > 1.6 && fastRatio < 2.5, `${language} rate 1 is ${fastRatio.toFixed(2)}x rate 2`);
  }
});

test('the same request gives byte-identical audio, cached, uncached or from another renderer', async () => {
  const other = await createPromptRenderer();
  try {
    for (const req of [request('en', { pin: 'X9Z2' }), request('es', { pin: 'X9Z2' }), request('en', { voiceName: 'Ivy' })]) {
      const first = await renderer.render(req);
      assert.deepEqual(await renderer.render(req), first);
      assert.equal(sha256((await other.render(req)).pcm), sha256(first.pcm));
      assert.equal(sha256((await renderer.renderUncached(req)).pcm), sha256(first.pcm));
    }
  } finally {
    await other.close();
  }
});

test('another process renders the same bytes', async () => {
  const requests = [request('es'), request('zh_tw'), request('en', { voiceName: 'Ivy', pin: 'QW7' }), request('en', { pin: 'QW7' })];
  const rendererUrl = new URL('../../src/channels/voice/tts/prompt-renderer.ts', import.meta.url).href;
  const script = `
    const { createPromptRenderer } = await import(${JSON.stringify(rendererUrl)});
    const { createHash } = await import('node:crypto');
    const r = await createPromptRenderer();
    for (const req of ${JSON.stringify(requests)}) {
      const { pcm } = await r.render(req);
      console.log(createHash('sha256').update(new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength)).digest('hex'));
    }
    await r.close();`;
  const cwd = fileURLToPath(new URL('../..', import.meta.url));
  const child = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd });
  const expected = await Promise.all(requests.map(async (req) => sha256((await renderer.render(req)).pcm)));
  assert.deepEqual(child.stdout.trim().split('\n'), expected);
});

test('the PIN is spelled character by character, letters and digits', async () => {
  const lengths = await Promise.all(['12', '1234', '123456'].map(async (pin) => (await renderer.render(request('de', { pin }))).durationMs));
  const [two, four, six] = lengths as [number, number, number];
  for (const added of [four - two, six - four]) assert.ok(added > 600 && added < 3000, `two more characters added ${added} ms`);

  for (const language of ['en', 'fr', 'ru'] as const) {
    const alone = (pin: string) => renderer.render(request(language, { textParts: ['', ''], pin }));
    assert.equal(speechIslands((await alone('ABCD')).pcm), 4, `${language}: ABCD is not four separate clips`);
    assert.equal(speechIslands((await alone('7351')).pcm), 4, `${language}: 7351 is not four separate clips`);
    assert.notEqual(sha256((await alone('B')).pcm), sha256((await alone('8')).pcm));
  }
  assert.deepEqual(await renderer.render(request('en', { pin: 'ab12' })), await renderer.render(request('en', { pin: 'AB12' })));
  await assert.rejects(renderer.render(request('en', { pin: '12-4' })), RangeError);
});

test('a new PIN for a cached text is assembled from the cache, without synthesis', async (t) => {
  const text = { textParts: ['Votre code est ', '. Je répète : ', '.'], language: 'fr' as const, voiceName: 'Celine', speechRate: 1.25 };
  const started = performance.now();
  await renderer.render({ ...text, pin: '0123456789' });
  const coldMs = performance.now() - started;
  const before = renderer.cacheStats();
  const started2 = performance.now();
  const prompt = await renderer.render({ ...text, pin: '9081' });
  const warmMs = performance.now() - started2;
  const afterStats = renderer.cacheStats();
  assert.equal(afterStats.misses - before.misses, 0);
  assert.equal(afterStats.syntheses - before.syntheses, 0);
  assert.equal(afterStats.hits - before.hits, 2 + 8); // 2 sayable fragments (not the final ".") + 2 × 4 characters
  assert.equal(sha256(prompt.pcm), sha256((await renderer.renderUncached({ ...text, pin: '9081' })).pcm));
  t.diagnostic(`first render ${coldMs.toFixed(1)} ms, from cache ${warmMs.toFixed(2)} ms`);
});

test('the cache stays within maxCacheBytes and eviction does not change the audio', async () => {
  const small = await createPromptRenderer({ maxCacheBytes: 60_000 });
  try {
    for (const language of ['de', 'it', 'pl'] as const) {
      const req = request(language, { pin: '2468' });
      assert.equal(sha256((await small.render(req)).pcm), sha256((await renderer.render(req)).pcm));
      assert.ok(small.cacheStats().bytes <= 60_000);
    }
    assert.ok(small.cacheStats().evictions > 0);
  } finally {
    await small.close();
  }
});

test('template text with markup characters is spoken as text', async () => {
  const prompt = await renderer.render(request('es', { textParts: ['Código <b> & [[x]]: ', ''] }));
  assert.ok(rmsOf(prompt.pcm) > 800);
});

function tone(samples: number, amplitude: number): Int16Array {
  return Int16Array.from({ length: samples }, (_, i) => Math.round(amplitude * Math.sin((2 * Math.PI * 1000 * i) / 8000)));
}

function snrDb(reference: Int16Array, decoded: Int16Array): number {
  let signal = 0;
  let noise = 0;
  for (let i = 0; i < reference.length; i++) {
    signal += reference[i]! ** 2;
    noise += (reference[i]! - decoded[i]!) ** 2;
  }
  return 10 * Math.log10(signal / noise);
}

test('G.711 µ-law and A-law round trips stay close to the input', () => {
  for (const amplitude of [1000, 8000, 30000]) {
    const pcm = tone(1600, amplitude);
    assert.ok(snrDb(pcm, decodePcmu(encodePcmu(pcm))) > 30, `PCMU at ${amplitude}`);
    assert.ok(snrDb(pcm, decodePcma(encodePcma(pcm))) > 30, `PCMA at ${amplitude}`);
  }
  const zeros = new Int16Array(10);
  assert.deepEqual([...new Set(encodePcmu(zeros))], [silenceByte('PCMU')]);
  assert.deepEqual([...new Set(encodePcma(zeros))], [silenceByte('PCMA')]);
  assert.equal(silenceByte('PCMU'), 0xff);
  assert.equal(silenceByte('PCMA'), 0xd5);
});

test('toFrames cuts 160-byte frames and pads the last one with codec silence', () => {
  const payload = Uint8Array.from({ length: 330 }, (_, i) => i % 251);
  const frames = toFrames(payload, 'PCMA');
  assert.equal(frames.length, 3);
  assert.ok(frames.every((frame) => frame.length === 160));
  assert.deepEqual(frames[1], payload.subarray(160, 320));
  assert.deepEqual(frames[2]!.subarray(0, 10), payload.subarray(320));
  assert.ok(frames[2]!.subarray(10).every((byte) => byte === 0xd5));
  assert.ok(toFrames(payload.subarray(0, 170), 'PCMU')[1]!.subarray(10).every((byte) => byte === 0xff));
  assert.equal(toFrames(payload.subarray(0, 320), 'PCMU').length, 2);
  assert.equal(toFrames(new Uint8Array(0), 'PCMU').length, 0);
});

test('pcmToWav writes a canonical 8 kHz 16-bit mono WAV of the same PCM', async () => {
  const { pcm, durationMs } = await renderer.render(request('en'));
  const wav = pcmToWav(pcm);
  assert.equal(wav.length, 44 + pcm.length * 2);
  assert.equal(wav.toString('ascii', 0, 4), 'RIFF');
  assert.equal(wav.readUInt32LE(4), wav.length - 8);
  assert.equal(wav.toString('ascii', 8, 16), 'WAVEfmt ');
  assert.deepEqual([wav.readUInt16LE(20), wav.readUInt16LE(22), wav.readUInt32LE(24), wav.readUInt32LE(28)], [1, 1, 8000, 16000]);
  assert.deepEqual([wav.readUInt16LE(32), wav.readUInt16LE(34), wav.toString('ascii', 36, 40)], [2, 16, 'data']);
  assert.equal(wav.readUInt32LE(40), pcm.length * 2);
  assert.equal(wavDurationMs(wav), durationMs);
  assert.deepEqual(parseWav(wav).samples, pcm);
  // An independent reader agrees.
  const reference = new wavefile.WaveFile(wav);
  assert.equal((reference.fmt as { sampleRate: number }).sampleRate, 8000);
  assert.deepEqual(reference.getSamples(false, Int16Array), pcm);
});
