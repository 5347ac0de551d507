/**
 * Writes docs/benchmarks.md from the sections the benchmarks return, with their plots
 * (bench/plot.ts → docs/bench/*.svg). Sections that did not run this time (`npm run bench -- sms`)
 * are kept from the previous file as they were, each with its own date and machine line.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, release } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { median, QUICK, ROOT, spread, type BenchSection } from './lib.ts';
import { writePlots } from './plot.ts';

const fmt = (x: number) => (x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(x >= 10 ? 1 : 2));

/** CPU model, cores, RAM, kernel, Node, SQLite and PostgreSQL versions of this machine. */
export async function describeMachine(): Promise<string> {
  const cpu = (cpus()[0]?.model ?? 'unknown CPU').replace(/\s+/g, ' ').trim();
  const mem = new Database(':memory:');
  const sqlite = mem.prepare('SELECT sqlite_version() AS v').get() as { v: string };
  mem.close();
  let postgres = 'PostgreSQL not reachable';
  const client = new pg.Client({ connectionString: process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test', connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    postgres = `PostgreSQL ${(await client.query<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version.split(' ')[0]}`;
  } catch { /* not reachable: said so */ } finally { await client.end().catch(() => {}); }
  let os = '';
  try { os = `${/PRETTY_NAME="([^"]+)"/.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? 'Linux'}, `; } catch { /* not Linux */ }
  let sipp = '';
  try { sipp = `, ${/SIPp v[\d.]+/.exec(execFileSync('/usr/bin/sipp', ['-v'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }))?.[0] ?? ''}`; } catch (e) {
    sipp = `, ${/SIPp v[\d.]+/.exec(String((e as { stdout?: string }).stdout ?? ''))?.[0] ?? 'no sipp'}`;
  }
  return `${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, ${os}kernel ${release()}, Node ${process.version}, SQLite ${sqlite.v}, ${postgres}${sipp}`;
}

export async function writeReport(sections: BenchSection[], file = join(ROOT, 'docs', 'benchmarks.md')): Promise<void> {
  const machine = await describeMachine();
  const when = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const lines = [
    '# Benchmarks',
    '',
    'Each figure is the median of its runs with the spread (max − min) and the number of runs; a ratio compares it with a',
    'baseline measured in the same run on the same machine (a bare node:http server, an SMSC without open2fa, fresh',
    'synthesis, one process, the base history). Every benchmark runs on loopback, is bounded in time and stops by itself.',
    '',
    '## How to run',
    '',
    '```sh',
    'npm run bench                      # every section: api, sms, voice, postgres, growth (20–30 min)',
    'npm run bench -- growth            # only the named sections; the others are kept from the last run',
    'npm run bench -- --quick           # fewer, shorter runs and smaller sizes: a smoke check, not for comparison',
    'BENCH_REPEATS=5 BENCH_SECONDS=10 npm run bench -- api   # more and longer runs',
    '```',
    '',
    'Knobs: `BENCH_REPEATS`, `BENCH_SECONDS` (every section), `BENCH_GROWTH_SIZES` (default `1,10,100,1000`),',
    '`BENCH_VOICE_CALLS` (default `100,500,1000`), `BENCH_VOICE_PARTS`, `BENCH_DATABASE_URL` (PostgreSQL, default the local',
    '`test` database). Load generators: wrk (HTTP throughput), autocannon (fixed-rate latency), sipp (SIP calls), the `smpp` package\'s server (SMSC).',
    'The numbers depend on the machine and on what else runs on it: compare ratios, and rerun on a quiet machine.',
    'What was profiled where a target was missed, what was changed and what it bought: [performance.md](performance.md).',
    '',
    `Latest run: ${when} UTC on ${machine}.`,
    '',
  ];
  const fresh = new Set(sections.map((s) => s.title));
  const kept = previousSections(file).filter((block) => !fresh.has(block.title) && block.title !== 'How to run');
  for (const s of sections) {
    lines.push(`## ${s.title}`, '', `_Measured ${when} UTC on ${machine}${QUICK ? '; **quick run** (fewer, shorter runs, smaller sizes): a smoke check, not for comparison' : ''}._`, '');
    const byName = new Map(s.figures.map((f) => [f.name, f]));
    lines.push('| Figure | Median | Spread | Runs | Ratio to baseline | Note |', '|---|---|---|---|---|---|');
    for (const f of s.figures) {
      const base = f.baseline ? byName.get(f.baseline) : undefined;
      const ratio = base ? `${(median(f.runs) / median(base.runs)).toFixed(2)}× ${base.name}` : '';
      lines.push(`| ${f.name} | ${fmt(median(f.runs))} ${f.unit} | ${fmt(spread(f.runs))} | ${f.runs.length} | ${ratio} | ${f.note ?? ''} |`);
    }
    lines.push('');
    for (const plot of writePlots(s)) lines.push(`![${s.title}](${plot})`, '');
    lines.push(...s.notes.map((n) => `- ${n}`), '');
  }
  for (const block of kept) lines.push(block.text.trimEnd(), '');
  writeFileSync(file, `${lines.join('\n')}\n`);
}

/**
 * The sections of the previous file. One written before sections carried their machine gets the
 * date and machine of that file's header line ("Run with `npm run bench` on <date>: <machine>.").
 */
function previousSections(file: string): { title: string; text: string }[] {
  if (!existsSync(file)) return [];
  const [head = '', ...blocks] = readFileSync(file, 'utf8').split(/^(?=## )/m);
  const old = /Run with `npm run bench` on (\S+): (.+)\.$/m.exec(head);
  return blocks.map((text) => {
    const title = (text.split('\n')[0] ?? '').slice(3).trim();
    if (!old || / UTC on /.test(text)) return { title, text };
    const dated = /^_Measured ([^_]+) UTC\._$/m.test(text)
      ? text.replace(/^_Measured ([^_]+) UTC\._$/m, `_Measured $1 UTC on ${old[2]}._`)
      : text.replace(/^(## .*\n\n)/, `$1_Measured ${old[1]} on ${old[2]}._\n\n`);
    return { title, text: dated };
  });
}
