import { setImmediate } from 'node:timers/promises';

/**
 * What the prompt renderer needs from a synthesizer: text in, mono 16-bit samples out, at the
 * engine's native rate. Both engines run in this process (WebAssembly), ship their own voice data
 * and start every utterance from the same state, so equal input gives byte-identical audio.
 */
export interface EngineAudio {
  samples: Int16Array;
  sampleRate: number;
}

export type EngineKind = 'flite' | 'espeak';

export interface SpeechEngine {
  readonly kind: EngineKind;
  /**
   * @param voice engine voice id from the voice catalog (`slt`, `es+f4`, …)
   * @param rate speaking speed factor, 1 = normal, 2 = twice as fast
   */
  synthesize(text: string, voice: string, rate: number): Promise<EngineAudio>;
  close(): Promise<void>;
}

export interface SerialQueue {
  run<T>(job: () => T | Promise<T>): Promise<T>;
  /** Resolves once every job queued so far has finished. */
  drained(): Promise<void>;
}

/**
 * Runs jobs one at a time, in order, each after a turn of the event loop. The engines synthesize
 * synchronously (tens to hundreds of ms per utterance); running them back to back without a
 * break would starve the timers that pace the RTP of calls already in progress.
 */
export function createSerialQueue(): SerialQueue {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    run(job) {
      const result = tail.then(async () => {
        await setImmediate();
        return job();
      });
      tail = result.catch(() => undefined);
      return result;
    },
    drained: () => tail.then(() => undefined),
  };
}
