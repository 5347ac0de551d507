/**
 * Shared benchmark plumbing: start open2fa (or a baseline) in a child process on loopback,
 * drive it with autocannon, and summarise repeated runs as median and spread.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';

export interface Figure {
  name: string;
  unit: string;
  runs: number[];
  /** Name of the baseline figure this one is divided by, if any. */
  baseline?: string;
  note?: string;
  /** Plotted as one line of a growth chart: `series` names the line, `x` is the position on it. */
  series?: string;
  x?: number;
  /** Latencies and durations: smaller is better (the plots say so). */
  lowerIsBetter?: boolean;
}

export interface BenchSection {
  title: string;
  figures: Figure[];
  notes: string[];
  /** Plots besides the ratio bars of every section that has baselines: `growth` draws series over x. */
  plots?: 'growth'[];
}

/** `--quick` (or BENCH_QUICK=1): fewer, shorter runs, for a smoke check; the report says so. */
export const QUICK = process.argv.includes('--quick') || process.env.BENCH_QUICK === '1';

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
export const spread = (xs: number[]) => (xs.length ? Math.max(...xs) - Math.min(...xs) : 0);

export const ROOT = join(import.meta.dirname, '..');
export const BOOTSTRAP_KEY = 'bench-bootstrap-key-0123456789abcdef';

export interface Child { url: string; stop(): Promise<void>; proc: ChildProcess }

/** Starts a process that prints its URL as `listening on <url>` and waits for it. */
export async function startChild(args: string[], env: Record<string, string> = {}): Promise<Child> {
  const proc = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL from ${args.join(' ')}:\n${out}`)), 30_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) { clearTimeout(timer); resolve((m[1] as string).replace('localhost', '127.0.0.1')); }
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', onData);
    proc.once('exit', (code) => { clearTimeout(timer); reject(new Error(`${args.join(' ')} exited ${code}:\n${out}`)); });
  });
  proc.removeAllListeners('exit');
  return {
    url, proc,
    async stop() {
      if (proc.exitCode !== null) return;
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    },
  };
}

/** open2fa in sandbox mode on a fresh SQLite data dir (or PostgreSQL when databaseUrl is given). */
export async function startOpen2fa(opts: { role?: 'all' | 'api' | 'worker'; env?: Record<string, string> } = {}): Promise<Child & { dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'open2fa-bench-'));
  const child = await startChild(['bin/open2fa.js', 'serve', '--role', opts.role ?? 'api'], {
    PORT: '0', HOST: '127.0.0.1', OPEN2FA_DATA_DIR: dataDir, OPEN2FA_BOOTSTRAP_API_KEY: BOOTSTRAP_KEY, OPEN2FA_LOG_LEVEL: 'warn', ...(opts.env ?? {}),
  });
  return { ...child, dataDir, async stop() { await child.stop(); rmSync(dataDir, { recursive: true, force: true }); } };
}

export interface LoadResult { rps: number; p50: number; p99: number; non2xx: number; errors: number }

/** One autocannon run; `requests` may vary bodies per request. */
export async function load(opts: autocannon.Options): Promise<LoadResult> {
  const r = await autocannon({ connections: 32, pipelining: 1, duration: 5, ...opts });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors };
}

export async function api(url: string, method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${url}${path}`, {
    method, headers: { authorization: `App ${BOOTSTRAP_KEY}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}
