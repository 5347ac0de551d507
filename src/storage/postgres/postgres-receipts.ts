import type { Store } from '../../domain/ports.ts';
import type { PgDatabase } from './postgres-database.ts';

type ReceiptMethods = Pick<Store, 'expectReceipts' | 'settleReceipt'>;

// A part that vanished between the lookup and the lock was settled by another receipt (the next
// lookup finds nothing) or, rarely, re-pointed to a newer delivery (the next lookup finds that).
const SETTLE_ROUNDS = 3;

/**
 * SMS delivery receipts on PostgreSQL (table sms_receipts, migration 007), shared by every process
 * bound to the same SMSC account: the receipt of a part may reach any of them.
 *
 * The parts of one multipart text may be settled by two processes at the same moment. Each
 * settlement locks ALL rows of the delivery first (in one order, so two lockers cannot deadlock),
 * then checks its part is still there, deletes and counts what is left. The second locker waits
 * for the first's commit; READ COMMITTED then hands it only the rows still present, so exactly one
 * of them sees none left and decides.
 */
export function createPostgresReceipts(db: PgDatabase): ReceiptMethods {
  return {
    // One statement for all parts; a reused id (an SMSC recycling its counter) is re-pointed.
    async expectReceipts(deliveryId, smsc, messageIds, expiresAt) {
      if (messageIds.length === 0) return;
      await db.execute(`INSERT INTO sms_receipts (smsc, message_id, delivery_id, expires_at)
        SELECT $1, m, $3, $4 FROM unnest($2::text[]) AS m
        ON CONFLICT (smsc, message_id) DO UPDATE SET delivery_id = excluded.delivery_id, expires_at = excluded.expires_at`,
      [smsc, [...new Set(messageIds)], deliveryId, expiresAt]);
    },

    async settleReceipt(smsc, messageId, delivered) {
      for (let round = 0; round < SETTLE_ROUNDS; round++) {
        // Which delivery: read without a lock (an unknown id costs one index lookup, no transaction).
        const [row] = await db.query<{ delivery_id: string }>('SELECT delivery_id FROM sms_receipts WHERE smsc = $1 AND message_id = $2', [smsc, messageId]);
        if (!row) return undefined;
        const deliveryId = String(row.delivery_id);
        const outcome = await db.transaction(async (tx) => {
          const parts = await tx.query<{ smsc: string; message_id: string }>(
            'SELECT smsc, message_id FROM sms_receipts WHERE delivery_id = $1 ORDER BY smsc, message_id FOR UPDATE', [deliveryId]);
          // Settled by another receipt meanwhile (or re-pointed to another delivery: look again).
          if (!parts.some((p) => p.smsc === smsc && p.message_id === messageId)) return 'gone' as const;
          if (!delivered) {
            // The first failing part decides: the others' receipts must find nothing left.
            await tx.execute('DELETE FROM sms_receipts WHERE delivery_id = $1', [deliveryId]);
            return { deliveryId, decided: true };
          }
          await tx.execute('DELETE FROM sms_receipts WHERE smsc = $1 AND message_id = $2', [smsc, messageId]);
          // The locked rows are all that is left of the delivery: nobody can remove one meanwhile.
          return { deliveryId, decided: parts.length === 1 };
        });
        if (outcome !== 'gone') return outcome;
      }
      return undefined;
    },
  };
}
