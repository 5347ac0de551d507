import type { Medium } from '../channels/contract.ts';
import type { AccountActivity, ActivityWindow } from '../domain/console-views.ts';

/**
 * The dashboard's time ranges and how raw counts become chart series. Ranges are fixed (not any
 * from/to) so every query has a known, small window and a bucket count a phone screen can draw.
 */
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const STATS_RANGES = {
  '1h': { spanMs: HOUR, bucketMs: 5 * MINUTE },
  '24h': { spanMs: DAY, bucketMs: HOUR },
  '7d': { spanMs: 7 * DAY, bucketMs: 6 * HOUR },
  '30d': { spanMs: 30 * DAY, bucketMs: DAY },
} as const;
export type StatsRange = keyof typeof STATS_RANGES;
export const STATS_RANGE_NAMES = Object.keys(STATS_RANGES) as StatsRange[];

/** Send→verify histogram bins: people type a PIN within seconds to a few minutes. */
const VERIFY_EDGES: readonly { ms: number; label: string }[] = [
  { ms: 10_000, label: '≤ 10 s' },
  { ms: 20_000, label: '10–20 s' },
  { ms: 30_000, label: '20–30 s' },
  { ms: MINUTE, label: '30–60 s' },
  { ms: 2 * MINUTE, label: '1–2 min' },
  { ms: 5 * MINUTE, label: '2–5 min' },
  { ms: 10 * MINUTE, label: '5–10 min' },
];
const OPEN_BIN_LABEL = '> 10 min';

/**
 * The window of a range ending with the bucket that holds `now`, so the newest bucket fills up
 * as time passes and buckets never shift between two refreshes.
 */
export function windowFor(range: StatsRange, now: number): ActivityWindow {
  const { spanMs, bucketMs } = STATS_RANGES[range];
  const to = (Math.floor(now / bucketMs) + 1) * bucketMs;
  return { from: to - spanMs, to, bucketMs, verifyEdgesMs: VERIFY_EDGES.map((e) => e.ms) };
}

export interface StatsView {
  range: StatsRange;
  from: string;
  to: string;
  bucketMs: number;
  /** One point per bucket, oldest first, empty buckets included. */
  series: { start: string; sent: number; verified: number }[];
  /** conversionRate = verified / sent of PINs sent in the window; null when none were sent. */
  totals: { sent: number; verified: number; conversionRate: number | null };
  /** Deliveries by channel and status, most frequent first; `final` = the status is the last word. */
  outcomes: { channel: Medium; status: string; count: number; final: boolean }[];
  verifyTimes: { label: string; upToMs: number | null; count: number }[];
  /** Median send→verify time estimated from the histogram (upper edge of the median's bin); null without verifications. */
  medianVerifyUpToMs: number | null;
}

const INTERIM = new Set(['PROCESSING', 'PENDING_ACCEPTED', 'PENDING_ENROUTE']);

export function toStatsView(range: StatsRange, w: ActivityWindow, a: AccountActivity): StatsView {
  const n = Math.round((w.to - w.from) / w.bucketMs);
  const sent = new Array<number>(n).fill(0);
  const verified = new Array<number>(n).fill(0);
  // A bucket outside the window can only come from a clock that moved back; count it at the edge.
  const clamp = (b: number) => Math.min(n - 1, Math.max(0, b));
  for (const r of a.sent) sent[clamp(r.bucket)]! += r.count;
  for (const r of a.verified) verified[clamp(r.bucket)]! += r.count;
  const totalSent = sent.reduce((x, y) => x + y, 0);
  const totalVerified = verified.reduce((x, y) => x + y, 0);

  const bins = [...VERIFY_EDGES.map((e) => ({ label: e.label, upToMs: e.ms as number | null, count: 0 })), { label: OPEN_BIN_LABEL, upToMs: null, count: 0 }];
  for (const r of a.verifyTimes) if (bins[r.bin]) bins[r.bin]!.count += r.count;

  return {
    range, from: new Date(w.from).toISOString(), to: new Date(w.to).toISOString(), bucketMs: w.bucketMs,
    series: sent.map((s, i) => ({ start: new Date(w.from + i * w.bucketMs).toISOString(), sent: s, verified: verified[i] ?? 0 })),
    totals: { sent: totalSent, verified: totalVerified, conversionRate: totalSent === 0 ? null : totalVerified / totalSent },
    outcomes: a.outcomes
      .map((o) => ({ channel: o.medium, status: o.status, count: o.count, final: !INTERIM.has(o.status) }))
      .sort((x, y) => y.count - x.count || x.status.localeCompare(y.status)),
    verifyTimes: bins,
    medianVerifyUpToMs: medianBin(bins),
  };
}

function medianBin(bins: { upToMs: number | null; count: number }[]): number | null {
  const total = bins.reduce((s, b) => s + b.count, 0);
  if (total === 0) return null;
  let seen = 0;
  for (const b of bins) {
    seen += b.count;
    if (seen * 2 >= total) return b.upToMs;
  }
  return null;
}
