/**
 * Horizontal scaling on PostgreSQL (issue 5): send-PIN (SMS, sandbox) and verify throughput with
 * p99, on SQLite (one process) vs PostgreSQL (one process) vs PostgreSQL (two processes, the
 * load split over both by two wrk runs in parallel, summed). Same run, same settings,
 * servers with --role api (deliveries stay queued, so the figure is the API's own).
 *
 * Every run also measures the CPU each party used (open2fa processes, PostgreSQL backends, the
 * load generator) from /proc, so a missed scaling target can be explained by what saturated.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import pg from 'pg';
import { api, BOOTSTRAP_KEY, ensureWrk, median, startOpen2fa, wrkLoad, type BenchSection, type Figure, type LoadResult, type WrkRequest } from './lib.ts';

const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
const DURATION = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = 32; // in total: split 16 + 16 over two processes
const VERIFY_PINS = 1000;
/** Send bodies pre-generated per wrk run (cycled), each a new destination. */
const SEND_BODIES = 60_000;
const PG_URL = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SECRET = 'b7c1f0e2d3a4958677f8e9d0c1b2a3948576e7f8091a2b3c4d5e6f708192a3b4';
const headers = { authorization: `App ${BOOTSTRAP_KEY}`, 'content-type': 'application/json' };
const TICK_MS = 1000 / 100; // USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s on Linux

/** CPU seconds (user + system) a process has used so far; 0 when it is gone. */
function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS / 1000;
  } catch { return 0; }
}

/**
 * CPU seconds of this process's exited and reaped children (cutime + cstime of /proc/self/stat).
 * wrk runs as a child and its /proc/<pid> entry is gone once it exits, so its CPU is read here:
 * the kernel adds a child's CPU time to these fields when the parent reaps it, which Node does
 * before the 'close' event wrkLoad awaits. The open2fa children only exit after the runs.
 */
function reapedChildrenCpuSeconds(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) * TICK_MS / 1000;
}

/** Every PostgreSQL server process on this machine (backends, writer, WAL): pid → CPU seconds. */
function postgresCpu(): Map<number, number> {
  const out = new Map<number, number>();
  let pids: string[] = [];
  try { pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p)); } catch { return out; }
  for (const p of pids) {
    try {
      if (readFileSync(`/proc/${p}/comm`, 'utf8').trim() === 'postgres') out.set(Number(p), cpuSeconds(Number(p)));
    } catch { /* exited */ }
  }
  return out;
}

/** Busy CPU seconds of the whole machine so far (every core, everything but idle and iowait). */
function machineBusySeconds(): number {
  const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] as string).trim().split(/\s+/).slice(1).map(Number);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return (fields.reduce((s, x) => s + x, 0) - idle) * TICK_MS / 1000;
}

/** Cores used (CPU seconds per wall second); `other` is whatever else ran on the machine meanwhile. */
interface Cpu { servers: number; postgres: number; loadgen: number; other: number }

/** Runs `work` and reports the CPU cores (CPU seconds per wall second) each party used meanwhile. */
async function measured<T>(serverPids: number[], work: () => Promise<T>): Promise<{ result: T; cpu: Cpu }> {
  const s0 = serverPids.map(cpuSeconds);
  const p0 = postgresCpu();
  const l0 = process.cpuUsage();
  const w0 = reapedChildrenCpuSeconds();
  const m0 = machineBusySeconds();
  const t0 = performance.now();
  const result = await work();
  const wall = (performance.now() - t0) / 1000;
  const l1 = process.cpuUsage(l0);
  const wrkSeconds = reapedChildrenCpuSeconds() - w0;
  const machine = (machineBusySeconds() - m0) / wall;
  const p1 = postgresCpu();
  let pgSeconds = 0;
  for (const [pid, after] of p1) pgSeconds += after - (p0.get(pid) ?? 0); // backends born during the run count from 0
  const servers = serverPids.reduce((sum, pid, i) => sum + cpuSeconds(pid) - (s0[i] as number), 0);
  const cpu = { servers: servers / wall, postgres: pgSeconds / wall, loadgen: (wrkSeconds + (l1.user + l1.system) / 1e6) / wall, other: 0 };
  cpu.other = Math.max(0, machine - cpu.servers - cpu.postgres - cpu.loadgen);
  return { result, cpu };
}

interface Setup { name: string; urls: string[]; pids: number[]; stop(): Promise<void> }

async function postgresReachable(): Promise<string | undefined> {
  const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  try { await c.connect(); await c.query('SELECT 1'); return undefined; } catch (err) { return (err as Error).message; } finally { await c.end().catch(() => undefined); }
}

async function startSqlite(): Promise<Setup> {
  const o2 = await startOpen2fa({ role: 'api' });
  return { name: 'SQLite, 1 process', urls: [o2.url], pids: [o2.proc.pid as number], stop: () => o2.stop() };
}

async function startPostgres(processes: number): Promise<Setup> {
  const schema = `o2_bench_${Date.now().toString(36)}_${processes}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${pg.escapeIdentifier(schema)}`);
  const url = new URL(PG_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  // The same 10 PostgreSQL connections in total whatever the number of processes: more backends
  // than PostgreSQL has cores only add context switches (docs/deployment.md, Connection pooling).
  const env = { DATABASE_URL: url.toString(), OPEN2FA_SECRET: SECRET, DATABASE_POOL_SIZE: String(Math.ceil(10 / processes)) };
  // The first process migrates the empty schema; the others start against it.
  const first = await startOpen2fa({ role: 'api', env });
  const rest = await Promise.all(Array.from({ length: processes - 1 }, () => startOpen2fa({ role: 'api', env })));
  const all = [first, ...rest];
  return {
    name: `PostgreSQL, ${processes} process${processes > 1 ? 'es' : ''}`,
    urls: all.map((o) => o.url), pids: all.map((o) => o.proc.pid as number),
    async stop() {
      await Promise.all(all.map((o) => o.stop()));
      await admin.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
      await admin.end();
    },
  };
}

/**
 * One wrk run per process, in parallel, connections split evenly; throughput summed, worst p99.
 * `lists` holds each run's requests, generated by the caller before measured() starts its clock.
 */
async function loadAll(urls: string[], lists: WrkRequest[][]): Promise<LoadResult> {
  const per = Math.floor(CONNECTIONS / urls.length);
  const rs = await Promise.all(urls.map((url, i) => wrkLoad({ url, requests: lists[i] as WrkRequest[], connections: per, duration: DURATION })));
  return {
    rps: rs.reduce((s, r) => s + r.rps, 0), p50: Math.max(...rs.map((r) => r.p50)), p99: Math.max(...rs.map((r) => r.p99)),
    non2xx: rs.reduce((s, r) => s + r.non2xx, 0), errors: rs.reduce((s, r) => s + r.errors, 0),
  };
}

interface Measured { send: number[]; sendP99: number[]; verify: number[]; verifyP99: number[]; sendCpu: Cpu[]; verifyCpu: Cpu[] }

async function measure(s: Setup): Promise<Measured> {
  const [A] = s.urls as [string];
  const app = await api(A, 'POST', '/2fa/2/applications', {
    name: 'bench', configuration: { pinAttempts: 1000, verifyPinLimit: '1000000/1s', sendPinPerApplicationLimit: '100000000/1d', sendPinPerPhoneNumberLimit: '1000/1d' },
  });
  const tpl = await api(A, 'POST', `/2fa/2/applications/${app.applicationId}/messages`, { pinType: 'NUMERIC', pinLength: 6, messageText: 'Your code is {{pin}}' });
  let n = 0;
  const sendBody = () => JSON.stringify({ applicationId: app.applicationId, messageId: tpl.messageId, to: String(41790000000 + (n++ % 5_000_000)) });
  const m: Measured = { send: [], sendP99: [], verify: [], verifyP99: [], sendCpu: [], verifyCpu: [] };

  // Requests per run and process, made before measured() so their generation is not counted.
  const lists = (count: number, make: (proc: number, i: number) => WrkRequest) => s.urls.map((_, p) => Array.from({ length: count }, (_, i) => make(p, i)));
  for (let i = 0; i < REPEATS; i++) {
    const reqs = lists(SEND_BODIES, () => ({ method: 'POST', path: '/2fa/2/pin', headers, body: sendBody() }));
    const { result: r, cpu } = await measured(s.pids, () => loadAll(s.urls, reqs));
    if (r.non2xx || r.errors) throw new Error(`${s.name} send: ${r.non2xx} non-2xx, ${r.errors} errors`);
    m.send.push(r.rps); m.sendP99.push(r.p99); m.sendCpu.push(cpu);
  }

  // Verify: wrong PINs spread over live PINs, each request takes an attempt and a rate-limit slot.
  const pins: string[] = [];
  for (let i = 0; i < VERIFY_PINS; i += 50) {
    const batch = await Promise.all(Array.from({ length: 50 }, (_, j) => api(s.urls[(i + j) % s.urls.length] as string, 'POST', '/2fa/2/pin', {
      applicationId: app.applicationId, messageId: tpl.messageId, to: String(41780000000 + i + j),
    })));
    pins.push(...batch.map((b) => b.pinId as string));
  }
  // Each process's list starts at its own share of the PINs, so two processes do not hit the same PIN at once.
  const share = Math.floor(pins.length / s.urls.length);
  for (let i = 0; i < REPEATS; i++) {
    const reqs = lists(pins.length, (p, j) => ({ method: 'POST', path: `/2fa/2/pin/${pins[(p * share + j) % pins.length]}/verify`, headers, body: '{"pin":"000000"}' }));
    const { result: r, cpu } = await measured(s.pids, () => loadAll(s.urls, reqs));
    if (r.non2xx || r.errors) throw new Error(`${s.name} verify: ${r.non2xx} non-2xx, ${r.errors} errors`);
    m.verify.push(r.rps); m.verifyP99.push(r.p99); m.verifyCpu.push(cpu);
  }
  return m;
}

/** Requests per CPU-second that open2fa and PostgreSQL used together, per run. */
const perCore = (cpu: Cpu[], rps: number[]) => cpu.map((c, i) => (rps[i] as number) / Math.max(0.01, c.servers + c.postgres));

/** Cores each party used (medians over the runs) and the CPU milliseconds one request cost open2fa and PostgreSQL. */
const fmtCpu = (cs: Cpu[], rps: number[]) => {
  const med = (f: (c: Cpu) => number) => median(cs.map(f));
  const perRequest = (f: (c: Cpu) => number) => median(cs.map((c, i) => (f(c) / (rps[i] as number)) * 1000)).toFixed(2);
  return `open2fa ${med((c) => c.servers).toFixed(2)}, PostgreSQL ${med((c) => c.postgres).toFixed(2)}, load generator ${med((c) => c.loadgen).toFixed(2)}, `
    + `anything else ${med((c) => c.other).toFixed(2)} cores; per request open2fa ${perRequest((c) => c.servers)} ms + PostgreSQL ${perRequest((c) => c.postgres)} ms CPU`;
};

export async function benchPostgres(): Promise<BenchSection> {
  const title = 'Horizontal scaling on PostgreSQL (sandbox SMS, --role api)';
  const unreachable = await postgresReachable();
  if (unreachable) return { title, figures: [], notes: [`Not run: PostgreSQL unreachable at ${PG_URL} (${unreachable}); set BENCH_DATABASE_URL.`] };

  ensureWrk();
  const figures: Figure[] = [];
  const notes: string[] = [];
  const results: [string, Measured][] = [];
  for (const start of [startSqlite, () => startPostgres(1), () => startPostgres(2)]) {
    const s = await start();
    try {
      console.log(`bench: postgres: ${s.name}…`);
      results.push([s.name, await measure(s)]);
    } finally {
      await s.stop();
    }
  }
  const [sqlite, pg1, pg2] = results.map(([name]) => name) as [string, string, string];
  for (const [name, m] of results) {
    const base = name === pg2 ? pg1 : name === pg1 ? sqlite : undefined;
    figures.push({ name: `${name}: send PIN by SMS`, unit: 'req/s', runs: m.send, ...(base ? { baseline: `${base}: send PIN by SMS` } : {}), ...(name === pg2 ? { note: 'target ≥ 1.6× one process' } : {}) });
    figures.push({ name: `${name}: send p99 at that load`, unit: 'ms', runs: m.sendP99 });
    figures.push({ name: `${name}: verify PIN`, unit: 'req/s', runs: m.verify, ...(base ? { baseline: `${base}: verify PIN` } : {}), ...(name === pg2 ? { note: 'target ≥ 1.6× one process' } : {}) });
    figures.push({ name: `${name}: verify p99 at that load`, unit: 'ms', runs: m.verifyP99 });
    // Requests per CPU-second of open2fa + PostgreSQL together: equal for one and two processes
    // means a second process adds no cross-process cost, so throughput grows with the cores given.
    if (name !== sqlite) {
      figures.push({ name: `${name}: sends per CPU-second (open2fa + PostgreSQL)`, unit: 'req/CPU-s', runs: perCore(m.sendCpu, m.send), ...(name === pg2 ? { baseline: `${pg1}: sends per CPU-second (open2fa + PostgreSQL)` } : {}) });
      figures.push({ name: `${name}: verifies per CPU-second (open2fa + PostgreSQL)`, unit: 'req/CPU-s', runs: perCore(m.verifyCpu, m.verify), ...(name === pg2 ? { baseline: `${pg1}: verifies per CPU-second (open2fa + PostgreSQL)` } : {}) });
    }
    notes.push(`CPU during ${name}: send — ${fmtCpu(m.sendCpu, m.send)}; verify — ${fmtCpu(m.verifyCpu, m.verify)}.`);
  }
  const ratio = (op: 'send' | 'verify') => median((results[2] as [string, Measured])[1][op]) / median((results[1] as [string, Measured])[1][op]);
  console.log(`bench: postgres: 2 processes / 1 process = send ${ratio('send').toFixed(2)}×, verify ${ratio('verify').toFixed(2)}× (target 1.6×)`);
  for (const n of notes) console.log(`bench: postgres: ${n}`);
  return {
    title,
    figures,
    notes: [
      `wrk (a C load generator, one thread, cycling through pre-generated requests; autocannon, in JavaScript, tops out near 35k req/s and took CPU from the servers) with ${CONNECTIONS} connections in total (two processes: two runs of ${CONNECTIONS / 2} in parallel, one per process, throughput summed, p99 = the worse of the two), ${DURATION} s per run, ${REPEATS} runs; p99 is at that saturating load, not at a fixed rate.`,
      'Each server runs with --role api (no worker: deliveries stay queued). PostgreSQL: the local server, a fresh schema per setup, 10 connections in total (pool size 10 for one process, 5 each for two), one application (every send also updates its per-application limit row).',
      `Send requests use a new destination each; verify requests send a wrong PIN to ${VERIFY_PINS} live PINs in turn.`,
      `The machine has ${cpus().length} cores shared by the open2fa processes, PostgreSQL, the load generator (wrk: one process per server, each one thread, counted together with the idle bench process) and whatever else runs ("anything else"); CPU is measured from /proc per party (cores = CPU seconds per wall second). When open2fa + PostgreSQL + load generator approach ${cpus().length} cores, a second process cannot add throughput: it only competes for the same cores.`,
      'Requests per CPU-second count the requests served per second of CPU that open2fa and PostgreSQL used together. Two processes at ≈ 1.0× of one means the second process adds no cross-process cost (no lock they queue on, no extra work per request): throughput then grows with the cores the processes and PostgreSQL are given — which this machine does not have to give.',
      ...notes,
    ],
  };
}
