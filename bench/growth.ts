/**
 * Growth (issue 7 §4): does anything degrade with history? For a base history and 10×, 100× and
 * 1,000× of it (1,000 PINs over 10 applications up to a year of 1M PINs over 10,000
 * applications, with their deliveries, captures, windows, keys and reports: bench/growth-seed.ts),
 * open2fa (SQLite, --role api) serves send, verify, PIN status and the verifications list under
 * wrk (as in the API section: autocannon took CPU from the server and made these figures noisy);
 * then, with the server stopped, the store's delivery claim and the retention prune are timed in
 * this process. Every figure is compared with the same figure on the base history of the same run.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { closeSync, existsSync, fsyncSync, mkdtempSync, openSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createSqliteStore } from '../src/storage/sqlite/sqlite-store.ts';
import { api, BOOTSTRAP_KEY, startChild, wrkLoad, type BenchSection, type Child, type Figure } from './lib.ts';
import { seedHistory } from './growth-seed.ts';

const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
const DURATION = Number(process.env.BENCH_SECONDS ?? 5);
/** Send bodies pre-generated per wrk run (cycled), each to its own number: more than a run sends. */
const SEND_BODIES = 60_000;
const SIZES = (process.env.BENCH_GROWTH_SIZES ?? '1,10,100,1000').split(',').map(Number);
const BASE_PINS = 1_000;
const BASE_APPS = 10;
const RETENTION_MS = 30 * 86_400_000; // config retentionMs default
const MSISDN = '41780000001';
const headers = { authorization: `App ${BOOTSTRAP_KEY}`, 'content-type': 'application/json' };
const getHeaders = { authorization: `App ${BOOTSTRAP_KEY}` };
const sizeLabel = (x: number) => (x === 1 ? 'base' : `${x.toLocaleString('en-US')}×`);

function serve(dataDir: string): Promise<Child> {
  return startChild(['bin/open2fa.js', 'serve', '--role', 'api'], {
    PORT: '0', HOST: '127.0.0.1', OPEN2FA_DATA_DIR: dataDir, OPEN2FA_BOOTSTRAP_API_KEY: BOOTSTRAP_KEY, OPEN2FA_LOG_LEVEL: 'warn',
  });
}

interface Measured { metric: string; unit: string; runs: number[]; lowerIsBetter?: boolean }

/** One history size: seed, serve and load, then the store's own work. */
async function measureSize(x: number, notes: string[]): Promise<Measured[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'open2fa-growth-'));
  const file = join(dataDir, 'open2fa.sqlite');
  const out: Measured[] = [];
  try {
    let server = await serve(dataDir);
    const app = await api(server.url, 'POST', '/2fa/2/applications', {
      name: 'bench', configuration: { pinAttempts: 1000, verifyPinLimit: '1000000/1s', sendPinPerApplicationLimit: '100000000/1d', sendPinPerPhoneNumberLimit: '1000/1d' },
    });
    const tpl = await api(server.url, 'POST', `/2fa/2/applications/${app.applicationId}/messages`, { pinType: 'NUMERIC', pinLength: 6, messageText: 'Your code is {{pin}}' });
    await server.stop();
    const seeded = seedHistory(file, { pins: BASE_PINS * x, apps: BASE_APPS * x, benchAppId: app.applicationId, now: Date.now() });
    // The seed writes without syncing: up to 2 GB would still wait in the OS's dirty pages, and the
    // server's first checkpoint (which syncs the file) would pay for writing them all out — a
    // stall of the seed's making (one run's p99 was 750 ms), not of a year-old database.
    const fd = openSync(file, 'r+');
    fsyncSync(fd);
    closeSync(fd);
    const sizeMb = (statSync(file).size + (existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : 0)) / 2 ** 20;
    notes.push(`${sizeLabel(x)}: ${seeded.pins.toLocaleString('en-US')} PINs over ${seeded.apps.toLocaleString('en-US')} applications, ${seeded.rows.toLocaleString('en-US')} rows in all, ${sizeMb.toFixed(0)} MB, seeded in ${seeded.seconds.toFixed(1)} s.`);

    server = await serve(dataDir);
    try {
      for (let i = 0; i < 5; i++) await api(server.url, 'POST', '/2fa/2/pin', { applicationId: app.applicationId, messageId: tpl.messageId, to: MSISDN });
      let n = 0;
      const sendBody = () => JSON.stringify({ applicationId: app.applicationId, messageId: tpl.messageId, to: String(41770000000 + x * 100_000 + (n++ % 99_999)) });
      const since = Date.now();
      const runLoad = async (metric: string, requests: Parameters<typeof wrkLoad>[0]['requests']) => {
        const rps: number[] = [];
        const p99: number[] = [];
        for (let i = 0; i < REPEATS; i++) {
          const r = await wrkLoad({ url: server.url, duration: DURATION, requests });
          if (r.errors || r.non2xx) throw new Error(`${metric} at ${sizeLabel(x)}: ${r.non2xx} non-2xx, ${r.errors} errors`);
          rps.push(r.rps);
          p99.push(r.p99);
        }
        out.push({ metric, unit: 'req/s', runs: rps }, { metric: `${metric}: p99 latency at that load`, unit: 'ms', runs: p99, lowerIsBetter: true });
      };
      await runLoad('send PIN by SMS', { count: SEND_BODIES, make: () => ({ method: 'POST', path: '/2fa/2/pin', headers, body: sendBody() }) });
      const ro = new Database(file, { readonly: true });
      const pins = (ro.prepare('SELECT id FROM pins WHERE application_id = ? AND created_at >= ? ORDER BY created_at DESC LIMIT 1000').all(app.applicationId, since) as { id: string }[]).map((r) => r.id);
      ro.close();
      await runLoad('verify PIN', pins.map((id) => ({ method: 'POST', path: `/2fa/2/pin/${id}/verify`, headers, body: '{"pin":"000000"}' })));
      await runLoad('PIN status', pins.map((id) => ({ method: 'GET', path: `/2fa/2/pin/${id}/status`, headers: getHeaders })));
      await runLoad('verifications list', [{ method: 'GET', path: `/2fa/2/applications/${app.applicationId}/verifications?msisdn=${MSISDN}`, headers: getHeaders }]);
    } finally {
      await server.stop();
    }
    out.push(...await storeWork(file, x, notes));
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  return out;
}

/** The worker's claim with a constant backlog, the first prune of a year, then the per-minute prune. */
async function storeWork(file: string, x: number, notes: string[]): Promise<Measured[]> {
  const db = new Database(file);
  const now = Date.now();
  // The sends above left their deliveries queued (no worker): finish them, then queue exactly 1,000.
  db.prepare("UPDATE deliveries SET state = 'done', final = 1 WHERE state <> 'done'").run();
  db.prepare(`INSERT INTO deliveries (id, pin_id, account_id, application_id, medium, destination, sender, content, state, status,
      final, reached, attempts, next_attempt_at, created_at, updated_at, track_delivery)
    SELECT hex(randomblob(16)), id, account_id, application_id, 'sms', destination, NULL, '{"textParts":["",""]}', 'queued', 'PENDING_ENROUTE',
      0, 0, 0, @now - 1000, @now, @now, 0 FROM pins ORDER BY rowid DESC LIMIT 1000`).run({ now });
  db.close();
  const store = createSqliteStore(file);
  try {
    const claim: number[] = [];
    let t = now;
    for (let run = 0; run < Math.max(REPEATS, 3); run++) {
      const started = performance.now();
      for (let i = 0; i < 100; i++) { t += 2; await store.claimDeliveries('bench', t, 1, 50); }
      claim.push((performance.now() - started) / 100);
    }
    // The prune runs in batches with the event loop served between them: the longest stall is
    // how long a request could wait behind it.
    const stalls = monitorEventLoopDelay({ resolution: 5 });
    stalls.enable();
    const startedPrune = performance.now();
    const pruned = await store.pruneBefore(now, RETENTION_MS);
    const first = performance.now() - startedPrune;
    stalls.disable();
    notes.push(`${sizeLabel(x)}: the first prune with the default retention (30 days) deleted ${pruned.toLocaleString('en-US')} rows in ${(first / 1000).toFixed(2)} s, in batches; the event loop was never held longer than ${(stalls.max / 1e6).toFixed(0)} ms.`);
    const steady: number[] = [];
    for (let m = 1; m <= 10; m++) {
      const started = performance.now();
      await store.pruneBefore(now + m * 60_000, RETENTION_MS);
      steady.push(performance.now() - started);
    }
    return [
      { metric: 'worker claim of 50 deliveries (backlog of 1,000)', unit: 'ms', runs: claim, lowerIsBetter: true },
      { metric: 'first prune of the year (default retention)', unit: 'ms', runs: [first], lowerIsBetter: true },
      { metric: 'prune, once a minute afterwards', unit: 'ms', runs: steady, lowerIsBetter: true },
    ];
  } finally {
    await store.close();
  }
}

export async function benchGrowth(): Promise<BenchSection> {
  const notes: string[] = [];
  const bySize = new Map<number, Measured[]>();
  for (const x of SIZES) {
    console.log(`bench: growth ${sizeLabel(x)}…`);
    bySize.set(x, await measureSize(x, notes));
  }
  const figures: Figure[] = [];
  const base = SIZES[0] as number;
  for (const m of bySize.get(base) ?? []) {
    for (const x of SIZES) {
      const f = bySize.get(x)?.find((o) => o.metric === m.metric);
      if (!f) continue;
      const name = `${m.metric}, ${sizeLabel(x)} history`;
      figures.push({ name, unit: f.unit, runs: f.runs, series: m.metric, x, ...(x === base ? {} : { baseline: `${m.metric}, ${sizeLabel(base)} history` }), ...(m.lowerIsBetter ? { lowerIsBetter: true } : {}) });
    }
  }
  return {
    title: 'Growth: a year of history (SQLite, one process)',
    figures,
    plots: ['growth'],
    notes: [
      `History sizes: base = ${BASE_PINS.toLocaleString('en-US')} PINs over ${BASE_APPS} applications, then ${SIZES.slice(1).map(sizeLabel).join(', ')} of it; 1,000× is a year of a busy deployment (about 2,700 PINs a day every day, 10,000 applications). Each size is a fresh data directory made by the real migrations; the history is inserted with SQL (bench/growth-seed.ts) and has never been pruned. The ratio compares a figure with the same figure on the base history, measured in the same run.`,
      `API figures: wrk -t1 -c32, ${DURATION} s per run, ${REPEATS} runs per figure, pre-generated requests cycled (as in the API section); p99 is at that saturating load. Verify and PIN status go round the last 1,000 PINs the send runs created; the verifications list asks for a number with 5 PINs of its own.`,
      'Store figures, in the benchmark process with the server stopped: the worker\'s claim (50 at a time, 100 claims per run) with exactly 1,000 queued deliveries at every size; the first prune of the whole year with the default retention (one run: it can only happen once); then the prune the worker runs every minute.',
      ...notes,
    ],
  };
}
