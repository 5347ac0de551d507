/**
 * Regression test for a crash: with `node:wasi`, flite's system calls were V8 fast API calls that
 * could start a garbage collection mid-call (nodejs/node#46777), corrupting the heap — the test
 * process of a voice test died with SIGSEGV now and then, and the script below did in 5 of 6 runs.
 * The engine now answers system calls with a JavaScript WASI shim. The synthesis runs in a child
 * process so that a crash is reported as this test's failure, with its signal.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const SCRIPT = fileURLToPath(new URL('../helpers/flite-under-gc-load.ts', import.meta.url));

test('100 flite utterances while the heap churns: the process survives and every utterance has audio', () => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', SCRIPT, '100'], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(run.signal, null, `the synthesis process died with ${run.signal}: ${run.stderr.slice(-2000)}`);
  assert.equal(run.status, 0, run.stderr.slice(-2000));
  const result = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as { utterances: number; samples: number };
  assert.equal(result.utterances, 100);
  // "Your PIN is 1000. I repeat, 1000." lasts well over two seconds at 16 kHz.
  assert.ok(result.samples > 100 * 2 * 16_000 * 0.8, `${result.samples} samples for 100 utterances`);
});
