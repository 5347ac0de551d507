-- 005: PostgreSQL twin of the SQLite migration with the same number. The web console's views
-- (docs/console.md) read one account's recent history by time; each index leads with the account
-- and the time (then seq, the tie-breaker of "newest first"), and INCLUDEs what the counts need,
-- so a window costs what it holds, not a year of rows.
CREATE INDEX pins_by_account ON pins(account_id, created_at, seq) INCLUDE (verified_at);
CREATE INDEX deliveries_by_account ON deliveries(account_id, created_at) INCLUDE (medium, status);
CREATE INDEX sandbox_by_account ON sandbox_messages(account_id, created_at, seq);
