import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { ChannelError, type DeliveryChannel, type DeliveryReport, type Medium } from '../channels/contract.ts';
import type { ClaimedDelivery, Clock, Store } from '../domain/ports.ts';
import type { DeliveryRecord } from '../domain/records.ts';
import { failureStatus, toOutboundMessage } from './outbound-message.ts';
import { noDeliveryTelemetry, type DeliveryTelemetry, type FinalStage } from './telemetry.ts';

export interface WorkerOptions {
  concurrency: number;
  maxAttempts: number;
  leaseMs: number;
  pollMs: number;
  retryBaseMs: number;
  receiptTimeoutMs: number;
  retentionMs: number;
}

export interface WorkerDeps {
  store: Store;
  clock: Clock;
  secret: Buffer;
  channelFor(medium: Medium): DeliveryChannel;
  logger: { info(o: object, m?: string): void; warn(o: object, m?: string): void; error(o: object, m?: string): void };
  /** Called once per tracked delivery (trackDelivery) when it reaches its final status: delivery reports. */
  onFinal?(delivery: DeliveryRecord): void;
  /** Attempts, retries and final statuses for /metrics; default no-op. */
  telemetry?: DeliveryTelemetry;
}

/**
 * Runs queued deliveries: claims jobs with a lease, keeps the lease alive while a channel works
 * (a call can last minutes), records the report, retries retryable failures with exponential
 * backoff and ends every job in a final status — after maxAttempts claims at the latest.
 */
export function createDeliveryWorker(deps: WorkerDeps, opts: WorkerOptions) {
  const { store, clock, logger } = deps;
  const telemetry = deps.telemetry ?? noDeliveryTelemetry;
  const owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const running = new Map<string, { promise: Promise<void>; abort: AbortController }>();
  let stopping = false;
  let started = false;
  /** The claim loop in progress, if any: a tick asked for meanwhile joins it (it loops once more). */
  let ticking: Promise<void> | undefined;
  let again = false;
  let poll: NodeJS.Timeout | undefined;
  let housekeeping: NodeJS.Timeout | undefined;

  function tick(): Promise<void> {
    if (ticking) { again = true; return ticking; }
    ticking = claimLoop().finally(() => { ticking = undefined; });
    return ticking;
  }

  async function claimLoop(): Promise<void> {
    try {
      do {
        again = false;
        const free = opts.concurrency - running.size;
        if (stopping || free <= 0) break;
        const claimed = await store.claimDeliveries(owner, clock.now(), opts.leaseMs, free);
        for (const job of claimed) start(job);
        if (claimed.length === free) again = true;
      } while (again && !stopping);
    } catch (err) {
      logger.error({ err }, 'claiming deliveries failed; retrying at the next poll');
    }
  }

  function start(job: ClaimedDelivery): void {
    const abort = new AbortController();
    const promise = run(job, abort.signal)
      .catch((err) => logger.error({ err, ...logFields(job.delivery) }, 'delivery bookkeeping failed'))
      .finally(() => { running.delete(job.delivery.id); if (!stopping) void tick(); });
    running.set(job.delivery.id, { promise, abort });
  }

  async function run(job: ClaimedDelivery, signal: AbortSignal): Promise<void> {
    const d = job.delivery;
    if (d.attempts > opts.maxAttempts) return finish(d, failureStatus(d.medium, 'failed'), `gave up after ${opts.maxAttempts} attempts`);
    if (clock.now() >= job.pin.expiresAt) return finish(d, failureStatus(d.medium, 'expired'), 'the PIN expired before it could be delivered');
    const channel = deps.channelFor(d.medium);
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    const heartbeat = setInterval(() => {
      void store.extendLease(d.id, owner, clock.now() + opts.leaseMs).catch(() => undefined);
    }, Math.max(500, opts.leaseMs / 3));
    try {
      const report = await channel.send(toOutboundMessage(job, deps.secret), signal);
      if (signal.aborted) return handBack(d, 'interrupted by shutdown');
      telemetry.attempt(d.medium, 'report', seconds());
      logger.info({
        ...logFields(d), attempt: d.attempts, status: report.status, final: report.final, ...(report.resultCode ? { resultCode: report.resultCode } : {}), ms: Math.round(seconds() * 1000),
      }, 'delivery attempt finished');
      await record(d, owner, { ...report, channelId: channel.id }, 'channel');
    } catch (err) {
      if (signal.aborted) return handBack(d, 'interrupted by shutdown');
      const retryable = err instanceof ChannelError ? err.retryable : true;
      const detail = err instanceof Error ? err.message : String(err);
      if (retryable && d.attempts < opts.maxAttempts) {
        const delay = opts.retryBaseMs * 2 ** (d.attempts - 1);
        telemetry.attempt(d.medium, 'retry', seconds());
        logger.warn({ ...logFields(d), attempt: d.attempts, delayMs: delay, detail }, 'delivery failed; will retry');
        await store.retryLater(d.id, owner, clock.now() + delay, detail, clock.now());
      } else {
        const reason = err instanceof ChannelError && (err.code === 'UNAVAILABLE' || err.code === 'TIMEOUT') ? 'unavailable' : 'failed';
        telemetry.attempt(d.medium, 'failed', seconds());
        logger.warn({ ...logFields(d), attempt: d.attempts, detail }, 'delivery failed; giving up');
        await finish(d, failureStatus(d.medium, reason), detail, channel.id);
      }
    } finally {
      clearInterval(heartbeat);
    }
  }

  /**
   * Shutdown interrupted the delivery: the job goes back to the queue at once for another
   * worker (or this one after a restart). An interrupted call may be placed again; see
   * docs/deployment.md for the exact cases.
   */
  async function handBack(d: DeliveryRecord, detail: string): Promise<void> {
    await store.retryLater(d.id, owner, clock.now(), detail, clock.now());
  }

  async function finish(d: DeliveryRecord, status: string, detail: string, channelId = 'open2fa'): Promise<void> {
    await record(d, owner, { status, final: true, reached: false, detail, endedAt: clock.now(), channelId }, 'worker');
  }

  async function record(d: DeliveryRecord, by: string | null, report: DeliveryReport & { channelId: string }, stage: FinalStage): Promise<void> {
    const ok = await store.recordReport(d.id, by, report, clock.now());
    if (!ok) return;
    if (report.final) telemetry.finalStatus(d.medium, report.status, stage);
    // Only tracked deliveries have anyone to tell; skip the read for the rest.
    if (report.final && deps.onFinal && d.trackDelivery) {
      const updated = await store.getDelivery(d.id);
      if (updated) deps.onFinal(updated);
    }
  }

  // A first prune of a large backlog can outlast the minute between sweeps: never run two at once.
  let sweeping = false;
  async function sweep(): Promise<void> {
    if (sweeping) return;
    sweeping = true;
    try { await sweepOnce(); } finally { sweeping = false; }
  }

  async function sweepOnce(): Promise<void> {
    const now = clock.now();
    // Only SMS deliveries wait for a receipt; each one that times out ends as UNKNOWN.
    const expired = await store.expireWaiting(now - opts.receiptTimeoutMs, 'UNKNOWN', now);
    for (let i = 0; i < expired; i++) telemetry.finalStatus('sms', 'UNKNOWN', 'worker');
    await store.pruneBefore(now, opts.retentionMs);
  }

  return {
    owner,
    start() {
      started = true;
      poll = setInterval(() => void tick(), opts.pollMs);
      housekeeping = setInterval(() => void sweep().catch((err) => logger.warn({ err }, 'housekeeping failed')), 60_000);
      poll.unref(); housekeeping.unref();
      void tick();
    },
    /** Wakes the worker right after a send commits, instead of waiting for the next poll. */
    poke() { if (started && !stopping) setImmediate(() => void tick()); },
    /** A late report from a channel (an SMS receipt). */
    async report(deliveryId: string, report: DeliveryReport) {
      const d = await store.getDelivery(deliveryId);
      if (d) {
        if (report.final) logger.info({ ...logFields(d), status: report.status, ...(report.resultCode ? { resultCode: report.resultCode } : {}) }, 'delivery final report');
        await record(d, null, { ...report, channelId: d.channelId ?? 'unknown' }, 'channel');
      }
    },
    /** Runs until nothing is due and nothing runs (CLI and tests). */
    async drain(timeoutMs = 30_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        await tick();
        if (running.size === 0 && (await store.countQueued(Number.MAX_SAFE_INTEGER)).depth === 0) return;
        if (Date.now() > until) throw new Error('deliveries did not finish in time');
        await Promise.race([...[...running.values()].map((r) => r.promise), new Promise((r) => setTimeout(r, 20))]);
      }
    },
    /** Stops claiming, lets running deliveries finish within graceMs, then aborts the rest. */
    async stop(graceMs: number) {
      stopping = true;
      clearInterval(poll); clearInterval(housekeeping);
      const all = Promise.allSettled([...running.values()].map((r) => r.promise));
      const timer = setTimeout(() => { for (const r of running.values()) r.abort.abort(new Error('shutting down')); }, graceMs);
      await all;
      clearTimeout(timer);
    },
    inFlight: () => running.size,
  };
}

export type DeliveryWorker = ReturnType<typeof createDeliveryWorker>;

/** What every worker line about a delivery carries: its id, its PIN's id and the channel (never the number or the PIN). */
function logFields(d: DeliveryRecord) {
  return { deliveryId: d.id, pinId: d.pinId, channel: d.medium };
}
