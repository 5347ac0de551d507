import type { Store } from '../../domain/ports.ts';
import { statementCache, type SqliteDb } from './sqlite-database.ts';
import { groupCommit } from './group-commit.ts';

type ReceiptMethods = Pick<Store, 'expectReceipts' | 'settleReceipt'>;

/**
 * SMS delivery receipts on SQLite (table sms_receipts, migration 007). One connection runs one
 * statement at a time, and each call runs whole inside one transaction (group-committed with the
 * other writes of the same turn, like every per-message write): of two receipts for the parts of
 * one delivery, the second sees the first's delete and only it decides.
 */
export function createSqliteReceipts(db: SqliteDb): ReceiptMethods {
  const q = statementCache(db);
  // A reused id (an SMSC recycling its counter) moves to the new delivery: the old one's receipt
  // can no longer come, the new one's can.
  const upsert = () => q(`INSERT INTO sms_receipts (smsc, message_id, delivery_id, expires_at) VALUES (?, ?, ?, ?)
    ON CONFLICT (smsc, message_id) DO UPDATE SET delivery_id = excluded.delivery_id, expires_at = excluded.expires_at`);

  const expect = groupCommit(db, (deliveryId: string, smsc: string, messageIds: string[], expiresAt: number) => {
    for (const messageId of messageIds) upsert().run(smsc, messageId, deliveryId, expiresAt);
  });

  const settle = groupCommit(db, (smsc: string, messageId: string, delivered: boolean) => {
    const part = q('DELETE FROM sms_receipts WHERE smsc = ? AND message_id = ? RETURNING delivery_id').get(smsc, messageId) as
      { delivery_id: string } | undefined;
    if (!part) return undefined;
    const deliveryId = String(part.delivery_id);
    // The first failing part decides: the others' receipts must find nothing left.
    if (!delivered) {
      q('DELETE FROM sms_receipts WHERE delivery_id = ?').run(deliveryId);
      return { deliveryId, decided: true };
    }
    const left = q('SELECT 1 FROM sms_receipts WHERE delivery_id = ? LIMIT 1').get(deliveryId);
    return { deliveryId, decided: left === undefined };
  });

  return {
    expectReceipts: expect,
    settleReceipt: settle,
  };
}
