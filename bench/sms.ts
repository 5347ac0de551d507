/**
 * SMS end to end (issue 4): sustained submit_sm rate through open2fa's HTTP API to an SMSC on
 * loopback, against the SMSC's own ceiling measured in the same run by a client that only submits
 * (open2fa's SMPP session straight, no HTTP, no queue, no database).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSmsChannel } from '../src/channels/sms/index.ts';
import { smscConfig, smsMessage } from '../test/sms/helpers/channel-harness.ts';
import { startFakeSmsc } from '../test/sms/helpers/fake-smsc.ts';
import { api, BOOTSTRAP_KEY, load, startOpen2fa, type BenchSection, type Figure } from './lib.ts';

const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const quiet = { info: () => {}, warn: () => {} };

/** Submits per second in a steady window, counted at the SMSC. */
async function submitRate(count: () => number, run: () => Promise<unknown>): Promise<number> {
  const running = run();
  await new Promise((r) => setTimeout(r, 1000));
  const [n0, t0] = [count(), performance.now()];
  await new Promise((r) => setTimeout(r, (SECONDS - 2) * 1000));
  const rate = ((count() - n0) * 1000) / (performance.now() - t0);
  await running;
  return rate;
}

export async function benchSms(): Promise<BenchSection> {
  const figures: Figure[] = [];
  const smsc = await startFakeSmsc();
  try {
    const ceiling: number[] = [];
    for (let i = 0; i < REPEATS; i++) {
      const channel = await createSmsChannel({ smscs: [smscConfig('ceiling', smsc.port, { windowSize: 50, submitTimeoutMs: 30_000 })], routes: [] },
        { report: () => {}, now: Date.now, logger: quiet });
      const until = Date.now() + SECONDS * 1000;
      const worker = async () => { while (Date.now() < until) await channel.send(smsMessage(), AbortSignal.timeout(30_000)); };
      ceiling.push(await submitRate(() => smsc.submits.length, () => Promise.all(Array.from({ length: 200 }, worker))));
      await channel.close();
    }
    figures.push({ name: 'SMSC ceiling: submit-only client, window 50', unit: 'submit_sm/s', runs: ceiling });

    const dir = mkdtempSync(join(tmpdir(), 'open2fa-bench-sms-'));
    const configFile = join(dir, 'open2fa.json');
    writeFileSync(configFile, JSON.stringify({
      sms: { smscs: [{ name: 'bench', host: '127.0.0.1', port: smsc.port, systemId: 'open2fa', password: 'secret', windowSize: 50 }], routes: [] },
      delivery: { concurrency: 256 },
    }));
    const o2 = await startOpen2fa({ role: 'all', env: { OPEN2FA_CONFIG: configFile } });
    try {
      const app = await api(o2.url, 'POST', '/2fa/2/applications', { name: 'bench', configuration: { sendPinPerApplicationLimit: '100000000/1d', sendPinPerPhoneNumberLimit: '1000/1d' } });
      const tpl = await api(o2.url, 'POST', `/2fa/2/applications/${app.applicationId}/messages`, { pinType: 'NUMERIC', pinLength: 6, messageText: 'Your code is {{pin}}', senderId: 'open2fa' });
      let n = 0;
      const body = () => JSON.stringify({ applicationId: app.applicationId, messageId: tpl.messageId, to: String(41790000000 + (n++ % 5_000_000)) });
      const e2e: number[] = [];
      const accepted: number[] = [];
      for (let i = 0; i < REPEATS; i++) {
        const before = smsc.submits.length;
        let rps = 0;
        e2e.push(await submitRate(() => smsc.submits.length, async () => {
          const r = await load({ url: `${o2.url}/2fa/2/pin`, method: 'POST', duration: SECONDS, headers: { authorization: `App ${BOOTSTRAP_KEY}`, 'content-type': 'application/json' },
            requests: [{ setupRequest: (req) => ({ ...req, body: body() }) }] });
          if (r.non2xx || r.errors) throw new Error(`sms send: ${r.non2xx} non-2xx, ${r.errors} errors`);
          rps = r.rps;
        }));
        accepted.push(rps);
        // Let the queue drain before the next run, so runs don't overlap.
        for (let k = 0; k < 300 && smsc.submits.length - before < rps * SECONDS * 0.98; k++) await new Promise((r) => setTimeout(r, 100));
      }
      figures.push({ name: 'PIN SMS end to end: HTTP send → queue → SMPP submit_sm', unit: 'submit_sm/s', runs: e2e, baseline: 'SMSC ceiling: submit-only client, window 50', note: 'target ≥ 1,000/s' });
      figures.push({ name: 'PIN SMS accepted by the HTTP API in the same runs', unit: 'req/s', runs: accepted });
    } finally {
      await o2.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    await smsc.close();
  }
  return {
    title: 'SMS over SMPP, end to end (SQLite, one process)',
    figures,
    notes: [
      `The SMSC is the \`smpp\` package's server in the benchmark process; open2fa runs in its own process (role all: API and worker) with window 50 and delivery concurrency 256; autocannon 32 connections, ${SECONDS} s per run, ${REPEATS} runs.`,
      'Submits are counted at the SMSC over the steady part of each run (from 1 s in to 1 s before the end).',
    ],
  };
}
