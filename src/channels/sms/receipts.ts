import type { DeliveryReport } from '../contract.ts';
import type { MessageStatus } from '../../domain/delivery-status.ts';
import { encodeGsm7, fitsGsm7 } from './encoding.ts';
import { FifoMap } from '../../domain/fifo-map.ts';

/**
 * SMSC delivery receipts (deliver_sm with esm_class "SMSC Delivery Receipt", SMPP v3.4 §5.2.12)
 * and the bounded map that ties their message ids back to deliveries.
 */

/** What a receipt says about one submitted short message. */
export interface ParsedReceipt {
  messageId: string;
  /** DELIVRD, UNDELIV, EXPIRED, REJECTD, DELETED, UNKNOWN, ACCEPTD, ENROUTE (Appendix B). */
  stat: string;
  /** Network error code, three digits as in the receipt text. */
  err: string;
}

/** SMPP v3.4 §5.2.12: esm_class bits 5–2 = 0001 marks an SMSC delivery receipt. */
export function isDeliveryReceipt(esmClass: number): boolean {
  return (esmClass & 0x3c) === 0x04;
}

/** SMPP v3.4 §5.2.28 message_state values, named as the receipt text names them (Appendix B). */
const MESSAGE_STATE_STAT: Readonly<Record<number, string>> = {
  1: 'ENROUTE', 2: 'DELIVRD', 3: 'EXPIRED', 4: 'DELETED', 5: 'UNDELIV', 6: 'ACCEPTD', 7: 'UNKNOWN', 8: 'REJECTD',
};

/** The receipt fields a deliver_sm can carry: the Appendix B text and the §5.3.2 TLVs. */
export interface ReceiptFields {
  text: string;
  receiptedMessageId?: string;
  messageState?: number;
  /** network_error_code TLV (§5.3.2.31): network type octet + 2-octet error code. */
  networkErrorCode?: Uint8Array;
}

/**
 * The receipt fields of a deliver_sm as the `smpp` library decodes it. The library reads
 * short_message with data_coding 0 or 1 as GSM 03.38, but SMSCs write receipt text in ASCII
 * (Appendix B), so that decoding is undone: otherwise '_' would read '§' and '$' '¤' in ids.
 */
export function receiptFieldsOf(pdu: Readonly<Record<string, unknown>>): ReceiptFields {
  const raw = pdu.short_message ?? pdu.message_payload;
  const message = raw && typeof raw === 'object' && 'message' in raw ? (raw as { message: unknown }).message : raw;
  let text = '';
  if (Buffer.isBuffer(message)) text = message.toString('latin1');
  else if (typeof message === 'string') {
    const gsmDecoded = (Number(pdu.data_coding) & 0x0f) <= 1 && fitsGsm7(message);
    text = gsmDecoded ? encodeGsm7(message).toString('latin1') : message;
  }
  return {
    text,
    receiptedMessageId: typeof pdu.receipted_message_id === 'string' ? pdu.receipted_message_id : undefined,
    messageState: typeof pdu.message_state === 'number' ? pdu.message_state : undefined,
    networkErrorCode: Buffer.isBuffer(pdu.network_error_code) ? pdu.network_error_code : undefined,
  };
}

function field(text: string, name: string): string | undefined {
  return new RegExp(`(?:^|\\s)${name}:(\\S+)`, 'i').exec(text)?.[1];
}

/**
 * Read a receipt. The TLVs win over the text when both are present: their format is standard,
 * the text's is only "recommended" by Appendix B. The free `text:` field is cut off first so that
 * a message quoting "stat:" cannot fool the parser.
 *
 * @example
 * parseReceipt({ text: 'id:7 sub:001 dlvrd:001 submit date:2611251200 done date:2611251201 stat:DELIVRD err:000 text:Your' })
 * // { messageId: '7', stat: 'DELIVRD', err: '000' }
 */
export function parseReceipt(fields: ReceiptFields): ParsedReceipt | undefined {
  const head = fields.text.split(/\btext:/i)[0] ?? '';
  const messageId = fields.receiptedMessageId || field(head, 'id');
  const stateStat = fields.messageState === undefined ? undefined : MESSAGE_STATE_STAT[fields.messageState];
  const stat = (stateStat ?? field(head, 'stat'))?.toUpperCase();
  if (!messageId || !stat) return undefined;
  const tlvErr = fields.networkErrorCode && fields.networkErrorCode.length >= 3
    ? String(((fields.networkErrorCode[1] ?? 0) << 8) | (fields.networkErrorCode[2] ?? 0)).padStart(3, '0')
    : undefined;
  return { messageId, stat, err: field(head, 'err') ?? tlvErr ?? '000' };
}

/** Receipt stat → Infobip status name; ACCEPTD and ENROUTE are interim (no report). */
const STAT_STATUS: Readonly<Record<string, MessageStatus>> = {
  DELIVRD: 'DELIVERED_TO_HANDSET',
  UNDELIV: 'UNDELIVERABLE_NOT_DELIVERED',
  EXPIRED: 'EXPIRED_EXPIRED',
  REJECTD: 'UNDELIVERABLE_REJECTED_OPERATOR',
  DELETED: 'UNKNOWN',
  UNKNOWN: 'UNKNOWN',
};

export function isInterimStat(stat: string): boolean {
  return stat === 'ACCEPTD' || stat === 'ENROUTE';
}

/** The final report a (non-interim) receipt stands for; unknown stat words count as UNKNOWN. */
export function receiptReport(receipt: ParsedReceipt): DeliveryReport {
  const status = STAT_STATUS[receipt.stat] ?? 'UNKNOWN';
  return {
    status,
    final: true,
    reached: status === 'DELIVERED_TO_HANDSET',
    resultCode: `SMPP stat:${receipt.stat} err:${receipt.err}`,
    providerMessageId: receipt.messageId,
  };
}

/** A delivery decided by its receipts: the report to record late. */
export interface Settlement {
  deliveryId: string;
  report: DeliveryReport;
}

/** SMSCs differ in case for hex ids between submit_sm_resp and the receipt. The one place ids are normalised. */
export function normalizeId(id: string): string {
  return id.trim().toLowerCase();
}

/** Message ids are unique per SMSC only: two SMSCs may both answer "7". */
function receiptKey(smsc: string, messageId: string): string {
  return `${smsc}\n${normalizeId(messageId)}`;
}

/** Receipts that arrive before their submit_sm_resp was processed wait this long, at most this many. */
const EARLY_RECEIPT_TTL_MS = 5 * 60_000;
const EARLY_RECEIPT_MAX = 1_000;

/**
 * Receipts nobody expected (yet): an SMSC may send the receipt before the submit_sm_resp is
 * processed. Kept in process memory for a few minutes, oldest dropped first.
 */
export class EarlyReceipts {
  private readonly byKey = new FifoMap<string, { smsc: string; receipt: ParsedReceipt; at: number }>();

  constructor(private readonly now: () => number) {}

  remember(smsc: string, receipt: ParsedReceipt): void {
    const key = receiptKey(smsc, receipt.messageId);
    this.byKey.set(key, { smsc, receipt, at: this.now() }); // a repeated receipt moves to the end: order stays age order
    this.byKey.trimTo(EARLY_RECEIPT_MAX);
  }

  take(smsc: string, messageId: string): ParsedReceipt | undefined {
    const key = receiptKey(smsc, messageId);
    const entry = this.byKey.get(key);
    this.byKey.delete(key);
    return entry?.receipt;
  }

  /** Drops the old ones; insertion order is age order, so stop at the first young one. */
  sweep(): void {
    const now = this.now();
    this.byKey.dropOldestWhile((entry) => entry.at + EARLY_RECEIPT_TTL_MS <= now);
  }

  waiting(): { smsc: string; receipt: ParsedReceipt }[] {
    return [...this.byKey.values()];
  }
}

interface Expectation {
  deliveryId: string;
  /** Keys (SMSC + message id) of the parts whose final receipt has not arrived yet. */
  outstanding: Set<string>;
  expiresAt: number;
}

export interface ReceiptTrackerOptions {
  ttlMs: number;
  now(): number;
  /** Hard cap on tracked message ids; the oldest go first. */
  maxIds?: number;
}

/**
 * Message id → delivery in process memory, bounded in time (ttlMs) and size (maxIds): the
 * receipt book of a channel without a store (see receipt-book.ts for the shared one).
 *
 * A multipart text is DELIVERED only when every part's receipt says DELIVRD; the first part that
 * fails decides at once and the other parts' receipts are then ignored. An expectation that times
 * out is dropped silently: the delivery keeps its interim status.
 */
export class ReceiptTracker {
  private readonly byKey = new FifoMap<string, Expectation>();
  private readonly early: EarlyReceipts;
  private readonly maxIds: number;

  constructor(private readonly options: ReceiptTrackerOptions) {
    this.maxIds = options.maxIds ?? 500_000;
    this.early = new EarlyReceipts(options.now);
  }

  get size(): number {
    return this.byKey.size;
  }

  /** Track the parts of one accepted delivery; returns a settlement if early receipts finish it. */
  expect(deliveryId: string, messageIds: string[], smsc = ''): Settlement | undefined {
    this.sweep();
    const expectation: Expectation = {
      deliveryId,
      outstanding: new Set(messageIds.map((id) => receiptKey(smsc, id))),
      expiresAt: this.options.now() + this.options.ttlMs,
    };
    for (const key of expectation.outstanding) {
      this.forget(key); // a reused id moves to the end, keeping insertion order = expiry order
      this.byKey.set(key, expectation);
    }
    this.byKey.trimTo(this.maxIds, (dropped, key) => dropped.outstanding.delete(key));
    let settled: Settlement | undefined;
    for (const id of messageIds) {
      const waiting = this.early.take(smsc, id);
      if (waiting) settled ??= this.settle(waiting, smsc);
    }
    return settled;
  }

  /** Apply a receipt; returns the delivery's final report once it is decided. */
  settle(receipt: ParsedReceipt, smsc = ''): Settlement | undefined {
    if (isInterimStat(receipt.stat)) return undefined;
    const key = receiptKey(smsc, receipt.messageId);
    const expectation = this.byKey.get(key);
    if (!expectation) {
      this.early.remember(smsc, receipt);
      return undefined;
    }
    const delivered = receipt.stat === 'DELIVRD';
    if (delivered) {
      expectation.outstanding.delete(key);
      this.byKey.delete(key);
      if (expectation.outstanding.size > 0) return undefined;
    } else {
      for (const other of expectation.outstanding) this.byKey.delete(other);
      expectation.outstanding.clear();
    }
    return { deliveryId: expectation.deliveryId, report: receiptReport(receipt) };
  }

  /** Drop expired expectations. Insertion order is expiry order (one TTL), so stop at the first live one. */
  sweep(): void {
    const now = this.options.now();
    this.byKey.dropOldestWhile((e) => e.expiresAt <= now, (dropped, key) => dropped.outstanding.delete(key));
    this.early.sweep();
  }

  private forget(key: string): void {
    this.byKey.get(key)?.outstanding.delete(key);
    this.byKey.delete(key);
  }
}
