/// <reference lib="dom" />
import { h, svg } from './dom.ts';

/**
 * Small hand-written SVG charts. Each is a figure with a caption, role="img" and an aria-label
 * that says what the chart shows in words, plus a <details> table with the numbers for anyone
 * who would rather read them. Sizes are in viewBox units; CSS makes them fluid.
 */

export interface Series { name: string; className: string; values: number[] }

/** Drawn at the width it is shown at (viewBox = pixels), so text keeps its size on a phone. */
export function chartWidth(container: HTMLElement): number {
  // From 900px the charts sit two per row (styles.css); a figure's padding and border take 34px.
  const columns = window.matchMedia('(min-width: 900px)').matches ? 2 : 1;
  return Math.round(Math.max(280, (container.clientWidth - (columns - 1) * 16) / columns - 34));
}
const H = 200;
const PAD = { left: 36, right: 8, top: 10, bottom: 24 };

function niceMax(max: number): number {
  if (max <= 4) return 4;
  const step = 10 ** Math.floor(Math.log10(max));
  return Math.ceil(max / step) * step;
}

function figure(title: string, label: string, chart: SVGElement, table: HTMLTableElement, id: string): HTMLElement {
  return h('figure', { class: 'chart', 'data-testid': id },
    h('figcaption', {}, title),
    (() => { chart.setAttribute('role', 'img'); chart.setAttribute('aria-label', label); return chart; })(),
    h('details', {}, h('summary', {}, 'Show the numbers'), table));
}

function dataTable(head: string[], rows: (string | number)[][]): HTMLTableElement {
  return h('table', { class: 'numbers' },
    h('thead', {}, h('tr', {}, head.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, rows.map((r) => h('tr', {}, r.map((c, i) => (i === 0 ? h('th', { scope: 'row' }, String(c)) : h('td', {}, String(c))))))));
}

/** Lines over time (sends and verifications per bucket), with a few time labels along x. */
export function lineChart(title: string, label: string, xLabels: string[], series: Series[], id: string, W = 600): HTMLElement {
  const n = Math.max(1, xLabels.length);
  const max = niceMax(Math.max(0, ...series.flatMap((s) => s.values)));
  const x = (i: number) => PAD.left + (n === 1 ? 0 : (i * (W - PAD.left - PAD.right)) / (n - 1));
  const y = (v: number) => PAD.top + (H - PAD.top - PAD.bottom) * (1 - v / max);
  const chart = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'line-chart' });
  for (const v of [0, max / 2, max]) {
    chart.append(svg('line', { x1: PAD.left, x2: W - PAD.right, y1: y(v), y2: y(v), class: 'grid' }));
    chart.append(svg('text', { x: PAD.left - 6, y: y(v) + 4, class: 'axis', 'text-anchor': 'end' }, String(Math.round(v))));
  }
  const every = Math.max(1, Math.ceil(n / Math.max(2, Math.floor(W / 85))));
  xLabels.forEach((l, i) => {
    // Counted from the newest point, so "now" always has a label and labels never crowd it.
    if ((n - 1 - i) % every === 0) chart.append(svg('text', { x: x(i), y: H - 6, class: 'axis', 'text-anchor': i === 0 ? 'start' : i === n - 1 ? 'end' : 'middle' }, l));
  });
  for (const s of series) {
    const points = s.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    chart.append(svg('polygon', { points: `${x(0)},${y(0)} ${points} ${x(s.values.length - 1)},${y(0)}`, class: `area ${s.className}` }));
    chart.append(svg('polyline', { points, class: `line ${s.className}` }));
  }
  const legend = h('ul', { class: 'legend' }, series.map((s) => h('li', { class: s.className }, `${s.name}: ${s.values.reduce((a, b) => a + b, 0)}`)));
  const fig = figure(title, label, chart, dataTable(['Time', ...series.map((s) => s.name)], xLabels.map((l, i) => [l, ...series.map((s) => s.values[i] ?? 0)])), id);
  fig.insertBefore(legend, fig.querySelector('details'));
  return fig;
}

/** Horizontal bars, one per item (call outcomes by final status). */
export function barChart(title: string, label: string, items: { label: string; value: number; className?: string }[], id: string, W = 600): HTMLElement {
  const rowH = 28;
  const height = Math.max(1, items.length) * rowH + 4;
  const labelW = Math.min(230, Math.round(W * 0.45));
  const max = Math.max(1, ...items.map((i) => i.value));
  const chart = svg('svg', { viewBox: `0 0 ${W} ${height}`, class: 'bar-chart' });
  if (items.length === 0) chart.append(svg('text', { x: 0, y: 18, class: 'axis' }, 'Nothing yet in this range'));
  items.forEach((item, i) => {
    const y0 = i * rowH + 4;
    const w = ((W - labelW - 50) * item.value) / max;
    chart.append(svg('text', { x: labelW - 8, y: y0 + 16, class: 'axis', 'text-anchor': 'end' }, item.label));
    chart.append(svg('rect', { x: labelW, y: y0, width: Math.max(2, w), height: rowH - 8, rx: 3, class: `bar ${item.className ?? ''}` }));
    chart.append(svg('text', { x: labelW + Math.max(2, w) + 6, y: y0 + 16, class: 'value' }, String(item.value)));
  });
  return figure(title, label, chart, dataTable(['Status', 'Count'], items.map((i) => [i.label, i.value])), id);
}

/** Vertical bars over ordered bins (time from send to verify). */
export function histogram(title: string, label: string, bins: { label: string; value: number }[], id: string, W = 600): HTMLElement {
  const max = niceMax(Math.max(0, ...bins.map((b) => b.value)));
  const n = Math.max(1, bins.length);
  const slot = (W - PAD.left - PAD.right) / n;
  // Narrow (a phone): labels stand slanted under their bars instead of running into each other.
  const slanted = slot < 64;
  const bottom = slanted ? 52 : PAD.bottom;
  const y = (v: number) => PAD.top + (H - PAD.top - bottom) * (1 - v / max);
  const chart = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'histogram' });
  chart.append(svg('line', { x1: PAD.left, x2: W - PAD.right, y1: y(0), y2: y(0), class: 'grid' }));
  chart.append(svg('text', { x: PAD.left - 6, y: y(max) + 4, class: 'axis', 'text-anchor': 'end' }, String(max)));
  bins.forEach((b, i) => {
    const x0 = PAD.left + i * slot;
    chart.append(svg('rect', { x: x0 + slot * 0.12, y: y(b.value), width: slot * 0.76, height: y(0) - y(b.value), rx: 2, class: 'bar verified' }));
    chart.append(slanted
      ? svg('text', { x: x0 + slot / 2 + 4, y: y(0) + 14, class: 'axis small', 'text-anchor': 'end', transform: `rotate(-40 ${x0 + slot / 2 + 4} ${y(0) + 14})` }, b.label)
      : svg('text', { x: x0 + slot / 2, y: H - 6, class: 'axis small', 'text-anchor': 'middle' }, b.label));
    if (b.value > 0) chart.append(svg('text', { x: x0 + slot / 2, y: y(b.value) - 4, class: 'value', 'text-anchor': 'middle' }, String(b.value)));
  });
  return figure(title, label, chart, dataTable(['Time to verify', 'PINs'], bins.map((b) => [b.label, b.value])), id);
}

/** A big figure with a meter under it (the verification conversion rate). */
export function rateCard(title: string, rate: number | null, detail: string, id: string): HTMLElement {
  const shown = rate === null ? '–' : `${Math.round(rate * 1000) / 10}%`;
  const bar = svg('svg', { viewBox: '0 0 100 6', class: 'meter', 'aria-hidden': 'true', preserveAspectRatio: 'none' },
    svg('rect', { x: 0, y: 0, width: 100, height: 6, rx: 3, class: 'track' }),
    svg('rect', { x: 0, y: 0, width: Math.round((rate ?? 0) * 100), height: 6, rx: 3, class: 'fill' }));
  return h('section', { class: 'card kpi', 'data-testid': id, 'aria-label': `${title}: ${shown}` },
    h('h3', {}, title), h('p', { class: 'kpi-value', 'data-testid': `${id}-value` }, shown), bar, h('p', { class: 'muted' }, detail));
}
