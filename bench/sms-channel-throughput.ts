import { createSmsChannel } from '../src/channels/sms/index.ts';
import { smscConfig, smsMessage } from '../test/sms/helpers/channel-harness.ts';
import { startFakeSmsc } from '../test/sms/helpers/fake-smsc.ts';

/**
 * Submits per second through the SMS channel against the in-process SMSC (same process, same
 * event loop: the SMSC's own work is included, so these are lower bounds).
 *
 *   node --import tsx bench/sms-channel-throughput.ts [messages]
 */

const messages = Number(process.argv[2] ?? 4_000);
const quiet = { info: () => {}, warn: () => {} };

async function run(windowSize: number, smscLatencyMs: number): Promise<number> {
  const smsc = await startFakeSmsc({ responseDelayMs: smscLatencyMs });
  const channel = await createSmsChannel(
    { smscs: [smscConfig('bench', smsc.port, { windowSize, submitTimeoutMs: 30_000 })], routes: [] },
    { report: () => {}, now: Date.now, logger: quiet },
  );
  try {
    const started = process.hrtime.bigint();
    await Promise.all(Array.from({ length: messages }, () => channel.send(smsMessage(), AbortSignal.timeout(120_000))));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (smsc.maxOutstanding > windowSize) throw new Error(`window exceeded: ${smsc.maxOutstanding}`);
    return messages / seconds;
  } finally {
    await channel.close();
    await smsc.close();
  }
}

for (const latency of [0, 5]) {
  for (const windowSize of [10, 50]) {
    await run(windowSize, latency); // warm-up
    const rate = await run(windowSize, latency);
    console.log(`window ${String(windowSize).padStart(2)}, SMSC latency ${latency} ms: ${Math.round(rate)} submits/s (${messages} messages)`);
  }
}
