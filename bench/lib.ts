/**
 * Shared benchmark plumbing: start open2fa (or a baseline) in a child process on loopback,
 * drive it with wrk (throughput) or autocannon (fixed-rate latency), and summarise repeated
 * runs as median and spread.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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

/**
 * One autocannon run; `requests` may vary bodies per request. Used only where a fixed rate is
 * needed (`overallRate`): autocannon tops out near 35k req/s on one core of its own and shares
 * the machine with the server, so its maximum-throughput figures measure autocannon, not the server.
 */
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

export interface WrkRequest { method: string; path: string; headers?: Record<string, string>; body?: string }

/**
 * wrk's Lua side: each thread reads the request file once (in init, before any request is sent),
 * formats every request up front so request() only indexes a table, and starts at its own offset
 * so parallel threads do not send the same requests in lockstep. One request per line, fields
 * separated by tabs (JSON.stringify never emits a raw tab): method, path, body, then header
 * name/value pairs.
 */
const WRK_LUA = `
local nextId = 0
function setup(thread)
  thread:set("id", nextId)
  nextId = nextId + 1
end

local reqs, n, i = {}, 0, 0
function init(args)
  for line in io.lines(args[1]) do
    local f = {}
    for field in (line .. "\\t"):gmatch("([^\\t]*)\\t") do f[#f + 1] = field end
    local headers = {}
    for h = 4, #f - 1, 2 do headers[f[h]] = f[h + 1] end
    local body = f[3]
    if body == "" then body = nil end
    n = n + 1
    reqs[n] = wrk.format(f[1], f[2], headers, body)
  end
  if n == 0 then error("wrkLoad: no requests in " .. args[1]) end
  i = (id * math.floor(n / tonumber(args[2]))) % n
end

function request()
  i = i % n + 1
  return reqs[i]
end
`;

const onPath = () => spawnSync('wrk', ['--version'], { stdio: 'ignore' }).error === undefined;

/** Makes sure wrk is on PATH, installing Debian's package as scripts/test.sh does for its tools. */
export function ensureWrk(): void {
  if (onPath()) return;
  const root = process.getuid?.() === 0;
  if (!root && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status !== 0) {
    throw new Error('bench: wrk is not installed and installing it needs root (or passwordless sudo): apt-get install wrk');
  }
  const apt = (...args: string[]) => {
    const [cmd, argv] = root ? ['apt-get', args] : ['sudo', ['-n', 'apt-get', ...args]];
    return spawnSync(cmd, argv, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).status === 0;
  };
  console.log('bench: installing wrk (apt-get install wrk)…');
  // The package lists are only refreshed when the install fails: they are usually fresh enough.
  if (!apt('install', '-y', '-qq', '--no-install-recommends', 'wrk')) {
    apt('update', '-qq');
    apt('install', '-y', '-qq', '--no-install-recommends', 'wrk');
  }
  if (!onPath()) throw new Error('bench: could not install wrk with apt-get (see the output above); install it by hand: apt-get install wrk');
}

/** wrk prints durations as e.g. 366.00us, 5.12ms, 1.02s, 1.50m. */
function toMs(v: string, unit: string): number {
  const f = { us: 1e-3, ms: 1, s: 1e3, m: 60e3, h: 3600e3 }[unit];
  if (f === undefined) throw new Error(`wrk: unknown time unit ${unit}`);
  return Number(v) * f;
}

/**
 * One wrk run (`wrk -t1 -c32 -d<s>s --latency`), the same result shape as load(). wrk is a C
 * load generator: one thread sends far more than one Node server can answer, so the server's
 * own limit is what gets measured. `requests` are cycled through; a function is called `count`
 * times up front (requests are written to a file that wrk reads before the run starts).
 */
export async function wrkLoad(opts: {
  url: string;
  requests: WrkRequest[] | { count: number; make: (i: number) => WrkRequest };
  duration?: number;
  connections?: number;
  threads?: number;
}): Promise<LoadResult> {
  ensureWrk();
  const threads = opts.threads ?? 1;
  const reqs = Array.isArray(opts.requests) ? opts.requests : Array.from({ length: opts.requests.count }, (_, i) => (opts.requests as { make: (i: number) => WrkRequest }).make(i));
  const dir = mkdtempSync(join(tmpdir(), 'open2fa-wrk-'));
  try {
    const lines = reqs.map((r) => {
      const fields = [r.method, r.path, r.body ?? '', ...Object.entries(r.headers ?? {}).flat()];
      if (fields.some((f) => /[\t\r\n]/.test(f))) throw new Error(`wrkLoad: tab or newline in request ${JSON.stringify(r)}`);
      return fields.join('\t');
    });
    writeFileSync(join(dir, 'requests.tsv'), `${lines.join('\n')}\n`);
    writeFileSync(join(dir, 'requests.lua'), WRK_LUA);
    const args = ['-t', String(threads), '-c', String(opts.connections ?? 32), '-d', `${opts.duration ?? 5}s`, '--latency',
      '-s', join(dir, 'requests.lua'), opts.url, '--', join(dir, 'requests.tsv'), String(threads)];
    const proc = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    proc.stderr.on('data', (d: Buffer) => { out += d.toString(); });
    const code = await new Promise<number | null>((resolve, reject) => { proc.once('error', reject); proc.once('close', resolve); });
    const rps = /Requests\/sec:\s*([\d.]+)/.exec(out);
    const lat = (p: string) => {
      const m = new RegExp(`^\\s*${p}%\\s+([\\d.]+)(us|ms|s|m|h)\\s*$`, 'm').exec(out);
      if (!m) throw new Error(`wrk: no ${p}% latency in output:\n${out}`);
      return toMs(m[1] as string, m[2] as string);
    };
    if (code !== 0 || !rps) throw new Error(`wrk ${args.join(' ')} exited ${code}:\n${out}`);
    const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
    return {
      rps: Number(rps[1]), p50: lat('50'), p99: lat('99'),
      non2xx: Number(/Non-2xx or 3xx responses:\s*(\d+)/.exec(out)?.[1] ?? 0),
      errors: sock ? sock.slice(1).reduce((s, x) => s + Number(x), 0) : 0,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
