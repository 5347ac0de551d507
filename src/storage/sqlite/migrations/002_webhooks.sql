-- 002: delivery reports to the application's notifyUrl go through a durable outbox, so a crash
-- or an unreachable receiver never loses one; retried on Infobip's schedule (1 min + 1 min × n²).
CREATE TABLE webhook_events (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  application_id TEXT NOT NULL,
  delivery_id TEXT NOT NULL,
  url TEXT NOT NULL,
  body TEXT NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  next_attempt_at INTEGER NOT NULL,
  lease_owner TEXT,
  lease_until INTEGER,
  last_error TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX webhook_events_due ON webhook_events(state, next_attempt_at);
