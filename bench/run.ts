/**
 * `npm run bench`: runs every benchmark (each bounded in time, stopping by itself) and writes
 * docs/benchmarks.md. `npm run bench -- api` runs only the named sections.
 */
import { benchApi } from './api.ts';
import { benchSms } from './sms.ts';
import { benchPostgres } from './postgres.ts';
import type { BenchSection } from './lib.ts';
import { writeReport } from './report.ts';

const ALL: Record<string, () => Promise<BenchSection>> = { api: benchApi, sms: benchSms };
ALL.voice = (await import('./voice.ts')).benchVoice;
ALL.postgres = benchPostgres;
const wanted = process.argv.slice(2).filter((a) => a in ALL);
const sections: BenchSection[] = [];
for (const name of wanted.length ? wanted : Object.keys(ALL)) {
  console.log(`bench: ${name}…`);
  sections.push(await (ALL[name] as () => Promise<BenchSection>)());
}
writeReport(sections);
console.log('bench: wrote docs/benchmarks.md');
