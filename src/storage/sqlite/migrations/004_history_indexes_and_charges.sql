-- 004: nothing degrades with history (issue 7 §4). Every query of the hot paths and of the
-- housekeeping finds its rows through an index (test/storage/query-plans.test.ts checks the plans),
-- so a database holding a year of PINs answers as fast as a new one and the minute-by-minute prune
-- costs what it deletes, not what is stored. Indexes PostgreSQL's 001/002 already had, plus the
-- prune's time columns and the charge list.
CREATE INDEX sandbox_by_delivery ON sandbox_messages(account_id, delivery_id);
CREATE INDEX sandbox_by_age ON sandbox_messages(created_at);
CREATE INDEX webhook_events_by_delivery ON webhook_events(delivery_id, created_at);
CREATE INDEX webhook_events_by_age ON webhook_events(updated_at);
CREATE INDEX rate_limits_by_expiry ON rate_limits(expires_at);
CREATE INDEX idempotency_keys_by_expiry ON idempotency_keys(expires_at);
CREATE INDEX api_keys_by_account ON api_keys(account_id, created_at);
CREATE INDEX deliveries_charges ON deliveries(account_id, updated_at) WHERE price > 0;

-- Charges are billing records: when the retention prunes a priced delivery, its charge moves
-- here and stays (a few dozen bytes per call); `credits show` lists both.
CREATE TABLE charges (
  delivery_id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  pin_id TEXT NOT NULL,
  destination TEXT NOT NULL,
  price REAL NOT NULL,
  ended_at INTEGER,
  updated_at INTEGER NOT NULL
);
CREATE INDEX charges_by_account ON charges(account_id, updated_at);
