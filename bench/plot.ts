/**
 * Small dependency-free SVG plots for docs/benchmarks.md, written into docs/bench/:
 * - ratio bars: every figure of a section that has a same-run baseline, as a bar of
 *   median ÷ baseline median with a line at 1×;
 * - growth curves: for figures with a `series` and an `x` (the growth benchmark), one line per
 *   series of median ÷ the series' first point, over x on a log scale.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { median, ROOT, type BenchSection, type Figure } from './lib.ts';

export const PLOT_DIR = join(ROOT, 'docs', 'bench');
const FONT = 'font-family="system-ui, sans-serif" font-size="12"';
const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

export const slug = (title: string) => title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60);
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const num = (x: number) => (x >= 10 ? x.toFixed(0) : x >= 1 ? x.toFixed(1) : x.toFixed(2));

function svg(width: number, height: number, body: string[]): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT}>\n`
    + `<rect width="100%" height="100%" fill="#fff"/>\n${body.join('\n')}\n</svg>\n`;
}

/** Horizontal bars of each figure's ratio to its baseline; undefined when the section has none. */
export function ratioBars(section: BenchSection): string | undefined {
  const byName = new Map(section.figures.map((f) => [f.name, f]));
  const rows = section.figures.filter((f) => f.baseline && byName.has(f.baseline) && f.series === undefined)
    .map((f) => ({ f, ratio: median(f.runs) / median((byName.get(f.baseline as string) as Figure).runs) }));
  if (!rows.length) return undefined;
  const label = 330, barW = 360, rowH = 26, top = 34;
  const max = Math.max(1, ...rows.map((r) => r.ratio)) * 1.1;
  const log = max > 20; // a 6,000× speed-up next to 0.1× needs a log scale
  const pos = (r: number) => (log ? (Math.log10(Math.max(r, 0.01)) + 2) / (Math.log10(max) + 2) : r / max) * barW;
  const body = [`<text x="10" y="20" font-weight="bold">${esc(section.title)}: median ÷ same-run baseline${log ? ' (log scale)' : ''}</text>`];
  rows.forEach(({ f, ratio }, i) => {
    const y = top + i * rowH;
    const name = f.name.length > 52 ? `${f.name.slice(0, 50)}…` : f.name;
    body.push(`<text x="${label - 6}" y="${y + 15}" text-anchor="end">${esc(name)}</text>`,
      `<rect x="${label}" y="${y + 4}" width="${Math.max(1, pos(ratio)).toFixed(1)}" height="${rowH - 8}" fill="${ratio >= 1 ? '#4c9a2a' : '#c0504d'}"/>`,
      `<text x="${label + pos(ratio) + 4}" y="${y + 15}">${num(ratio)}×</text>`);
  });
  const one = label + pos(1);
  body.push(`<line x1="${one}" y1="${top - 4}" x2="${one}" y2="${top + rows.length * rowH}" stroke="#333" stroke-dasharray="3,3"/>`,
    `<text x="${one}" y="${top + rows.length * rowH + 14}" text-anchor="middle">1× baseline</text>`);
  return svg(label + barW + 70, top + rows.length * rowH + 24, body);
}

/** One line per series of the given unit: median ÷ the series' first point, over x (log scale). */
export function growthCurves(section: BenchSection, unit: (u: string) => boolean, what: string): string | undefined {
  const series = new Map<string, Figure[]>();
  for (const f of section.figures) if (f.series !== undefined && f.x !== undefined && unit(f.unit)) series.set(f.series, [...(series.get(f.series) ?? []), f]);
  if (!series.size) return undefined;
  const xs = [...new Set([...series.values()].flat().map((f) => f.x as number))].sort((a, b) => a - b);
  const lines = [...series.entries()].map(([name, fs]) => {
    const base = median((fs[0] as Figure).runs);
    return { name, lower: fs[0]?.lowerIsBetter ?? false, points: fs.map((f) => ({ x: f.x as number, y: base > 0 ? median(f.runs) / base : 1 })) };
  });
  const ys = lines.flatMap((l) => l.points.map((p) => p.y));
  const yMax = Math.max(2, ...ys) * 1.05, yMin = Math.min(0.5, ...ys) / 1.05;
  const left = 60, top = 40, w = 460, h = 280, legendX = left + w + 20;
  const lx = (x: number) => left + (xs.length > 1 ? (Math.log10(x) - Math.log10(xs[0] as number)) / (Math.log10(xs.at(-1) as number) - Math.log10(xs[0] as number)) : 0.5) * w;
  const ly = (y: number) => top + h - ((Math.log2(y) - Math.log2(yMin)) / (Math.log2(yMax) - Math.log2(yMin))) * h;
  const body = [`<text x="10" y="20" font-weight="bold">${esc(what)}: each figure ÷ the same figure on the base history</text>`,
    `<rect x="${left}" y="${top}" width="${w}" height="${h}" fill="none" stroke="#999"/>`];
  const k0 = Math.ceil(Math.log2(yMin)), k1 = Math.floor(Math.log2(yMax)), step = Math.max(1, Math.ceil((k1 - k0 + 1) / 10));
  const grid = Array.from({ length: k1 - k0 + 1 }, (_, i) => 2 ** (k0 + i)).filter((v) => v === 1 || Math.round(Math.log2(v)) % step === 0);
  for (const y of grid) {
    body.push(`<line x1="${left}" y1="${ly(y)}" x2="${left + w}" y2="${ly(y)}" stroke="${y === 1 ? '#333' : '#ddd'}"${y === 1 ? ' stroke-dasharray="3,3"' : ''}/>`,
      `<text x="${left - 6}" y="${ly(y) + 4}" text-anchor="end">${y >= 1 ? y.toLocaleString('en-US') : y}×</text>`);
  }
  for (const x of xs) body.push(`<text x="${lx(x)}" y="${top + h + 16}" text-anchor="middle">${x === 1 ? 'base' : `${x.toLocaleString('en-US')}×`}</text>`);
  body.push(`<text x="${left + w / 2}" y="${top + h + 34}" text-anchor="middle">stored history (log scale)</text>`);
  lines.forEach((l, i) => {
    const c = COLORS[i % COLORS.length] as string;
    body.push(`<polyline fill="none" stroke="${c}" stroke-width="2"${l.lower ? ' stroke-dasharray="6,3"' : ''} points="${l.points.map((p) => `${lx(p.x).toFixed(1)},${ly(p.y).toFixed(1)}`).join(' ')}"/>`,
      ...l.points.map((p) => `<circle cx="${lx(p.x).toFixed(1)}" cy="${ly(p.y).toFixed(1)}" r="3" fill="${c}"/>`),
      `<rect x="${legendX}" y="${top + i * 20}" width="12" height="12" fill="${c}"/>`,
      `<text x="${legendX + 18}" y="${top + i * 20 + 11}">${esc(l.name)} (${l.lower ? 'lower' : 'higher'} is better)</text>`);
  });
  return svg(legendX + 430, Math.max(top + h + 44, top + lines.length * 20 + 10), body);
}

/** Writes the plots of a section; returns the file names relative to docs/. */
export function writePlots(section: BenchSection): string[] {
  mkdirSync(PLOT_DIR, { recursive: true });
  const written: string[] = [];
  const put = (name: string, content: string | undefined) => {
    if (!content) return;
    writeFileSync(join(PLOT_DIR, name), content);
    written.push(`bench/${name}`);
  };
  put(`${slug(section.title)}.svg`, ratioBars(section));
  if (section.plots?.includes('growth')) {
    put(`${slug(section.title)}-throughput.svg`, growthCurves(section, (u) => u.endsWith('/s'), 'Throughput'));
    put(`${slug(section.title)}-times.svg`, growthCurves(section, (u) => !u.endsWith('/s'), 'Latencies and store times'));
  }
  return written;
}
