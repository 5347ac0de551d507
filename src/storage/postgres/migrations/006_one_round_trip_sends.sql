-- 006: a PIN send and a verify attempt in one round trip each (storage/postgres/postgres-pins.ts).
-- Before, a send was BEGIN, two limit upserts, two inserts and COMMIT: six round trips, with the
-- application's send-limit row locked across five of them and across the commit's WAL flush, so
-- every send of an application waited for the one before it — in every process alike.
-- A statement is its own transaction: when a function raises, everything it did is undone.

-- Anchored-window limit (same rule as before and as SQLite). Returns 0 when counted, else the
-- milliseconds until the window that refused ends (>= 1). Writes nothing when it refuses.
CREATE OR REPLACE FUNCTION open2fa_count_limit(p_key text, p_now bigint, p_period bigint, p_max integer) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  counted integer;
  started bigint;
BEGIN
  INSERT INTO rate_limits AS r (key, window_start, count, expires_at) VALUES (p_key, p_now, 1, p_now + p_period)
  ON CONFLICT (key) DO UPDATE SET
    count = CASE WHEN r.window_start + p_period <= p_now THEN 1 ELSE r.count + 1 END,
    window_start = CASE WHEN r.window_start + p_period <= p_now THEN p_now ELSE r.window_start END,
    expires_at = CASE WHEN r.window_start + p_period <= p_now THEN p_now + p_period ELSE r.window_start + p_period END
  WHERE r.window_start + p_period <= p_now OR r.count < p_max
  RETURNING count INTO counted;
  IF counted IS NOT NULL THEN RETURN 0; END IF;
  -- DO UPDATE locked the row although WHERE refused it: this is the window that refused.
  SELECT window_start INTO started FROM rate_limits WHERE key = p_key;
  RETURN greatest(1, coalesce(started, p_now) + p_period - p_now);
END $$;

-- Gives back a count taken by open2fa_count_limit when the send it was for did not happen.
-- Only while the window it was counted in is still open: a new window never held that count.
CREATE OR REPLACE FUNCTION open2fa_refund_limit(p_key text, p_now bigint) RETURNS void
LANGUAGE sql AS $$
  UPDATE rate_limits SET count = count - 1 WHERE key = p_key AND expires_at > p_now AND count > 0
$$;

-- Counts every limit in p_limits ([{key, max, periodMs, label}]), then inserts the PIN (when
-- given) and its delivery. A refused limit raises SQLSTATE O2L01 with the label as message and the
-- retry-after milliseconds as detail, undoing the counts already taken. Rows arrive as JSON with
-- the tables' column names (row-mapping.ts); jsonb_populate_record fills every column, so the
-- BIGSERIAL seq is drawn explicitly.
CREATE OR REPLACE FUNCTION open2fa_accept_send(p_limits jsonb, p_now bigint, p_pin jsonb, p_delivery jsonb) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  l jsonb;
  wait bigint;
BEGIN
  FOR l IN SELECT value FROM jsonb_array_elements(p_limits) LOOP
    wait := open2fa_count_limit(l->>'key', p_now, (l->>'periodMs')::bigint, (l->>'max')::integer);
    IF wait > 0 THEN
      RAISE EXCEPTION USING ERRCODE = 'O2L01', MESSAGE = l->>'label', DETAIL = wait::text;
    END IF;
  END LOOP;
  IF p_pin IS NOT NULL THEN
    INSERT INTO pins SELECT * FROM jsonb_populate_record(NULL::pins, p_pin || jsonb_build_object('seq', nextval(pg_get_serial_sequence('pins', 'seq'))));
  END IF;
  INSERT INTO deliveries SELECT * FROM jsonb_populate_record(NULL::deliveries, p_delivery || jsonb_build_object('seq', nextval(pg_get_serial_sequence('deliveries', 'seq'))));
END $$;

-- One verify attempt: locks the PIN row (a concurrent markVerified waits), refuses a verified
-- single-use PIN, counts the verify limit (raises O2L01 like above), takes an attempt.
-- kind: attempt | exhausted | already_verified.
CREATE OR REPLACE FUNCTION open2fa_verify_attempt(p_pin_id text, p_key text, p_now bigint, p_period bigint, p_max integer, p_label text,
  OUT kind text, OUT attempts_used integer)
LANGUAGE plpgsql AS $$
DECLARE
  st record;
  wait bigint;
BEGIN
  SELECT verified_at, multiple_verifications INTO st FROM pins WHERE id = p_pin_id FOR UPDATE;
  IF NOT FOUND THEN kind := 'exhausted'; RETURN; END IF;
  IF st.verified_at IS NOT NULL AND NOT st.multiple_verifications THEN kind := 'already_verified'; RETURN; END IF;
  wait := open2fa_count_limit(p_key, p_now, p_period, p_max);
  IF wait > 0 THEN
    RAISE EXCEPTION USING ERRCODE = 'O2L01', MESSAGE = p_label, DETAIL = wait::text;
  END IF;
  UPDATE pins AS p SET attempts_used = p.attempts_used + 1
    WHERE p.id = p_pin_id AND p.attempts_used < p.max_attempts AND (p.multiple_verifications OR p.verified_at IS NULL)
    RETURNING p.attempts_used INTO attempts_used;
  kind := CASE WHEN attempts_used IS NULL THEN 'exhausted' ELSE 'attempt' END;
END $$;
