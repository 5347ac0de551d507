/**
 * Child-process script for test/voice/flite-gc-load.test.ts: synthesizes `n` utterances with the
 * flite engine while the same thread allocates heavily (garbage collections land during the
 * WebAssembly's system calls). Prints the total samples and the mean milliseconds per utterance
 * as JSON on its last line; a corrupted heap shows as a signal or a non-zero exit instead.
 */
import { createFliteEngine } from '../../src/channels/voice/tts/flite-engine.ts';

const n = Number(process.argv[2] ?? 100);
const engine = await createFliteEngine();
const garbage: unknown[] = [];
const churn = setInterval(() => {
  for (let i = 0; i < 20_000; i++) garbage.push({ i, list: [i] });
  if (garbage.length > 400_000) garbage.length = 0;
}, 1);
let samples = 0;
const started = performance.now();
for (let i = 0; i < n; i++) {
  const audio = await engine.synthesize(`Your PIN is ${1000 + i}. I repeat, ${1000 + i}.`, 'slt', 1 + (i % 3) / 10);
  samples += audio.samples.length;
}
const msPerUtterance = (performance.now() - started) / n;
clearInterval(churn);
await engine.close();
console.log(JSON.stringify({ utterances: n, samples, msPerUtterance }));
