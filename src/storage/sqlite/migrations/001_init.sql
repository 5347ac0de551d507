-- 001: the whole first schema. Accounts own keys, applications, templates, PINs and deliveries;
-- every lookup by id is scoped by account_id, so a foreign id is simply not found.
-- PINs are stored as seed + keyed hash (see domain/pin-code.ts); deliveries are the durable queue.
CREATE TABLE accounts (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  credit_balance REAL
);

CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id),
  name TEXT NOT NULL,
  prefix TEXT NOT NULL,
  hash BLOB NOT NULL UNIQUE,
  scopes TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
);

CREATE TABLE applications (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id),
  name TEXT NOT NULL,
  enabled INTEGER NOT NULL,
  configuration TEXT NOT NULL,
  notify_url TEXT,
  webhook_secret TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX applications_by_account ON applications(account_id, created_at);

CREATE TABLE templates (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  application_id TEXT NOT NULL REFERENCES applications(id),
  kind TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX templates_by_application ON templates(application_id, created_at);

CREATE TABLE pins (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  application_id TEXT NOT NULL,
  template_id TEXT NOT NULL,
  destination TEXT NOT NULL,
  seed BLOB NOT NULL,
  hash BLOB NOT NULL,
  pin_type TEXT NOT NULL,
  pin_length INTEGER NOT NULL,
  max_attempts INTEGER NOT NULL,
  attempts_used INTEGER NOT NULL DEFAULT 0,
  multiple_verifications INTEGER NOT NULL,
  verify_limit TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  verified_at INTEGER,
  sent_at INTEGER,
  created_at INTEGER NOT NULL,
  placeholders TEXT NOT NULL
);
CREATE INDEX pins_by_destination ON pins(application_id, destination, created_at);
CREATE INDEX pins_by_expiry ON pins(expires_at);

CREATE TABLE deliveries (
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
  final INTEGER NOT NULL,
  reached INTEGER NOT NULL,
  attempts INTEGER NOT NULL,
  next_attempt_at INTEGER NOT NULL,
  lease_owner TEXT,
  lease_until INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  channel_id TEXT,
  result_code TEXT,
  detail TEXT,
  sender_used TEXT,
  ringing_at INTEGER,
  answered_at INTEGER,
  ended_at INTEGER,
  dtmf_repeats INTEGER,
  amd_verdict TEXT,
  price REAL,
  provider_message_id TEXT,
  external_message_id TEXT,
  track_delivery INTEGER NOT NULL,
  audio_file TEXT
);
CREATE INDEX deliveries_due ON deliveries(state, next_attempt_at);
CREATE INDEX deliveries_leases ON deliveries(state, lease_until);
CREATE INDEX deliveries_by_pin ON deliveries(pin_id, created_at);

CREATE TABLE rate_limits (
  key TEXT PRIMARY KEY,
  window_start INTEGER NOT NULL,
  count INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);

CREATE TABLE idempotency_keys (
  account_id TEXT NOT NULL,
  key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  response TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (account_id, key)
);

CREATE TABLE sandbox_messages (
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
  created_at INTEGER NOT NULL
);
CREATE INDEX sandbox_by_destination ON sandbox_messages(account_id, destination, created_at);
