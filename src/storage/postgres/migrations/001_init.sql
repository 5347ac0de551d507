-- 001: the whole first schema, the PostgreSQL twin of storage/sqlite/migrations/001_init.sql.
-- Column names are identical (storage/row-mapping.ts maps rows of both backends). Differences:
-- BIGINT epoch milliseconds, BYTEA seeds and hashes, BOOLEAN flags, DOUBLE PRECISION money, and a
-- BIGSERIAL `seq` where SQLite orders ties by rowid ("newest first" among equal created_at).
-- JSON stays TEXT on purpose: an idempotent replay must return the stored response byte for
-- byte, and JSONB would reorder its keys.
CREATE TABLE accounts (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  created_at BIGINT NOT NULL,
  credit_balance DOUBLE PRECISION
);

CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id),
  name TEXT NOT NULL,
  prefix TEXT NOT NULL,
  hash BYTEA NOT NULL UNIQUE,
  scopes TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  revoked_at BIGINT
);
CREATE INDEX api_keys_by_account ON api_keys(account_id, created_at);

CREATE TABLE applications (
  seq BIGSERIAL NOT NULL,
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id),
  name TEXT NOT NULL,
  enabled BOOLEAN NOT NULL,
  configuration TEXT NOT NULL,
  notify_url TEXT,
  webhook_secret TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX applications_by_account ON applications(account_id, created_at, seq);

CREATE TABLE templates (
  seq BIGSERIAL NOT NULL,
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  application_id TEXT NOT NULL REFERENCES applications(id),
  kind TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX templates_by_application ON templates(application_id, created_at, seq);

CREATE TABLE pins (
  seq BIGSERIAL NOT NULL,
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  application_id TEXT NOT NULL,
  template_id TEXT NOT NULL,
  destination TEXT NOT NULL,
  seed BYTEA NOT NULL,
  hash BYTEA NOT NULL,
  pin_type TEXT NOT NULL,
  pin_length INTEGER NOT NULL,
  max_attempts INTEGER NOT NULL,
  attempts_used INTEGER NOT NULL DEFAULT 0,
  multiple_verifications BOOLEAN NOT NULL,
  verify_limit TEXT NOT NULL,
  expires_at BIGINT NOT NULL,
  verified_at BIGINT,
  sent_at BIGINT,
  created_at BIGINT NOT NULL,
  placeholders TEXT NOT NULL
);
CREATE INDEX pins_by_destination ON pins(application_id, destination, created_at, seq);
CREATE INDEX pins_by_expiry ON pins(expires_at);

CREATE TABLE deliveries (
  seq BIGSERIAL NOT NULL,
  id TEXT PRIMARY KEY,
  pin_id TEXT NOT NULL,
  account_id TEXT NOT NULL,
  application_id TEXT NOT NULL,
  medium TEXT NOT NULL,
  destination TEXT NOT NULL,
  sender TEXT,
  content TEXT NOT NULL,
  state TEXT NOT NULL,
  status TEXT NOT NULL,
  final BOOLEAN NOT NULL,
  reached BOOLEAN NOT NULL,
  attempts INTEGER NOT NULL,
  next_attempt_at BIGINT NOT NULL,
  lease_owner TEXT,
  lease_until BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  channel_id TEXT,
  result_code TEXT,
  detail TEXT,
  sender_used TEXT,
  ringing_at BIGINT,
  answered_at BIGINT,
  ended_at BIGINT,
  dtmf_repeats INTEGER,
  amd_verdict TEXT,
  price DOUBLE PRECISION,
  provider_message_id TEXT,
  external_message_id TEXT,
  track_delivery BOOLEAN NOT NULL,
  audio_file TEXT
);
CREATE INDEX deliveries_due ON deliveries(state, next_attempt_at, seq);
CREATE INDEX deliveries_leases ON deliveries(state, lease_until);
CREATE INDEX deliveries_by_pin ON deliveries(pin_id, created_at, seq);

CREATE TABLE rate_limits (
  key TEXT PRIMARY KEY,
  window_start BIGINT NOT NULL,
  count INTEGER NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX rate_limits_by_expiry ON rate_limits(expires_at);

CREATE TABLE idempotency_keys (
  account_id TEXT NOT NULL,
  key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  response TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  PRIMARY KEY (account_id, key)
);
CREATE INDEX idempotency_keys_by_expiry ON idempotency_keys(expires_at);

CREATE TABLE sandbox_messages (
  seq BIGSERIAL NOT NULL,
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  delivery_id TEXT NOT NULL,
  pin_id TEXT NOT NULL,
  medium TEXT NOT NULL,
  destination TEXT NOT NULL,
  sender TEXT,
  content TEXT NOT NULL,
  status TEXT NOT NULL,
  audio_file TEXT,
  created_at BIGINT NOT NULL
);
CREATE INDEX sandbox_by_destination ON sandbox_messages(account_id, destination, created_at, seq);
CREATE INDEX sandbox_by_delivery ON sandbox_messages(account_id, delivery_id);
