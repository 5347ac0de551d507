/**
 * Voice (issue 7 §3): how long a cold render — a template's text not synthesized yet — holds the
 * event loop that paces RTP, with the speech engines on their own thread (the default) against the
 * engines in the event loop's thread, in the same run. Each run starts a fresh renderer (nothing
 * cached) and renders four prompts in four voices while perf_hooks samples the event-loop delay.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createPromptRenderer, type PromptRequest } from '../src/channels/voice/tts/prompt-renderer.ts';
import type { Figure } from './lib.ts';

const RUNS = Number(process.env.BENCH_REPEATS ?? 3);
const PROMPTS: PromptRequest[] = [
  { textParts: ['Your verification code is ', '. I repeat: ', '.'], pin: '407193', language: 'en', voiceName: 'Joanna', speechRate: 1 },
  { textParts: ['Ihr Code lautet ', '.'], pin: '5582', language: 'de', voiceName: 'Marlene', speechRate: 1 },
  { textParts: ['Votre code est ', '.'], pin: '2648', language: 'fr', voiceName: 'Mathieu', speechRate: 1.2 },
  { textParts: ['Su código es ', '.'], pin: '9130', language: 'es', voiceName: 'Lucia', speechRate: 0.9 },
];

async function coldRenders(engineThread: boolean): Promise<{ maxMs: number; p99Ms: number }> {
  const renderer = await createPromptRenderer({ engineThread });
  const delay = monitorEventLoopDelay({ resolution: 1 });
  try {
    delay.enable();
    for (const req of PROMPTS) await renderer.render(req);
    delay.disable();
    return { maxMs: delay.max / 1e6, p99Ms: delay.percentile(99) / 1e6 };
  } finally {
    await renderer.close();
  }
}

export async function benchRenderStall(figures: Figure[], notes: string[]): Promise<void> {
  const here = { max: [] as number[], p99: [] as number[] };
  const thread = { max: [] as number[], p99: [] as number[] };
  for (let i = 0; i < RUNS; i++) {
    const a = await coldRenders(false);
    here.max.push(a.maxMs); here.p99.push(a.p99Ms);
    const b = await coldRenders(true);
    thread.max.push(b.maxMs); thread.p99.push(b.p99Ms);
  }
  const base = 'cold render: longest event-loop delay, engines in the event loop\'s thread';
  figures.push({ name: base, unit: 'ms', runs: here.max, lowerIsBetter: true });
  figures.push({ name: 'cold render: longest event-loop delay, speech thread', unit: 'ms', runs: thread.max, baseline: base, lowerIsBetter: true, note: 'the default' });
  figures.push({ name: 'cold render: p99 event-loop delay, engines in the event loop\'s thread', unit: 'ms', runs: here.p99, lowerIsBetter: true });
  figures.push({ name: 'cold render: p99 event-loop delay, speech thread', unit: 'ms', runs: thread.p99, lowerIsBetter: true });
  notes.push(`Cold render: a fresh renderer renders ${PROMPTS.length} prompts in ${PROMPTS.length} voices (every fragment and digit synthesized) while perf_hooks.monitorEventLoopDelay samples the event loop at 1 ms; every RTP frame of every call in progress waits as long as the loop does. ${RUNS} runs each, alternating.`);
}
