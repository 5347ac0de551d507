import { createEspeakEngine } from './espeak-engine.ts';
import { createFliteEngine } from './flite-engine.ts';
import type { EngineKind, SpeechEngine } from './speech-engine.ts';

export type Engines = Record<EngineKind, SpeechEngine>;

/** Both engines in this thread, or neither: one that started is closed again (temp dir) if the other fails. */
export async function startEnginesHere(): Promise<Engines> {
  const [flite, espeak] = await Promise.allSettled([createFliteEngine(), createEspeakEngine()]);
  if (flite.status === 'fulfilled' && espeak.status === 'fulfilled') return { flite: flite.value, espeak: espeak.value };
  await Promise.all([flite, espeak].map((started) => (started.status === 'fulfilled' ? started.value.close() : undefined)));
  throw flite.status === 'rejected' ? flite.reason : (espeak as PromiseRejectedResult).reason;
}
