-- 004: PostgreSQL twin of the SQLite migration with the same number. Nothing degrades with
-- history (issue 7 §4): the prune's time columns and the charge list get indexes
-- (test/storage/query-plans.test.ts checks the plans); the others were already in 001/002.
CREATE INDEX sandbox_by_age ON sandbox_messages(created_at);
CREATE INDEX webhook_events_by_age ON webhook_events(updated_at);
CREATE INDEX deliveries_charges ON deliveries(account_id, updated_at, seq) WHERE price > 0;

-- Charges are billing records: when the retention prunes a priced delivery, its charge moves
-- here and stays; `credits show` lists both.
CREATE TABLE charges (
  seq BIGSERIAL NOT NULL,
  delivery_id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  pin_id TEXT NOT NULL,
  destination TEXT NOT NULL,
  price DOUBLE PRECISION NOT NULL,
  ended_at BIGINT,
  updated_at BIGINT NOT NULL
);
CREATE INDEX charges_by_account ON charges(account_id, updated_at, seq);
