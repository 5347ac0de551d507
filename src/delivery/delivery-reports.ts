import { createHmac, randomBytes } from 'node:crypto';
import { newUuid } from '../domain/ids.ts';
import type { Clock, Store } from '../domain/ports.ts';
import type { DeliveryRecord, WebhookEvent } from '../domain/records.ts';
import { noDeliveryTelemetry, type DeliveryTelemetry } from './telemetry.ts';

export interface ReportOptions {
  maxAttempts: number;
  /** Infobip's schedule: the n-th retry waits unit + unit × n² (unit = 1 min). */
  retryUnitMs: number;
  timeoutMs: number;
  pollMs: number;
}

/**
 * Delivery reports (`trackDelivery: true`): when a delivery reaches its final status, an event is
 * written to a durable outbox and POSTed to the application's notifyUrl, signed with
 * HMAC-SHA256(application webhook secret, body) in `X-Open2fa-Signature: sha256=<hex>`, with the
 * event id in `X-Open2fa-Event-Id` for de-duplication. Failures retry on Infobip's schedule.
 */
export function createDeliveryReports(
  deps: { store: Store; clock: Clock; logger: { warn(o: object, m?: string): void }; telemetry?: DeliveryTelemetry },
  opts: ReportOptions,
) {
  const { store, clock } = deps;
  const telemetry = deps.telemetry ?? noDeliveryTelemetry;
  const owner = `reports:${process.pid}:${randomBytes(4).toString('hex')}`;
  let timer: NodeJS.Timeout | undefined;
  let busy = false;

  async function enqueue(d: DeliveryRecord): Promise<void> {
    if (!d.trackDelivery || !d.final) return;
    const app = await store.getApplication(d.accountId, d.applicationId);
    if (!app?.notifyUrl) return;
    const now = clock.now();
    const event: WebhookEvent = {
      id: newUuid(), accountId: d.accountId, applicationId: d.applicationId, deliveryId: d.id, url: app.notifyUrl,
      body: '', state: 'pending', attempts: 0, nextAttemptAt: now, lastError: null, createdAt: now,
    };
    event.body = JSON.stringify(reportBody(event.id, d));
    await store.enqueueWebhook(event);
    poke();
  }

  async function dispatch(): Promise<void> {
    if (busy) return;
    busy = true;
    try {
      const events = await store.claimWebhooks(owner, clock.now(), opts.timeoutMs * 2, 20);
      await Promise.all(events.map(post));
    } catch (err) {
      deps.logger.warn({ err }, 'delivery report dispatch failed');
    } finally {
      busy = false;
    }
  }

  async function post(event: WebhookEvent): Promise<void> {
    const app = await store.getApplication(event.accountId, event.applicationId);
    let error: string | undefined;
    try {
      const res = await fetch(event.url, {
        method: 'POST', body: event.body, signal: AbortSignal.timeout(opts.timeoutMs),
        headers: {
          'content-type': 'application/json', 'x-open2fa-event-id': event.id,
          'x-open2fa-signature': `sha256=${sign(app?.webhookSecret ?? '', event.body)}`,
        },
      });
      if (!res.ok) error = `HTTP ${res.status}`;
      await res.body?.cancel();
    } catch (err) {
      error = (err as Error).message;
    }
    const n = event.attempts;
    const giveUp = error !== undefined && n >= opts.maxAttempts;
    telemetry.webhook(error === undefined ? 'delivered' : giveUp ? 'gave_up' : 'retry');
    // The URL is the customer's and may carry credentials in its query: it stays out of the logs.
    if (error) deps.logger.warn({ eventId: event.id, deliveryId: event.deliveryId, attempt: n, error: error.slice(0, 300), giveUp }, 'delivery report not accepted');
    await store.finishWebhook(event.id, owner, {
      delivered: error === undefined, giveUp, nextAttemptAt: clock.now() + opts.retryUnitMs + opts.retryUnitMs * n * n,
      ...(error ? { error } : {}),
    }, clock.now());
  }

  function poke() { setImmediate(() => void dispatch()); }

  return {
    enqueue,
    start() { timer = setInterval(() => void dispatch(), opts.pollMs); timer.unref(); },
    stop() { clearInterval(timer); },
    poke,
  };
}

export function sign(secret: string, body: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

function reportBody(eventId: string, d: DeliveryRecord) {
  const field = d.medium === 'voice' ? 'callStatus' : d.medium === 'sms' ? 'smsStatus' : 'emailStatus';
  const iso = (ms: number | null) => (ms === null ? undefined : new Date(ms).toISOString());
  return {
    results: [{
      eventId, messageId: d.externalMessageId, pinId: d.pinId, applicationId: d.applicationId, channel: d.medium, to: d.to,
      ...(d.senderUsed ?? d.sender ? { from: d.senderUsed ?? d.sender } : {}),
      status: { name: d.status, final: true }, [field]: d.status,
      ...(d.resultCode ? { resultCode: d.resultCode } : {}),
      sentAt: iso(d.createdAt), doneAt: iso(d.endedAt ?? d.updatedAt),
      ...(d.dtmfRepeats !== null ? { dtmfRepeats: d.dtmfRepeats } : {}),
      ...(d.amdVerdict ? { answeringMachine: d.amdVerdict } : {}),
      ...(d.price !== null ? { price: { amount: d.price } } : {}),
    }],
  };
}

export type DeliveryReports = ReturnType<typeof createDeliveryReports>;
