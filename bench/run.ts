/**
 * `npm run bench`: runs every benchmark (each bounded in time, stopping by itself) and writes
 * docs/benchmarks.md with its plots (docs/bench/*.svg). `npm run bench -- api growth` runs only
 * the named sections and keeps the others from the last report. `--quick`: fewer, shorter runs
 * and smaller sizes, for a smoke check (the report marks the sections it measured that way).
 */
import { QUICK, type BenchSection } from './lib.ts';

if (QUICK) {
  // Set before the sections load: they read their settings when imported.
  const quick: Record<string, string> = {
    BENCH_REPEATS: '2', BENCH_SECONDS: '1', BENCH_GROWTH_SIZES: '1,10,100',
    BENCH_VOICE_CALLS: '50', BENCH_VOICE_ACCEPT_SECONDS: '3', BENCH_VOICE_BURST: '0',
  };
  for (const [k, v] of Object.entries(quick)) process.env[k] ??= v;
}

const ALL: Record<string, () => Promise<() => Promise<BenchSection>>> = {
  api: async () => (await import('./api.ts')).benchApi,
  sms: async () => (await import('./sms.ts')).benchSms,
  voice: async () => (await import('./voice.ts')).benchVoice,
  postgres: async () => (await import('./postgres.ts')).benchPostgres,
  growth: async () => (await import('./growth.ts')).benchGrowth,
};
const unknown = process.argv.slice(2).filter((a) => !a.startsWith('--') && !(a in ALL));
if (unknown.length) throw new Error(`unknown section(s) ${unknown.join(', ')}; known: ${Object.keys(ALL).join(', ')}`);
const wanted = process.argv.slice(2).filter((a) => a in ALL);
const sections: BenchSection[] = [];
for (const name of wanted.length ? wanted : Object.keys(ALL)) {
  console.log(`bench: ${name}${QUICK ? ' (quick)' : ''}…`);
  const started = Date.now();
  sections.push(await (await (ALL[name] as () => Promise<() => Promise<BenchSection>>)())());
  console.log(`bench: ${name} took ${Math.round((Date.now() - started) / 1000)} s`);
}
const { writeReport } = await import('./report.ts');
await writeReport(sections);
console.log('bench: wrote docs/benchmarks.md and docs/bench/*.svg');
