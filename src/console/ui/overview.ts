/// <reference lib="dom" />
import { getJson } from './api.ts';
import { barChart, chartWidth, histogram, lineChart, rateCard } from './charts.ts';
import { announce, duration, h, replace } from './dom.ts';
import { feedList, statusClass, type FeedPin } from './feed.ts';
import type { View } from './views.ts';

/** The answer of GET /console/1/stats (src/console/console-stats.ts). */
interface Stats {
  range: string;
  bucketMs: number;
  series: { start: string; sent: number; verified: number }[];
  totals: { sent: number; verified: number; conversionRate: number | null };
  outcomes: { channel: string; status: string; count: number; final: boolean }[];
  verifyTimes: { label: string; upToMs: number | null; count: number }[];
  medianVerifyUpToMs: number | null;
}

const RANGES = [['1h', 'Last hour'], ['24h', 'Last 24 hours'], ['7d', 'Last 7 days'], ['30d', 'Last 30 days']] as const;
const REFRESH_MS = 4000;

/**
 * The dashboard: charts for the chosen range and the live feed of recent PINs. Both refresh every
 * few seconds while the tab is visible (a poll of two cheap, indexed queries), so a PIN sent or
 * verified elsewhere shows up without a reload.
 */
export const overview: View = (root) => {
  let range = sessionStorage.getItem('open2fa.console.range') ?? '24h';
  const charts = h('div', { class: 'charts', 'aria-busy': 'true' }, h('p', { role: 'status' }, 'Loading statistics…'));
  const feed = h('div', { class: 'feed-box' });
  const select = h('select', { id: 'range', onchange: (e: Event) => { range = (e.target as HTMLSelectElement).value; sessionStorage.setItem('open2fa.console.range', range); void refresh(); } },
    RANGES.map(([value, label]) => h('option', { value, selected: value === range }, label)));
  const refreshButton = h('button', { type: 'button', class: 'secondary', onclick: () => void refresh() }, 'Refresh');
  replace(root,
    h('div', { class: 'toolbar' }, h('h2', {}, 'Overview'), h('label', { for: 'range' }, 'Range'), select, refreshButton),
    charts,
    h('section', { 'aria-labelledby': 'feed-title' }, h('h2', { id: 'feed-title' }, 'Recent PINs'),
      h('p', { class: 'muted' }, 'Every PIN with the status of each delivery, newest first. PINs themselves are never shown.'), feed));

  let known: Set<string> | undefined;
  let stopped = false;
  let last: Stats | undefined;
  async function refresh(): Promise<void> {
    const [stats, pins] = await Promise.all([
      getJson<Stats>(`/console/1/stats?range=${range}`),
      getJson<{ now: string; pins: FeedPin[] }>('/console/1/pins?limit=30'),
    ]);
    if (stopped) return;
    last = stats;
    renderCharts(charts, stats);
    const fresh = known ? pins.pins.filter((p) => !known!.has(p.pinId)).length : 0;
    if (fresh > 0) announce(`${fresh} new PIN${fresh > 1 ? 's' : ''} in the feed`);
    known = new Set(pins.pins.map((p) => p.pinId));
    replace(feed, feedList(pins.pins, Date.parse(pins.now)));
  }
  const tick = () => { if (document.visibilityState === 'visible') refresh().catch(showError); };
  const showError = (err: Error) => replace(charts, h('p', { role: 'alert', class: 'error' }, `Could not load statistics: ${err.message}`));
  refresh().catch(showError);
  const timer = setInterval(tick, REFRESH_MS);
  // Charts are drawn at their shown width: redraw them when it changes (rotation, resize).
  let resizing: ReturnType<typeof setTimeout> | undefined;
  const onResize = () => { clearTimeout(resizing); resizing = setTimeout(() => { if (last) renderCharts(charts, last); }, 150); };
  window.addEventListener('resize', onResize);
  return () => { stopped = true; clearInterval(timer); clearTimeout(resizing); window.removeEventListener('resize', onResize); };
};

function renderCharts(root: HTMLElement, s: Stats): void {
  root.removeAttribute('aria-busy');
  const hourly = s.bucketMs < 86_400_000;
  const xLabels = s.series.map((p) => new Date(p.start).toLocaleString(undefined, hourly ? { hour: '2-digit', minute: '2-digit' } : { month: 'short', day: 'numeric' }));
  const calls = s.outcomes.filter((o) => o.channel === 'voice');
  const messages = s.outcomes.filter((o) => o.channel !== 'voice');
  const rangeText = RANGES.find(([v]) => v === s.range)?.[1].toLowerCase() ?? s.range;
  const width = chartWidth(root);
  const median = s.medianVerifyUpToMs === null ? 'no verifications yet' : `half verified within ${duration(s.medianVerifyUpToMs)}`;
  replace(root,
    h('div', { class: 'kpis' },
      rateCard('Verification conversion', s.totals.conversionRate, `${s.totals.verified} of ${s.totals.sent} PINs verified`, 'kpi-conversion'),
      h('section', { class: 'card kpi', 'data-testid': 'kpi-sent', 'aria-label': `PINs sent: ${s.totals.sent}` }, h('h3', {}, 'PINs sent'), h('p', { class: 'kpi-value' }, String(s.totals.sent)), h('p', { class: 'muted' }, rangeText)),
      h('section', { class: 'card kpi', 'aria-label': `Time to verify: ${median}` }, h('h3', {}, 'Time to verify'), h('p', { class: 'kpi-value' }, s.medianVerifyUpToMs === null ? '–' : `≤ ${duration(s.medianVerifyUpToMs)}`), h('p', { class: 'muted' }, 'median, from send to verify'))),
    lineChart('Sends and verifications', `PINs sent and verified, ${rangeText}: ${s.totals.sent} sent, ${s.totals.verified} verified`, xLabels, [
      { name: 'Sent', className: 'sent', values: s.series.map((p) => p.sent) },
      { name: 'Verified', className: 'verified', values: s.series.map((p) => p.verified) },
    ], 'chart-activity', width),
    barChart('Call outcomes', `Calls by final status: ${calls.map((o) => `${o.status} ${o.count}`).join(', ') || 'none'}`,
      calls.map((o) => ({ label: o.status, value: o.count, className: statusClass(o.status) })), 'chart-calls', width),
    messages.length > 0 && barChart('SMS and email outcomes', `Messages by status: ${messages.map((o) => `${o.channel} ${o.status} ${o.count}`).join(', ')}`,
      messages.map((o) => ({ label: `${o.channel.toUpperCase()} ${o.status}`, value: o.count, className: statusClass(o.status) })), 'chart-messages', width),
    histogram('Time from send to verify', `Verified PINs by time from send to verify: ${s.verifyTimes.map((b) => `${b.label} ${b.count}`).join(', ')}`,
      s.verifyTimes.map((b) => ({ label: b.label, value: b.count })), 'chart-verify-times', width));
}
