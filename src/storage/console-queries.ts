import type { Medium } from '../channels/contract.ts';
import type { AccountActivity, ActivityWindow, RecentDelivery, RecentPin } from '../domain/console-views.ts';

/**
 * The web console's aggregate queries, one text for both backends: SQLite runs the @names as they
 * are, PostgreSQL through bindNamed. Each reads one account's rows inside [from, to) through the
 * account+time indexes of migration 005, and answers at most one row per bucket, status or bin.
 */
type Row = Record<string, unknown>;

const IN_WINDOW = 'account_id = @account AND created_at >= @from AND created_at < @to';

export const ACTIVITY_SQL = {
  sent: `SELECT CAST((created_at - @from) / @bucket AS INTEGER) AS bucket, count(*) AS n
    FROM pins WHERE ${IN_WINDOW} GROUP BY 1`,
  // Bucketed by when the verification happened; only PINs sent in the window are looked at, so
  // the query stays on the index range (a PIN sent before the window and verified in it is not
  // counted, which a window of hours or days hardly notices: PINs live minutes).
  verified: `SELECT CAST((verified_at - @from) / @bucket AS INTEGER) AS bucket, count(*) AS n
    FROM pins WHERE ${IN_WINDOW} AND verified_at IS NOT NULL GROUP BY 1`,
  outcomes: `SELECT medium, status, count(*) AS n FROM deliveries WHERE ${IN_WINDOW} GROUP BY medium, status`,
} as const;

/** The send→verify histogram for `edges` bin edges: a CASE over @e0, @e1, … ; the open bin last. */
export function verifyTimesSql(edges: number): string {
  const cases = Array.from({ length: edges }, (_, i) => `WHEN verified_at - created_at <= @e${i} THEN ${i}`).join(' ');
  return `SELECT CASE ${cases} ELSE ${edges} END AS bin, count(*) AS n
    FROM pins WHERE ${IN_WINDOW} AND verified_at IS NOT NULL GROUP BY 1`;
}

export function windowParams(accountId: string, w: ActivityWindow): Row {
  return { account: accountId, from: w.from, to: w.to, bucket: w.bucketMs };
}

export function edgeParams(accountId: string, w: ActivityWindow): Row {
  const { bucket: _bucket, ...params } = windowParams(accountId, w);
  w.verifyEdgesMs.forEach((edge, i) => { params[`e${i}`] = edge; });
  return params;
}

/** The rows of the four queries → AccountActivity (counts as numbers: PostgreSQL's count is BIGINT). */
export function toActivity(rows: { sent: Row[]; verified: Row[]; outcomes: Row[]; verifyTimes: Row[] }): AccountActivity {
  const counted = (r: Row) => ({ count: Number(r.n) });
  return {
    sent: rows.sent.map((r) => ({ bucket: Number(r.bucket), ...counted(r) })),
    verified: rows.verified.map((r) => ({ bucket: Number(r.bucket), ...counted(r) })),
    outcomes: rows.outcomes.map((r) => ({ medium: String(r.medium) as Medium, status: String(r.status), ...counted(r) })),
    verifyTimes: rows.verifyTimes.map((r) => ({ bin: Number(r.bin), ...counted(r) })),
  };
}

export const RECENT_PIN_COLUMNS = 'id, application_id, template_id, destination, created_at, expires_at, verified_at, sent_at, attempts_used, max_attempts';
export const RECENT_DELIVERY_COLUMNS = 'id, pin_id, medium, status, final, attempts, price, created_at, updated_at';

const numberOrNull = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/** PIN rows plus the delivery rows of those PINs → RecentPin, keeping the PIN rows' order. */
export function toRecentPins(pins: Row[], deliveries: Row[]): RecentPin[] {
  const byPin = new Map<string, RecentDelivery[]>();
  for (const d of deliveries) {
    const list = byPin.get(String(d.pin_id)) ?? [];
    list.push({
      id: String(d.id), medium: String(d.medium) as Medium, status: String(d.status), final: Boolean(d.final),
      attempts: Number(d.attempts), price: numberOrNull(d.price), createdAt: Number(d.created_at), updatedAt: Number(d.updated_at),
    });
    byPin.set(String(d.pin_id), list);
  }
  return pins.map((p) => ({
    id: String(p.id), applicationId: String(p.application_id), templateId: String(p.template_id), to: String(p.destination),
    createdAt: Number(p.created_at), expiresAt: Number(p.expires_at), verifiedAt: numberOrNull(p.verified_at), sentAt: numberOrNull(p.sent_at),
    attemptsUsed: Number(p.attempts_used), maxAttempts: Number(p.max_attempts), deliveries: byPin.get(String(p.id)) ?? [],
  }));
}

/** "Before" bound of the feed when none is given: later than any stored time. */
export const NO_UPPER_BOUND = Number.MAX_SAFE_INTEGER;
