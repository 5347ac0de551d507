-- 007: SMPP delivery receipts matched through the store (channels/sms/receipt-book.ts). The map
-- from an SMSC's message id to its delivery used to live in process memory: a restart forgot it,
-- and with several processes on one SMSC account a receipt reaching another process's bind was
-- ignored, so those SMS ended as UNKNOWN after the receipt timeout. A row is one part of a
-- submitted text whose final receipt has not come yet; it goes when its receipt settles it, or
-- when pruneBefore finds it expired. Message ids are only unique per SMSC, hence the key.
-- delivery_id has no foreign key on purpose: retention prunes deliveries on its own schedule.
CREATE TABLE sms_receipts (
  smsc TEXT NOT NULL,
  message_id TEXT NOT NULL,
  delivery_id TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (smsc, message_id)
);
-- The other parts of a delivery (settleReceipt), and the expired rows (pruneBefore).
CREATE INDEX sms_receipts_by_delivery ON sms_receipts(delivery_id);
CREATE INDEX sms_receipts_by_expiry ON sms_receipts(expires_at);
