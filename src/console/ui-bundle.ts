import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { consoleHtml } from './console-html.ts';

/**
 * The console's front end, bundled once per process from src/console/ui/ with esbuild (no build
 * step, nothing fetched at run time) and kept in memory: one minified script, one stylesheet,
 * both gzipped once. Asset names carry a content hash, so browsers may cache them forever and the
 * HTML shell (never cached) points at the current ones.
 */
const UI_DIR = join(dirname(fileURLToPath(import.meta.url)), 'ui');

export interface ConsoleAsset {
  body: Buffer;
  gzip: Buffer;
  type: string;
}

export interface ConsoleBundle {
  html: string;
  assets: ReadonlyMap<string, ConsoleAsset>;
}

const TYPES: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };

async function bundle(): Promise<ConsoleBundle> {
  const result = await build({
    entryPoints: { app: join(UI_DIR, 'main.ts') },
    bundle: true,
    minify: true,
    format: 'esm',
    // What "a phone from the last few years" runs; esbuild lowers newer syntax.
    target: ['es2020', 'chrome90', 'firefox90', 'safari15'],
    outdir: '/console-assets',
    entryNames: '[name]-[hash]',
    write: false,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const assets = new Map<string, ConsoleAsset>();
  for (const file of result.outputFiles) {
    const name = file.path.split('/').pop() as string;
    const ext = name.slice(name.lastIndexOf('.'));
    const body = Buffer.from(file.contents);
    assets.set(name, { body, gzip: gzipSync(body, { level: 9 }), type: TYPES[ext] ?? 'application/octet-stream' });
  }
  const script = [...assets.keys()].find((n) => n.endsWith('.js'));
  const style = [...assets.keys()].find((n) => n.endsWith('.css'));
  if (!script || !style) throw new Error(`console bundle is missing its ${script ? 'stylesheet' : 'script'}`);
  return { html: consoleHtml({ script: `/console/assets/${script}`, style: `/console/assets/${style}` }), assets };
}

/**
 * The bundle, built on first use and shared by every request after. A failed build is not cached:
 * the next request tries again (and the error reaches the log through the error handler).
 */
export function consoleBundle(): { get(): Promise<ConsoleBundle> } {
  let pending: Promise<ConsoleBundle> | undefined;
  return {
    get() {
      pending ??= bundle().catch((err: unknown) => { pending = undefined; throw err; });
      return pending;
    },
  };
}

/** A weak ETag of a body, for conditional GETs of the shell. */
export const etagOf = (body: string | Buffer) => `W/"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
