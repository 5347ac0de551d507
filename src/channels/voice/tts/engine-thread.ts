import { once } from 'node:events';
import { pendingCalls } from '../../../threads/pending-calls.ts';
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

  const pending = pendingCalls<EngineAudio>();
  pending.attach(worker);
  let stopped: Error | undefined;
  let failure: Error | undefined;
  worker.on('message', (m: EngineReply) => {
    if ('id' in m) pending.settle(m.id, (p) => ('error' in m ? p.reject(new Error(m.error)) : p.resolve({ samples: m.samples, sampleRate: m.sampleRate })));
  });
  worker.on('error', (err) => { failure = err; });
  worker.on('exit', (code) => {
    stopped = new Error(`the speech thread stopped (exit code ${code})${failure ? `: ${failure.message}` : ''}`);
    pending.failAll(stopped);
  });

  const synthesizer = (kind: EngineKind) => (text: string, voice: string, rate: number) => new Promise<EngineAudio>((resolve, reject) => {
    if (stopped) return reject(stopped);
    worker.postMessage({ id: pending.add({ resolve, reject }), kind, text, voice, rate } satisfies EngineRequest);
  });
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= (async () => {
    if (stopped) return;
    pending.closing();
    worker.postMessage({ id: 0, kind: 'close' } satisfies EngineRequest);
    await once(worker, 'exit');
  })());
  const engine = (kind: EngineKind): SpeechEngine => ({ kind, synthesize: synthesizer(kind), close });
  return { flite: engine('flite'), espeak: engine('espeak') };
}
