/**
 * A year of history for the growth benchmark (issue 7 §4), written straight into an open2fa
 * SQLite file that the real migrations created: `pins` PINs spread evenly over the last 365 days
 * across `apps` applications (one tenth of them to the benchmark's own application, a busy
 * customer), each with its delivery, its sandbox capture, the rate-limit windows and (for 30 %)
 * the idempotency key it left behind, a delivery report for one in ten, a charge for each voice
 * call. Nothing of it has been pruned yet: the database of a year whose worker never pruned.
 *
 * Everything is generated inside SQLite (a recursive CTE numbers the rows), in one transaction.
 */
import Database from 'better-sqlite3';

export const YEAR_MS = 365 * 86_400_000;

export interface SeedCounts { pins: number; apps: number; rows: number; seconds: number }

export function seedHistory(file: string, opts: { pins: number; apps: number; benchAppId: string; now: number }): SeedCounts {
  const started = performance.now();
  const db = new Database(file);
  try {
    // No other connection is open: seed without the WAL's second copy, then hand back a WAL file.
    db.pragma('journal_mode = DELETE');
    db.pragma('synchronous = OFF');
    db.pragma('cache_size = -262144');
    const app = db.prepare('SELECT * FROM applications WHERE id = ?').get(opts.benchAppId) as Record<string, unknown>;
    const tpl = db.prepare('SELECT * FROM templates WHERE application_id = ?').get(opts.benchAppId) as Record<string, unknown>;
    const p = { n: opts.pins, apps: opts.apps - 1, bench: opts.benchAppId, tpl: tpl.id, acct: app.account_id, now: opts.now, year: YEAR_MS, step: YEAR_MS / opts.pins };
    const before = Number((db.prepare('SELECT count(*) AS n FROM pins').get() as { n: number }).n);
    db.transaction(() => {
      db.prepare(`WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < @apps)
        INSERT INTO applications (id, account_id, name, enabled, configuration, notify_url, webhook_secret, created_at, updated_at)
        SELECT printf('HIST%028d', i), @acct, printf('history %d', i), 1, a.configuration, a.notify_url, a.webhook_secret, @now - @year, @now - @year
        FROM k, applications a WHERE a.id = @bench`).run(p);
      db.prepare(`INSERT INTO templates (id, account_id, application_id, kind, body, created_at, updated_at)
        SELECT printf('TPL%s', substr(a.id, 4)), a.account_id, a.id, t.kind, t.body, a.created_at, a.created_at
        FROM applications a, templates t WHERE a.id LIKE 'HIST%' AND t.id = @tpl`).run(p);
      // PIN i: created at an even step through the year, TTL 5 min; 70 % verified; about four
      // PINs per destination; every tenth to the benchmark's application.
      db.prepare(`WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i < @n - 1),
        g AS (SELECT i, CAST(@now - @year + i * @step AS INTEGER) AS t,
          CASE WHEN i % 10 = 0 THEN @bench ELSE printf('HIST%028d', 1 + i % @apps) END AS app FROM k)
        INSERT INTO pins (id, account_id, application_id, template_id, destination, seed, hash, pin_type, pin_length, max_attempts,
          attempts_used, multiple_verifications, verify_limit, expires_at, verified_at, sent_at, created_at, placeholders)
        SELECT hex(randomblob(16)), @acct, app, CASE WHEN app = @bench THEN @tpl ELSE printf('TPL%s', substr(app, 4)) END,
          printf('4179%07d', abs(random()) % (@n / 4 + 1)), randomblob(16), randomblob(32), 'NUMERIC', 6, 10,
          1, 0, '1/3s', t + 300000, CASE WHEN i % 10 < 7 THEN t + 20000 END, t + 3000, t, '{}' FROM g`).run(p);
      const fresh = 'FROM pins WHERE rowid > @before';
      // One delivery per PIN, finished; every fifth by voice with a price.
      db.prepare(`INSERT INTO deliveries (id, pin_id, account_id, application_id, medium, destination, sender, content, state, status,
          final, reached, attempts, next_attempt_at, created_at, updated_at, channel_id, price, track_delivery, ended_at)
        SELECT hex(randomblob(16)), id, account_id, application_id, CASE WHEN rowid % 5 = 0 THEN 'voice' ELSE 'sms' END, destination,
          'Open2FA', '{"textParts":["Your code is ",""]}', 'done', CASE WHEN rowid % 5 = 0 THEN 'COMPLETED' ELSE 'DELIVERED_TO_HANDSET' END,
          1, 1, 1, created_at, created_at, created_at + 3000, 'sandbox', CASE WHEN rowid % 5 = 0 THEN 0.0123 END, rowid % 10 = 0,
          created_at + 3000 ${fresh}`).run({ ...p, before });
      db.prepare(`INSERT INTO sandbox_messages (id, account_id, delivery_id, pin_id, medium, destination, sender, content, status, created_at)
        SELECT hex(randomblob(16)), d.account_id, d.id, d.pin_id, d.medium, d.destination, d.sender, d.content, d.status, d.created_at
        FROM deliveries d WHERE d.pin_id IN (SELECT id ${fresh})`).run({ before });
      db.prepare(`INSERT INTO webhook_events (id, account_id, application_id, delivery_id, url, body, state, attempts, next_attempt_at, created_at, updated_at)
        SELECT hex(randomblob(16)), d.account_id, d.application_id, d.id, 'https://example.test/hook', '{"results":[]}', 'delivered', 1,
          d.updated_at, d.updated_at, d.updated_at + 200 FROM deliveries d WHERE d.track_delivery = 1 AND d.pin_id IN (SELECT id ${fresh})`).run({ before });
      // Windows left behind (never pruned): per number, per application-day and per verification.
      db.prepare(`INSERT INTO rate_limits (key, window_start, count, expires_at)
        SELECT 'send:number:' || application_id || ':' || destination || ':' || rowid, created_at, 1, created_at + 86400000 ${fresh}`).run({ before });
      db.prepare(`INSERT INTO rate_limits (key, window_start, count, expires_at)
        SELECT 'verify:' || application_id || ':' || destination || ':' || rowid, created_at + 20000, 1, created_at + 23000 ${fresh}`).run({ before });
      db.prepare(`INSERT OR IGNORE INTO rate_limits (key, window_start, count, expires_at)
        SELECT 'send:app:' || application_id || ':' || (created_at / 86400000), min(created_at), count(*), min(created_at) + 86400000 ${fresh}
        GROUP BY application_id, created_at / 86400000`).run({ before });
      db.prepare(`INSERT INTO idempotency_keys (account_id, key, request_hash, response, created_at, expires_at)
        SELECT account_id, 'idem-' || id, hex(randomblob(16)), '{"pinId":"' || id || '","to":"' || destination || '","ncStatus":"NC_DESTINATION_REACHABLE","smsStatus":"MESSAGE_SENT"}',
          created_at, created_at + 86400000 ${fresh} AND rowid % 10 < 3`).run({ before });
    })();
    // No ANALYZE: open2fa never runs it, so the planner works as in production (rule-based).
    db.pragma('journal_mode = WAL');
    const tables = ['applications', 'templates', 'pins', 'deliveries', 'sandbox_messages', 'webhook_events', 'rate_limits', 'idempotency_keys'];
    const rows = tables.reduce((sum, t) => sum + Number((db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n), 0);
    return { pins: opts.pins, apps: opts.apps, rows, seconds: (performance.now() - started) / 1000 };
  } finally {
    db.close();
  }
}
