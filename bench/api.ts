/**
 * API throughput and latency on SQLite (issue 7 §2): send-PIN (voice and SMS, sandbox) and
 * verify, against a bare node:http server answering a same-sized JSON body in the same run.
 * The server runs with --role api (deliveries stay queued), so the figure is the API's own.
 */
import { api, load, median, startChild, startOpen2fa, type BenchSection, type Figure, BOOTSTRAP_KEY } from './lib.ts';

const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
const DURATION = Number(process.env.BENCH_SECONDS ?? 5);

export async function benchApi(): Promise<BenchSection> {
  const figures: Figure[] = [];
  const headers = { authorization: `App ${BOOTSTRAP_KEY}`, 'content-type': 'application/json' };

  const baseline = await startChild(['bench/baseline-server.mjs']);
  const ceiling: number[] = [];
  for (let i = 0; i < REPEATS; i++) ceiling.push((await load({ url: baseline.url, method: 'POST', headers, body: '{"pin":"1234"}', duration: DURATION })).rps);
  await baseline.stop();
  figures.push({ name: 'node:http ceiling (same-sized JSON)', unit: 'req/s', runs: ceiling });

  const o2 = await startOpen2fa({ role: 'api' });
  try {
    const app = await api(o2.url, 'POST', '/2fa/2/applications', {
      name: 'bench', configuration: { pinAttempts: 1000, verifyPinLimit: '1000000/1s', sendPinPerApplicationLimit: '100000000/1d', sendPinPerPhoneNumberLimit: '1000/1d' },
    });
    const tpl = await api(o2.url, 'POST', `/2fa/2/applications/${app.applicationId}/messages`, { pinType: 'NUMERIC', pinLength: 6, messageText: 'Your code is {{pin}}', repeatDTMF: '1#' });
    let n = 0;
    const sendBody = () => JSON.stringify({ applicationId: app.applicationId, messageId: tpl.messageId, to: String(41790000000 + (n++ % 5_000_000)) });
    for (const [name, path] of [['send PIN by voice', '/2fa/2/pin/voice'], ['send PIN by SMS', '/2fa/2/pin']] as const) {
      const runs: number[] = [];
      const p99: number[] = [];
      for (let i = 0; i < REPEATS; i++) {
        const r = await load({ url: `${o2.url}${path}`, method: 'POST', headers, duration: DURATION, requests: [{ setupRequest: (req) => ({ ...req, body: sendBody() }) }] });
        if (r.non2xx || r.errors) throw new Error(`${name}: ${r.non2xx} non-2xx, ${r.errors} errors`);
        runs.push(r.rps);
        p99.push(r.p99);
      }
      figures.push({ name, unit: 'req/s', runs, baseline: 'node:http ceiling (same-sized JSON)' });
      const half = Math.round(median(runs) / 2);
      const lat = await load({ url: `${o2.url}${path}`, method: 'POST', headers, duration: DURATION, overallRate: half, requests: [{ setupRequest: (req) => ({ ...req, body: sendBody() }) }] });
      figures.push({ name: `${name}: p50 latency at ${half} req/s (half of max)`, unit: 'ms', runs: [lat.p50] });
      figures.push({ name: `${name}: p99 latency at ${half} req/s (half of max)`, unit: 'ms', runs: [lat.p99], note: 'target < 25 ms' });
    }

    // Verify: wrong PINs spread over many live PINs (each request takes an attempt and a rate-limit slot).
    const pins: string[] = [];
    for (let i = 0; i < 2000; i++) pins.push((await api(o2.url, 'POST', '/2fa/2/pin', { applicationId: app.applicationId, messageId: tpl.messageId, to: String(41780000000 + i) })).pinId);
    let k = 0;
    const verifyReq = () => ({ method: 'POST' as const, path: `/2fa/2/pin/${pins[k++ % pins.length]}/verify`, headers, body: '{"pin":"000000"}' });
    const vruns: number[] = [];
    for (let i = 0; i < REPEATS; i++) {
      const r = await load({ url: o2.url, duration: DURATION, requests: [{ setupRequest: (req) => ({ ...req, ...verifyReq() }) }] });
      if (r.errors) throw new Error(`verify: ${r.errors} errors`);
      vruns.push(r.rps);
    }
    figures.push({ name: 'verify PIN', unit: 'req/s', runs: vruns, baseline: 'node:http ceiling (same-sized JSON)' });
    const vhalf = Math.round(median(vruns) / 2);
    const vlat = await load({ url: o2.url, duration: DURATION, overallRate: vhalf, requests: [{ setupRequest: (req) => ({ ...req, ...verifyReq() }) }] });
    figures.push({ name: `verify PIN: p50 latency at ${vhalf} req/s (half of max)`, unit: 'ms', runs: [vlat.p50] });
    figures.push({ name: `verify PIN: p99 latency at ${vhalf} req/s (half of max)`, unit: 'ms', runs: [vlat.p99], note: 'target < 25 ms' });
  } finally {
    await o2.stop();
  }
  return {
    title: 'HTTP API on SQLite (one process, sandbox, --role api)',
    figures,
    notes: [
      `autocannon, 32 connections, ${DURATION} s per run, ${REPEATS} runs; server and load generator each in their own process on loopback.`,
      'Targets: send ≥ 0.30× and verify ≥ 0.40× of the node:http ceiling; p99 < 25 ms at half the maximum rate.',
      'Send requests use a new destination each (no per-number limit hit); verify requests send a wrong PIN to 2000 live PINs in turn.',
    ],
  };
}
