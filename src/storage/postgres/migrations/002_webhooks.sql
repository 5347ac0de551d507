-- 002: delivery reports to the application's notifyUrl go through a durable outbox, so a crash
-- or an unreachable receiver never loses one; retried on Infobip's schedule (1 min + 1 min × n²).
-- PostgreSQL twin of the SQLite migration with the same number; `seq` orders ties as rowid does.
CREATE TABLE webhook_events (
  seq BIGSERIAL NOT NULL,
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  application_id TEXT NOT NULL,
  delivery_id TEXT NOT NULL,
  url TEXT NOT NULL,
  body TEXT NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  next_attempt_at BIGINT NOT NULL,
  lease_owner TEXT,
  lease_until BIGINT,
  last_error TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX webhook_events_due ON webhook_events(state, next_attempt_at, seq);
CREATE INDEX webhook_events_by_delivery ON webhook_events(delivery_id, created_at, seq);
