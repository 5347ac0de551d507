/**
 * Writes docs/benchmarks.md from the sections the benchmarks return. Sections that did not run
 * this time (`npm run bench -- sms`) are kept from the previous file, each with its own date line.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, platform, release } from 'node:os';
import { join } from 'node:path';
import { median, ROOT, spread, type BenchSection } from './lib.ts';

const fmt = (x: number) => (x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(x >= 10 ? 1 : 2));

export function writeReport(sections: BenchSection[], file = join(ROOT, 'docs', 'benchmarks.md')): void {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const lines = [
    '# Benchmarks',
    '',
    `Run with \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB, ${platform()} ${release()}, Node ${process.version}.`,
    'Each figure is the median of its runs with the spread (max − min); a ratio compares it with a baseline measured in the same run.',
    '',
  ];
  const fresh = new Set(sections.map((s) => s.title));
  const kept = previousSections(file).filter((block) => !fresh.has(block.title));
  for (const s of sections) {
    lines.push(`## ${s.title}`, '', `_Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC._`, '');
    const byName = new Map(s.figures.map((f) => [f.name, f]));
    lines.push('| Figure | Median | Spread | Runs | Ratio to baseline | Note |', '|---|---|---|---|---|---|');
    for (const f of s.figures) {
      const base = f.baseline ? byName.get(f.baseline) : undefined;
      const ratio = base ? `${(median(f.runs) / median(base.runs)).toFixed(2)}× ${base.name}` : '';
      lines.push(`| ${f.name} | ${fmt(median(f.runs))} ${f.unit} | ${fmt(spread(f.runs))} | ${f.runs.length} | ${ratio} | ${f.note ?? ''} |`);
    }
    lines.push('', ...s.notes.map((n) => `- ${n}`), '');
  }
  for (const block of kept) lines.push(block.text.trimEnd(), '');
  writeFileSync(file, `${lines.join('\n')}\n`);
}

function previousSections(file: string): { title: string; text: string }[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split(/^(?=## )/m).slice(1).map((text) => ({ title: (text.split('\n')[0] ?? '').slice(3).trim(), text }));
}
