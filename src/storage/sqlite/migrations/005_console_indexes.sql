-- 005: the web console's views (docs/console.md) read one account's recent history: PINs by
-- creation time (feed, sends and verifications over time, send→verify times), deliveries by
-- creation time (outcomes by final status) and sandbox captures by time (inbox). Each index leads
-- with the account and the time, so a window costs what it holds, not a year of rows; the
-- trailing columns let the counts be answered from the index alone.
CREATE INDEX pins_by_account ON pins(account_id, created_at, verified_at);
CREATE INDEX deliveries_by_account ON deliveries(account_id, created_at, medium, status);
CREATE INDEX sandbox_by_account ON sandbox_messages(account_id, created_at);
