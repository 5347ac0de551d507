import type { Command } from 'commander';
import { loadConfig } from '../config/load.ts';
import { createOpen2fa, type Open2fa } from '../main.ts';
import { createLogger } from '../app/logger.ts';

/** Opens open2fa for a one-shot command (no delivery loop, quiet logs), runs `fn`, closes. */
export async function withOpen2fa<T>(command: Command, fn: (o: Open2fa) => Promise<T>, options: { worker?: boolean } = {}): Promise<T> {
  // A one-shot command is a few statements: SQLite stays in the command's thread, no worker thread
  // to start (docs/storage.md#sqlite-thread).
  const config = loadConfig({ file: command.optsWithGlobals().config, overrides: { sqliteThread: false } });
  const o = await createOpen2fa(config, { logger: createLogger('warn'), worker: options.worker ?? false, bootstrap: false });
  try {
    return await fn(o);
  } finally {
    await o.close(1000);
  }
}

export async function accountByName(o: Open2fa, name: string) {
  const account = await o.store.findAccountByName(name);
  if (!account) throw new Error(`no account named "${name}"; see \`open2fa accounts list\``);
  return account;
}

/** Prints rows as aligned columns. */
export function printTable(rows: Record<string, unknown>[]): void {
  if (rows.length === 0) { console.log('(none)'); return; }
  const cols = Object.keys(rows[0] as object);
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c] ?? '').length)));
  console.log(cols.map((c, i) => c.padEnd(width[i] as number)).join('  '));
  for (const r of rows) console.log(cols.map((c, i) => String(r[c] ?? '').padEnd(width[i] as number)).join('  '));
}
