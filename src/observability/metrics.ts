import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Medium } from '../channels/contract.ts';
import type { ChannelTelemetry, SmppSessionSample } from '../channels/telemetry.ts';
import type { DeliveryTelemetry, FinalStage } from '../delivery/telemetry.ts';
import { CALL_STATUSES, MESSAGE_STATUSES } from '../domain/delivery-status.ts';
import { HttpMetrics } from './http-metrics.ts';

/**
 * The process's metrics: one Prometheus registry per open2fa instance (tests run several in one
 * process), the named instruments, and the telemetry interfaces channels and the worker call.
 * Every figure is per process; docs/operations.md shows how to sum them over N processes.
 *
 * Label values come from closed sets only: route patterns, status codes, channel names
 * (voice/sms/email), final status names from the catalogue (else "OTHER"), configured trunk and
 * SMSC names, SIP codes 100–699 (else "other") or "none".
 */

const STATUS_NAMES = new Set<string>([...CALL_STATUSES, ...Object.keys(MESSAGE_STATUSES)]);
const MEDIA: readonly Medium[] = ['voice', 'sms', 'email'];

export type VerifyResult = 'verified' | 'WRONG_PIN' | 'TTL_EXPIRED' | 'NO_MORE_PIN_ATTEMPTS' | 'PIN_ALREADY_VERIFIED';

export interface QueueSample { depth: number; oldestAgeMs: number }

export interface Metrics {
  registry: Registry;
  http: HttpMetrics;
  channels: ChannelTelemetry;
  delivery: DeliveryTelemetry;
  /** A send or resend was accepted (one delivery job, or a final refusal answered at once). */
  pinSent(medium: Medium): void;
  /** One verify answer; `medium` only for a verified PIN (the channel of its first delivery). */
  pinVerify(result: VerifyResult): void;
  pinVerified(medium: Medium | 'unknown'): void;
  /** The text format for GET /metrics. */
  render(): Promise<string>;
  contentType: string;
}

export interface MetricsDeps {
  /** Queue depth and age of the oldest due job, read on scrape; omit where there is no store. */
  sampleQueue?: () => Promise<QueueSample>;
  /** Node.js process metrics (CPU, memory, event-loop lag, GC); on by default. */
  processMetrics?: boolean;
}

export function createMetrics(deps: MetricsDeps = {}): Metrics {
  const registry = new Registry();
  if (deps.processMetrics !== false) collectDefaultMetrics({ register: registry });
  const http = new HttpMetrics();
  const HTTP_NAME = 'open2fa_http_request_duration_seconds';
  registry.registerMetric({
    name: HTTP_NAME,
    help: 'HTTP requests by method, route pattern and status: latency from request to response sent (_count = requests)',
    type: 'histogram',
    get: async () => ({ name: HTTP_NAME, help: '', type: 'histogram', values: http.values(HTTP_NAME), aggregator: 'sum' }),
  } as never);

  const r = { registers: [registry] };
  const pinsSent = new Counter({ ...r, name: 'open2fa_pins_sent_total', help: 'PIN sends and resends accepted, by channel', labelNames: ['channel'] });
  const verifyAnswers = new Counter({ ...r, name: 'open2fa_pin_verifications_total', help: 'Verify answers by result: verified or the pinError', labelNames: ['result'] });
  const pinsVerified = new Counter({ ...r, name: 'open2fa_pins_verified_total', help: 'Successful verifications, by the channel of the PIN\'s first delivery (a PIN that allows several verifications counts each)', labelNames: ['channel'] });
  const finals = new Counter({ ...r, name: 'open2fa_deliveries_final_total', help: 'Deliveries that reached a final status, by channel, status and who decided (send, channel, worker)', labelNames: ['channel', 'status', 'stage'] });
  const creditsRefused = new Counter({ ...r, name: 'open2fa_credits_refused_total', help: 'Deliveries refused because the account balance could not pay them, by channel and stage', labelNames: ['channel', 'stage'] });
  const attempts = new Histogram({
    ...r, name: 'open2fa_delivery_attempt_duration_seconds', help: 'Channel attempts by outcome (report, retry, failed): time from claim to outcome',
    labelNames: ['channel', 'outcome'], buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 120, 300],
  });
  const webhooks = new Counter({ ...r, name: 'open2fa_webhook_posts_total', help: 'Delivery-report POSTs by outcome: delivered, retry (will be retried), gave_up', labelNames: ['outcome'] });
  const sip = new Counter({ ...r, name: 'open2fa_sip_responses_total', help: 'Final SIP responses to INVITEs by trunk and code ("none": no response or transport failure)', labelNames: ['trunk', 'code'] });
  const calls = new Gauge({ ...r, name: 'open2fa_voice_calls_in_progress', help: 'Calls being placed or in progress, by trunk', labelNames: ['trunk'] });
  const rtpSent = new Counter({ ...r, name: 'open2fa_rtp_frames_sent_total', help: 'RTP frames sent in answered calls (counted when each call ends)' });
  const rtpLate = new Counter({ ...r, name: 'open2fa_rtp_frames_late_total', help: 'RTP frames sent more than 5 ms after their 20 ms slot (counted when each call ends)' });

  const smppSamplers: (() => SmppSessionSample[])[] = [];
  const sampled = () => smppSamplers.flatMap((s) => s());
  new Gauge({
    ...r, name: 'open2fa_smpp_window_in_use', help: 'submit_sm outstanding (sent, no response yet), by SMSC', labelNames: ['smsc'],
    collect() { this.reset(); for (const s of sampled()) this.set({ smsc: s.smsc }, s.windowInUse); },
  });
  new Gauge({
    ...r, name: 'open2fa_smpp_window_size', help: 'Configured window (most outstanding submit_sm), by SMSC', labelNames: ['smsc'],
    collect() { this.reset(); for (const s of sampled()) this.set({ smsc: s.smsc }, s.windowSize); },
  });
  new Gauge({
    ...r, name: 'open2fa_smpp_bound', help: '1 when the SMPP session is bound, else 0, by SMSC', labelNames: ['smsc'],
    collect() { this.reset(); for (const s of sampled()) this.set({ smsc: s.smsc }, s.bound ? 1 : 0); },
  });

  if (deps.sampleQueue) {
    const sample = deps.sampleQueue;
    let last: Promise<QueueSample | undefined> | undefined;
    // One store read per scrape for both gauges; a failed read leaves them out of the scrape.
    const read = () => (last ??= sample().catch(() => undefined).finally(() => setImmediate(() => { last = undefined; })));
    new Gauge({
      ...r, name: 'open2fa_queue_depth', help: 'Deliveries queued (due now or waiting for a retry); read from storage on scrape',
      async collect() { this.reset(); const q = await read(); if (q) this.set(q.depth); },
    });
    new Gauge({
      ...r, name: 'open2fa_queue_oldest_age_seconds', help: 'How long the oldest due delivery has waited; read from storage on scrape',
      async collect() { this.reset(); const q = await read(); if (q) this.set(q.oldestAgeMs / 1000); },
    });
  }

  const status = (s: string) => (STATUS_NAMES.has(s) ? s : 'OTHER');
  const sipCode = (c: number | undefined) => (c === undefined ? 'none' : c >= 100 && c <= 699 ? String(c) : 'other');
  const sent = Object.fromEntries(MEDIA.map((m) => [m, pinsSent.labels(m)])) as Record<Medium, { inc(): void }>;
  // Zero series from the start, so rate() and increase() see the first event of each channel.
  for (const channel of MEDIA) { pinsSent.inc({ channel }, 0); pinsVerified.inc({ channel }, 0); }

  return {
    registry,
    http,
    channels: {
      sipResponse: (trunk, code) => sip.inc({ trunk, code: sipCode(code) }),
      callStarted: (trunk) => calls.inc({ trunk }),
      callEnded: (trunk) => calls.dec({ trunk }),
      rtpFrames: (n, late) => { rtpSent.inc(n); rtpLate.inc(late); },
      smppSessions: (sample) => { smppSamplers.push(sample); },
    },
    delivery: {
      finalStatus(medium: Medium, s: string, stage: FinalStage) {
        finals.inc({ channel: medium, status: status(s), stage });
        if (s.endsWith('NOT_ENOUGH_CREDITS')) creditsRefused.inc({ channel: medium, stage });
      },
      attempt: (medium, outcome, seconds) => attempts.observe({ channel: medium, outcome }, seconds),
      webhook: (outcome) => webhooks.inc({ outcome }),
    },
    pinSent: (medium) => sent[medium].inc(),
    pinVerify: (result) => verifyAnswers.inc({ result }),
    pinVerified: (medium) => pinsVerified.inc({ channel: medium }),
    render: () => registry.metrics(),
    contentType: registry.contentType,
  };
}
