import initEspeak from '@echogarden/espeak-ng-emscripten';
import type { EspeakModule, EspeakNGWorker } from '@echogarden/espeak-ng-emscripten';
import { concatPcm } from './audio-clip.ts';
import { createSerialQueue, type EngineAudio, type SpeechEngine } from './speech-engine.ts';

/** Words per minute at speechRate 1: a little under espeak's 175 default, digits stay distinct. */
const BASE_WORDS_PER_MINUTE = 165;
const MIN_WORDS_PER_MINUTE = 80;
const MAX_WORDS_PER_MINUTE = 450;

/**
 * The WebIDL glue copies every JS string into a scratch buffer on the wasm heap and mallocs a
 * temporary block for strings that do not fit. We grow the scratch buffer once, before taking the
 * snapshot, and refuse longer texts, so that no allocation outlives a memory restore.
 */
const STRING_SCRATCH_BYTES = 64 * 1024;
const MAX_TEXT_BYTES = 16 * 1024;

/**
 * eSpeak NG through `@echogarden/espeak-ng-emscripten`: one in-process worker, used by one
 * synthesis at a time through a promise queue (the C library keeps global state and is not
 * re-entrant).
 *
 * Determinism: espeak carries state from one utterance to the next (pitch flutter index, wave
 * phase, the rand() state of breathy variants), so the same text would not give the same samples
 * twice. We therefore snapshot the module's linear memory right after initialisation and restore
 * it before every utterance: each synthesis starts from the identical machine state (≈17 MB copy,
 * ~2 ms). The rand() seed itself comes from the clock at initialisation, so variants that use
 * breath noise (f2, f3, f5, whisper) still differ between processes; the voice catalog uses the
 * noise-free variants.
 */
export async function createEspeakEngine(): Promise<SpeechEngine> {
  const espeak = await initEspeak();
  const worker = new espeak.eSpeakNGWorker();
  growStringScratch(worker);
  const pristine = espeak.HEAPU8.slice();
  const sampleRate = worker.get_samplerate();

  const queue = createSerialQueue();
  let closed = false;

  function synthesizeNow(text: string, voice: string, rate: number): EngineAudio {
    restoreMemory(espeak, pristine);
    if (worker.set_voice(voice) !== 0) throw new Error(`espeak-ng has no voice "${voice}"`);
    worker.set_rate(wordsPerMinute(rate));
    const chunks: Int16Array[] = [];
    worker.synthesize(escapeMarkup(text), (samples) => {
      chunks.push(samples);
      return false; // false = keep going
    });
    return { samples: concatPcm(chunks), sampleRate };
  }

  return {
    kind: 'espeak',
    synthesize(text, voice, rate) {
      if (closed) return Promise.reject(new Error('espeak engine is closed'));
      if (Buffer.byteLength(text, 'utf8') > MAX_TEXT_BYTES) {
        return Promise.reject(new RangeError(`text longer than ${MAX_TEXT_BYTES} bytes cannot be spoken`));
      }
      return queue.run(() => synthesizeNow(text, voice, rate));
    },
    async close() {
      closed = true;
      await queue.drained();
      worker.__destroy__();
    },
  };
}

function growStringScratch(worker: EspeakNGWorker): void {
  // The first call overflows the 128-byte scratch (a temporary block is malloc'd and remembered);
  // the next call frees it and reallocates the scratch with room for both.
  worker.set_voice('x'.repeat(STRING_SCRATCH_BYTES));
  if (worker.set_voice('en') !== 0) throw new Error('espeak-ng data did not load (no "en" voice)');
}

function restoreMemory(espeak: EspeakModule, pristine: Uint8Array): void {
  const heap = espeak.HEAPU8;
  heap.set(pristine);
  // Memory that grew after the snapshot must look freshly grown (zeroed) to the allocator.
  if (heap.length > pristine.length) heap.fill(0, pristine.length);
}

function wordsPerMinute(rate: number): number {
  const wpm = Math.round(BASE_WORDS_PER_MINUTE * rate);
  return Math.min(MAX_WORDS_PER_MINUTE, Math.max(MIN_WORDS_PER_MINUTE, wpm));
}

/**
 * The glue calls espeak_Synth with espeakSSML | espeakPHONEMES: `<`, `&` would start markup and
 * `[[` phoneme input. Template text is plain text, so neutralise all three.
 */
export function escapeMarkup(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\[\[/g, '[ [');
}

