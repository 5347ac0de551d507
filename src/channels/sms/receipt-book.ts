import type { Store } from '../../domain/ports.ts';
import { EarlyReceipts, isInterimStat, normalizeId, receiptReport, type ParsedReceipt, type ReceiptTracker, type Settlement } from './receipts.ts';

/**
 * Where the SMS channel notes which delivery each submitted part belongs to, and where a receipt
 * finds it. Two books: in process memory (no store given: tests, tools), or in the store, shared
 * by every process on the same database, so that a receipt reaching another process's bind, or a
 * process started since the submit, still finds its delivery.
 */
export interface ReceiptBook {
  /** After a submit was accepted: expect one final receipt per part. Settles early receipts waiting for these ids. */
  expect(deliveryId: string, smsc: string, messageIds: string[]): Promise<Settlement | undefined>;
  /** A receipt arrived on `smsc`'s bind: the delivery's final report once it is decided. */
  settle(smsc: string, receipt: ParsedReceipt): Promise<Settlement | undefined>;
  /** Periodic housekeeping; answers deliveries it decided meanwhile (with the SMSC, for the log). */
  sweep(): Promise<(Settlement & { smsc: string })[]>;
}

export type ReceiptStore = Pick<Store, 'expectReceipts' | 'settleReceipt'>;

/** The in-memory tracker behind the book interface. */
export function memoryReceiptBook(tracker: ReceiptTracker): ReceiptBook {
  return {
    async expect(deliveryId, smsc, messageIds) { return tracker.expect(deliveryId, messageIds, smsc); },
    async settle(smsc, receipt) { return tracker.settle(receipt, smsc); },
    async sweep() { tracker.sweep(); return []; },
  };
}

/**
 * The store-backed book. Expectations live in the store (expiring after `ttlMs`; the store's
 * retention deletes them); only receipts that nobody expected yet wait in process memory, a few
 * minutes at most, as in the tracker.
 *
 * An early receipt is usually one whose submit_sm_resp this process has not processed yet; then
 * expect() finds it here. But with several processes it may belong to another process's submit
 * whose expectation was not committed yet when the receipt came: sweep() therefore asks the store
 * again for every receipt still waiting, until it is found or ages out.
 */
export function storeReceiptBook(store: ReceiptStore, options: { ttlMs: number; now(): number }): ReceiptBook {
  const early = new EarlyReceipts(options.now);

  /** undefined: the store does not expect this id; null: expected, but other parts are still outstanding. */
  async function apply(smsc: string, receipt: ParsedReceipt): Promise<Settlement | null | undefined> {
    const settled = await store.settleReceipt(smsc, normalizeId(receipt.messageId), receipt.stat === 'DELIVRD');
    if (!settled) return undefined;
    return settled.decided ? { deliveryId: settled.deliveryId, report: receiptReport(receipt) } : null;
  }

  return {
    async expect(deliveryId, smsc, messageIds) {
      const ids = [...new Set(messageIds.map(normalizeId))];
      if (ids.length === 0) return undefined;
      await store.expectReceipts(deliveryId, smsc, ids, options.now() + options.ttlMs);
      let settled: Settlement | undefined;
      for (const id of ids) {
        const waiting = early.take(smsc, id);
        if (waiting) settled ??= (await apply(smsc, waiting)) ?? undefined;
      }
      return settled;
    },

    async settle(smsc, receipt) {
      if (isInterimStat(receipt.stat)) return undefined;
      const settled = await apply(smsc, receipt);
      if (settled === undefined) early.remember(smsc, receipt);
      return settled ?? undefined;
    },

    async sweep() {
      early.sweep();
      const decided: (Settlement & { smsc: string })[] = [];
      for (const { smsc, receipt } of early.waiting()) {
        const settled = await apply(smsc, receipt);
        if (settled === undefined) continue;
        early.take(smsc, receipt.messageId);
        if (settled) decided.push({ ...settled, smsc });
      }
      return decided;
    },
  };
}
