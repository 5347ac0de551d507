import { once } from 'node:events';
import { startThread } from '../../../threads/start-thread.ts';
import type { Engines } from './engines.ts';
import type { EngineAudio, EngineKind, SpeechEngine } from './speech-engine.ts';

export type EngineRequest =
  | { id: number; kind: EngineKind; text: string; voice: string; rate: number }
  | { id: number; kind: 'close' };
type EngineReply =
  | { id: number; samples: Int16Array; sampleRate: number }
  | { id: number; error: string }
  | { ready: true }
  | { failed: string };

const WORKER = new URL('./engine-thread-worker.ts', import.meta.url);

/**
 * Both speech engines on a thread of their own. Synthesis is synchronous WebAssembly: in the
 * server's thread, a template's first call (a text not cached yet) held the event loop — and the
 * RTP of every call in progress — for 50–240 ms per utterance (docs/voice-tts.md). Here the
 * server thread only posts the text and receives the samples.
 *
 * Should the thread die (only a native crash would do it: every synthesis error is answered),
 * syntheses in flight and later fail with that reason — the calls end with a final status — and
 * the next renderer the voice channel creates starts a new thread.
 */
export async function startEnginesInThread(): Promise<Engines> {
  const worker = startThread(WORKER);
  await new Promise<void>((resolve, reject) => {
    worker.once('message', (m: EngineReply) => ('ready' in m ? resolve() : reject(new Error(`speech engines did not start: ${'failed' in m ? m.failed : 'unexpected message'}`))));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the speech thread exited (code ${code}) while starting`)));
  });
  worker.removeAllListeners('error').removeAllListeners('exit');

  const pending = new Map<number, { resolve(a: EngineAudio): void; reject(e: Error): void }>();
  let nextId = 1;
  let stopped: Error | undefined;
  let failure: Error | undefined;
  let closing: Promise<void> | undefined;
  worker.on('message', (m: EngineReply) => {
    if (!('id' in m)) return;
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if ('error' in m) p.reject(new Error(m.error));
    else p.resolve({ samples: m.samples, sampleRate: m.sampleRate });
    // An idle synthesizer does not keep the process alive — unless it is closing: then the process
    // waits for the thread to end (a late answer must not undo that).
    if (pending.size === 0 && !closing) worker.unref();
  });
  worker.on('error', (err) => { failure = err; });
  worker.on('exit', (code) => {
    stopped = new Error(`the speech thread stopped (exit code ${code})${failure ? `: ${failure.message}` : ''}`);
    for (const p of pending.values()) p.reject(stopped);
    pending.clear();
  });
  worker.unref();

  const synthesizer = (kind: EngineKind) => (text: string, voice: string, rate: number) => new Promise<EngineAudio>((resolve, reject) => {
    if (stopped) return reject(stopped);
    const id = nextId++;
    pending.set(id, { resolve, reject });
    worker.ref();
    worker.postMessage({ id, kind, text, voice, rate } satisfies EngineRequest);
  });
  const close = () => (closing ??= (async () => {
    if (stopped) return;
    worker.ref();
    worker.postMessage({ id: 0, kind: 'close' } satisfies EngineRequest);
    await once(worker, 'exit');
  })());
  const engine = (kind: EngineKind): SpeechEngine => ({ kind, synthesize: synthesizer(kind), close });
  return { flite: engine('flite'), espeak: engine('espeak') };
}
