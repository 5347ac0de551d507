import { setTimeout as sleep } from 'node:timers/promises';
import { ChannelError, type ChannelDeps, type ChannelErrorCode, type DeliveryChannel, type DeliveryReport, type OutboundMessage } from '../contract.ts';
import { classifySubmitStatus, describeStatus, formatStatus } from './command-status.ts';
import { encodeSms, type EncodedSms } from './encoding.ts';
import { memoryReceiptBook, storeReceiptBook, type ReceiptBook, type ReceiptStore } from './receipt-book.ts';
import { ReceiptTracker, isDeliveryReceipt, parseReceipt, receiptFieldsOf } from './receipts.ts';
import { createRouter, destinationAddress, maskNumber, senderAddress, type SmppAddress, type SmsRoute } from './routing.ts';
import { SmppLinkError, SmppSession, type SmscSettings, type SmsLogger } from './smpp-session.ts';
import type { SmsConfig, SmscConnectionConfig } from './index.ts';
import type { ChannelTelemetry } from '../telemetry.ts';

/**
 * The SMS channel: routes a text to an ordered list of SMSC sessions, submits it (split and
 * encoded), fails over, and turns delivery receipts into late reports.
 */

export const SMSC_DEFAULTS = {
  systemType: '',
  enquireLinkMs: 30_000,
  windowSize: 10,
  reconnectMinMs: 1_000,
  reconnectMaxMs: 60_000,
  submitTimeoutMs: 10_000,
} as const;

export const DEFAULT_RECEIPT_TIMEOUT_MS = 48 * 60 * 60_000;

/** ESME_RTHROTTLED / ESME_RMSGQFUL: retries on the same bind, waiting 250, 500, 1000 ms (−25 % jitter). */
export const THROTTLE_RETRIES = 3;
export const THROTTLE_BACKOFF_MS = 250;

export type SmsChannel = DeliveryChannel & { stats(): { windowInUse: number; connected: number } };

export type SmsChannelDeps = ChannelDeps & {
  logger?: SmsLogger;
  telemetry?: ChannelTelemetry;
  /**
   * Where receipts find their delivery (the Store): shared by every process on the database and
   * kept across restarts. Without it, a map in this process's memory.
   */
  receipts?: ReceiptStore;
};

type PartsOutcome = { kind: 'accepted'; messageIds: string[] } | { kind: 'rejected'; status: number; part: number };

/** A retryable failure on one SMSC: the next SMSC of the route gets the message. */
class SubmitFailure extends Error {
  constructor(readonly code: ChannelErrorCode, message: string) {
    super(message);
  }
}

function settingsOf(config: SmscConnectionConfig): SmscSettings {
  return {
    ...config,
    systemType: config.systemType ?? SMSC_DEFAULTS.systemType,
    enquireLinkMs: config.enquireLinkMs ?? SMSC_DEFAULTS.enquireLinkMs,
    windowSize: config.windowSize ?? SMSC_DEFAULTS.windowSize,
    reconnectMinMs: config.reconnectMinMs ?? SMSC_DEFAULTS.reconnectMinMs,
    reconnectMaxMs: config.reconnectMaxMs ?? SMSC_DEFAULTS.reconnectMaxMs,
    submitTimeoutMs: config.submitTimeoutMs ?? SMSC_DEFAULTS.submitTimeoutMs,
  };
}

/** The submit_sm fields shared by every part (SMPP v3.4 §4.4.1). */
function submitFields(source: SmppAddress, destination: SmppAddress, encoded: EncodedSms): Record<string, unknown> {
  return {
    service_type: '',
    source_addr_ton: source.ton,
    source_addr_npi: source.npi,
    source_addr: source.addr,
    dest_addr_ton: destination.ton,
    dest_addr_npi: destination.npi,
    destination_addr: destination.addr,
    esm_class: encoded.esmClass,
    registered_delivery: 1, // §5.2.17: SMSC delivery receipt on final outcome, success or failure
    data_coding: encoded.dataCoding,
  };
}

function abortError(signal: AbortSignal): ChannelError {
  return new ChannelError('TIMEOUT', 'SMS send aborted', true, signal.reason);
}

/** Starts every SMSC session and waits for each one's first bind attempt (bound or not). */
export async function startSmsChannel(config: SmsConfig, deps: SmsChannelDeps): Promise<SmsChannel> {
  const { logger } = deps;
  const receiptTtlMs = config.receiptTimeoutMs ?? DEFAULT_RECEIPT_TIMEOUT_MS;
  const book: ReceiptBook = deps.receipts
    ? storeReceiptBook(deps.receipts, { ttlMs: receiptTtlMs, now: deps.now })
    : memoryReceiptBook(new ReceiptTracker({ ttlMs: receiptTtlMs, now: deps.now }));
  const sweepTimer = setInterval(() => void book.sweep().then(
    (decided) => { for (const s of decided) reportLate(s.deliveryId, s.report, s.smsc); },
    (error: unknown) => logger?.warn({ error: String(error) }, 'retrying early delivery receipts failed'),
  ), Math.min(60_000, receiptTtlMs)).unref();
  const sessions = new Map(config.smscs.map((smsc) => [smsc.name, new SmppSession(settingsOf(smsc), { onDeliverSm, logger })] as const));
  const routes: SmsRoute[] = config.routes.length > 0 ? config.routes : [{ prefix: '', smscs: config.smscs.map((s) => s.name) }];
  const route = createRouter(routes);
  let reference = Math.floor(Math.random() * 256);
  deps.telemetry?.smppSessions(() => [...sessions.values()].map((session) => ({
    smsc: session.name, windowInUse: session.windowInUse, windowSize: session.settings.windowSize, bound: session.availability() === 'bound',
  })));
  let closed = false;

  function onDeliverSm(pdu: Readonly<Record<string, unknown>>, smsc: string): void {
    if (!isDeliveryReceipt(Number(pdu.esm_class))) {
      logger?.info({ smsc }, 'ignored a deliver_sm that is not a delivery receipt (mobile-originated SMS are not handled)');
      return;
    }
    const receipt = parseReceipt(receiptFieldsOf(pdu));
    if (!receipt) return logger?.warn({ smsc }, 'unreadable delivery receipt');
    // The receipt is acknowledged at once either way; a store failure loses it (logged), and the
    // delivery then ends as UNKNOWN after the receipt timeout, as if the receipt never came.
    void book.settle(smsc, receipt).then(
      (settled) => { if (settled) reportLate(settled.deliveryId, settled.report, smsc); },
      (error: unknown) => logger?.warn({ smsc, messageId: receipt.messageId, error: String(error) }, 'matching a delivery receipt failed; receipt dropped'),
    );
  }

  function reportLate(deliveryId: string, report: DeliveryReport, smsc: string): void {
    logger?.info({ smsc, deliveryId, status: report.status, resultCode: report.resultCode }, 'SMS delivery receipt');
    try {
      deps.report(deliveryId, report);
    } catch (error) {
      logger?.warn({ smsc, deliveryId, error: String(error) }, 'reporting a delivery receipt failed');
    }
  }

  /**
   * Notes the accepted parts in the receipt book. Outside the failover: the SMSC took the text, so
   * a failure here must not send it again elsewhere; it is logged, and the delivery ends as
   * UNKNOWN after the receipt timeout unless its receipt is matched after all.
   */
  async function expectReceipts(deliveryId: string, smsc: string, messageIds: string[], log: object): Promise<void> {
    try {
      const early = await book.expect(deliveryId, smsc, messageIds);
      // Reported after send() has answered, so the final report follows the submit's PENDING one.
      if (early) setImmediate(() => reportLate(early.deliveryId, early.report, smsc));
    } catch (error) {
      logger?.warn({ ...log, smsc, error: String(error) }, 'recording the receipt expectation failed; the submit stands');
    }
  }

  /** Submit every part on one session; throttling is retried here, on the same bind. */
  async function submitParts(session: SmppSession, encoded: EncodedSms, fields: Record<string, unknown>, signal: AbortSignal): Promise<PartsOutcome> {
    const messageIds: string[] = [];
    for (const [index, shortMessage] of encoded.shortMessages.entries()) {
      for (let retry = 0; ; retry++) {
        const response = await session.submit({ ...fields, short_message: shortMessage }, signal);
        const verdict = classifySubmitStatus(response.commandStatus);
        if (verdict === 'ACCEPTED') {
          messageIds.push(response.messageId);
          break;
        }
        if (verdict === 'PERMANENT') return { kind: 'rejected', status: response.commandStatus, part: index + 1 };
        const what = `${session.name}: ${describeStatus(response.commandStatus)}`;
        if (verdict === 'TRANSIENT') throw new SubmitFailure('UNAVAILABLE', what);
        if (retry >= THROTTLE_RETRIES) throw new SubmitFailure('THROTTLED', `${what} after ${retry} retries`);
        await sleep(Math.round(THROTTLE_BACKOFF_MS * 2 ** retry * (1 - Math.random() * 0.25)), undefined, { signal });
      }
    }
    return { kind: 'accepted', messageIds };
  }

  /**
   * The next SMSC to try, in route order: a bound one at once; else wait (up to its submit
   * timeout) for one that is reconnecting after a healthy bind. SMSCs whose last attempt failed are skipped.
   */
  async function nextSession(candidates: SmppSession[], tried: Set<SmppSession>, signal: AbortSignal): Promise<SmppSession | undefined> {
    const untried = candidates.filter((session) => !tried.has(session));
    const bound = untried.find((session) => session.availability() === 'bound');
    if (bound) return bound;
    const pending = untried.filter((session) => session.availability() === 'pending');
    if (pending.length === 0 || signal.aborted) return undefined;
    const winner = await new Promise<SmppSession | undefined>((resolve) => {
      let left = pending.length;
      for (const session of pending) {
        void session.waitForBind(session.settings.submitTimeoutMs, signal).then((ok) => (ok ? resolve(session) : --left === 0 && resolve(undefined)));
      }
    });
    if (winner) return winner;
    for (const session of pending) tried.add(session);
    return nextSession(candidates, tried, signal);
  }

  async function send(message: OutboundMessage, signal: AbortSignal): Promise<DeliveryReport> {
    if (closed) throw new ChannelError('UNAVAILABLE', 'SMS channel closed', true);
    if (signal.aborted) throw abortError(signal);
    const destination = destinationAddress(message.to);
    if (!destination) throw new ChannelError('INVALID_RECIPIENT', 'SMS destination must be an international number, digits only', false);
    const source = senderAddress(message.from ?? config.defaultSender);
    const sender = source.addr || undefined;
    const log = { deliveryId: message.deliveryId, to: maskNumber(destination.addr) };
    const smscNames = route(destination.addr);
    if (!smscNames) {
      logger?.warn(log, 'no SMPP route for this destination');
      return { status: 'REJECTED_NETWORK', final: true, reached: false, detail: 'no SMPP route for this destination', sender };
    }
    let encoded: EncodedSms;
    try {
      encoded = encodeSms(message.textParts.join(message.pin), (reference = (reference + 1) & 0xff));
    } catch (error) {
      throw new ChannelError('REJECTED', (error as Error).message, false, error);
    }
    const fields = submitFields(source, destination, encoded);
    const candidates = smscNames.flatMap((name) => sessions.get(name) ?? []);
    const tried = new Set<SmppSession>();
    let failure: SubmitFailure | undefined;
    for (let session = await nextSession(candidates, tried, signal); session; session = await nextSession(candidates, tried, signal)) {
      tried.add(session);
      try {
        const outcome = await submitParts(session, encoded, fields, signal);
        const parts = encoded.shortMessages.length;
        if (outcome.kind === 'rejected') {
          logger?.warn({ ...log, smsc: session.name, status: describeStatus(outcome.status), part: outcome.part }, 'SMS rejected by SMSC');
          const detail = `${describeStatus(outcome.status)}${parts > 1 ? ` on part ${outcome.part} of ${parts}` : ''}`;
          return { status: 'UNDELIVERABLE_REJECTED_OPERATOR', final: true, reached: false, resultCode: formatStatus(outcome.status), detail, sender };
        }
        await expectReceipts(message.deliveryId, session.name, outcome.messageIds.filter(Boolean), log);
        logger?.info({ ...log, smsc: session.name, parts, encoding: encoded.encoding, messageId: outcome.messageIds[0] }, 'SMS accepted by SMSC');
        return {
          status: 'PENDING_ENROUTE', final: false, reached: true, resultCode: formatStatus(0),
          providerMessageId: outcome.messageIds[0] || undefined, sender, ...(parts > 1 ? { detail: `${parts} parts` } : {}),
        };
      } catch (error) {
        if (signal.aborted) throw abortError(signal);
        failure = error instanceof SubmitFailure ? error : linkFailure(session, error);
        logger?.warn({ ...log, smsc: session.name, problem: failure.message }, 'SMS submit failed, trying the next SMSC');
      }
    }
    if (signal.aborted) throw abortError(signal);
    const states = candidates.filter((s) => s.availability() !== 'bound').map((s) => `${s.name}: ${s.describe()}`);
    throw new ChannelError(failure?.code ?? 'UNAVAILABLE', `no SMSC took the message (${[failure?.message, ...states].filter(Boolean).join('; ')})`, true, failure);
  }

  function linkFailure(session: SmppSession, error: unknown): SubmitFailure {
    if (error instanceof SmppLinkError) return new SubmitFailure(error.kind === 'TIMEOUT' ? 'TIMEOUT' : 'UNAVAILABLE', `${session.name}: ${error.message}`);
    return new SubmitFailure('UNAVAILABLE', `${session.name}: ${String(error)}`);
  }

  async function check(): Promise<{ ok: boolean; detail: string }> {
    const states = [...sessions.values()].map((session) => `${session.name}: ${session.describe()}`);
    const unserved = routes.filter((r) => !r.smscs.some((name) => sessions.get(name)?.availability() === 'bound'));
    const gaps = unserved.map((r) => `no bound SMSC for prefix '${r.prefix}'`);
    return { ok: !closed && unserved.length === 0, detail: [...states, ...gaps].join('; ') };
  }

  async function close(): Promise<void> {
    closed = true;
    clearInterval(sweepTimer);
    await Promise.all([...sessions.values()].map((session) => session.close()));
  }

  function stats(): { windowInUse: number; connected: number } {
    const all = [...sessions.values()];
    return {
      windowInUse: all.reduce((sum, session) => sum + session.windowInUse, 0),
      connected: all.filter((session) => session.availability() === 'bound').length,
    };
  }

  await Promise.all([...sessions.values()].map((session) => session.start()));
  return { id: 'sms', medium: 'sms', send, check, close, stats };
}
