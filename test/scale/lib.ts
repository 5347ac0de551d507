/**
 * Multi-process test plumbing: real `node bin/open2fa.js serve` children on one PostgreSQL
 * schema, a small HTTP client with a deadline, and the PostgreSQL reachability gate (skip
 * locally, fail in CI) that test/storage/postgres-store.test.ts uses too.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import pg from 'pg';

export const ROOT = join(import.meta.dirname, '..', '..');
export const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const BOOTSTRAP_KEY = 'scale-bootstrap-key-0123456789abcdef';
/** Every process of a deployment must share the secret (PINs are derived from it). */
export const SECRET = randomBytes(32).toString('hex');

/** Why PostgreSQL at `url` cannot be used, or undefined when it answers. */
export async function unreachableReason(url = PG_URL): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message || String((err as { code?: string }).code) : String(err);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * undefined when PostgreSQL is there; otherwise the message a test file shows: as a skip
 * reason locally, as a failure when CI is set (the multi-process run is required there).
 */
export async function postgresGate(url = PG_URL): Promise<string | undefined> {
  const reason = await unreachableReason(url);
  if (reason === undefined) return undefined;
  return `PostgreSQL unreachable at ${url} (${reason}); set TEST_DATABASE_URL or start it: pg_ctlcluster --skip-systemctl-redirect 15 main start`;
}

/**
 * Registers a file's PostgreSQL tests when PostgreSQL is reachable at `url`. When it is not: a
 * failing test when CI is set (the PostgreSQL runs are required there), else one skipped test
 * named `what` that says why. The one place that policy lives.
 */
export async function whenPostgres(what: string, register: () => void, url = PG_URL): Promise<void> {
  const gate = await postgresGate(url);
  if (gate === undefined) return register();
  if (process.env.CI) test('PostgreSQL is reachable (required in CI)', () => assert.fail(gate));
  else test(what, { skip: gate }, () => {});
}

/** The URL with every connection's search_path set to `schema` (how a deployment picks a schema). */
export function withSearchPath(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}

/** A fresh schema `o2_scale_<random>`; its URL for open2fa; drop() removes it with everything in it. */
export async function freshSchema(url = PG_URL): Promise<{ schema: string; url: string; drop(): Promise<void> }> {
  const schema = `o2_scale_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await admin.connect();
  try { await admin.query(`CREATE SCHEMA ${pg.escapeIdentifier(schema)}`); } finally { await admin.end(); }
  return {
    schema, url: withSearchPath(url, schema),
    async drop() {
      const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
      await c.connect();
      try { await c.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`); } finally { await c.end(); }
    },
  };
}

/** A JSON config file (OPEN2FA_CONFIG) in a temp dir; removed by the returned function. */
export function configFile(settings: Record<string, unknown>): { path: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'open2fa-scale-'));
  const path = join(dir, 'open2fa.json');
  writeFileSync(path, JSON.stringify(settings));
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface Server {
  /** Base URL of the HTTP API (role all/api), undefined for a worker. */
  url: string | undefined;
  pid: number;
  proc: ChildProcess;
  /** Everything the process printed so far (last 200 kB). */
  output(): string;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  running(): boolean;
  /** Sends `signal` by PID (no-op when the process is gone). */
  signal(signal: NodeJS.Signals): void;
}

/**
 * Starts `open2fa serve --role <role>` on PostgreSQL and waits until it serves (API) or runs
 * (worker). Registers a SIGKILL by PID on `t` so no child outlives its test.
 */
export async function startServer(t: TestContext, opts: { role: 'all' | 'api' | 'worker'; databaseUrl: string; env?: Record<string, string>; config?: string }): Promise<Server> {
  const dataDir = mkdtempSync(join(tmpdir(), 'open2fa-scale-data-'));
  const env: Record<string, string> = {
    ...process.env as Record<string, string>,
    PORT: '0', HOST: '127.0.0.1', DATABASE_URL: opts.databaseUrl, OPEN2FA_SECRET: SECRET,
    OPEN2FA_BOOTSTRAP_API_KEY: BOOTSTRAP_KEY, OPEN2FA_DATA_DIR: dataDir, OPEN2FA_LOG_LEVEL: 'warn',
    ...(opts.config ? { OPEN2FA_CONFIG: opts.config } : {}),
    ...(opts.env ?? {}),
  };
  const proc = spawn(process.execPath, ['bin/open2fa.js', 'serve', '--role', opts.role], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const pid = proc.pid;
  if (pid === undefined) throw new Error('could not spawn open2fa');
  let out = '';
  const onData = (d: Buffer) => { out = (out + d.toString()).slice(-200_000); };
  proc.stdout.on('data', onData);
  proc.stderr.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
  const running = () => proc.exitCode === null && proc.signalCode === null;
  const server: Server = {
    url: undefined, pid, proc, exited, running, output: () => out,
    signal(signal) { if (running()) { try { process.kill(pid, signal); } catch { /* gone */ } } },
  };
  t.after(async () => {
    server.signal('SIGKILL');
    await server.exited;
    rmSync(dataDir, { recursive: true, force: true });
  });

  const ready = opts.role === 'worker' ? /open2fa worker running/ : /listening on (http:\/\/\S+)/;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const m = ready.exec(out);
    if (m) { if (m[1]) server.url = m[1].replace('localhost', '127.0.0.1'); return server; }
    if (!running()) throw new Error(`open2fa --role ${opts.role} exited before it was ready (${proc.exitCode ?? proc.signalCode}):\n${out}`);
    if (Date.now() > deadline) { server.signal('SIGKILL'); throw new Error(`open2fa --role ${opts.role} not ready within 30 s:\n${out}`); }
    await sleep(25);
  }
}

export interface Reply { status: number; body: any; headers: Headers; ms: number }

/**
 * One request with `Authorization: App <bootstrap key>` and a deadline: a request that does not
 * answer within `timeoutMs` rejects (a hang is a failure, not a slow test).
 */
export async function call(base: string, method: string, path: string, body?: unknown, opts: { headers?: Record<string, string>; timeoutMs?: number } = {}): Promise<Reply> {
  const started = Date.now();
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `App ${BOOTSTRAP_KEY}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(opts.headers ?? {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try { parsed = text ? JSON.parse(text) : undefined; } catch { /* keep text */ }
  return { status: res.status, body: parsed, headers: res.headers, ms: Date.now() - started };
}

/** call(), failing unless it answers 200. */
export async function ok(base: string, method: string, path: string, body?: unknown, opts: { headers?: Record<string, string> } = {}): Promise<any> {
  const r = await call(base, method, path, body, opts);
  if (r.status !== 200) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** An application and a template; `configuration` overrides the application's limits. */
export async function appAndTemplate(base: string, configuration: Record<string, unknown>, template: Record<string, unknown> = {}) {
  const app = await ok(base, 'POST', '/2fa/2/applications', { name: `scale ${randomBytes(3).toString('hex')}`, configuration });
  const tpl = await ok(base, 'POST', `/2fa/2/applications/${app.applicationId}/messages`, {
    pinType: 'NUMERIC', pinLength: 6, messageText: 'Your PIN is {{pin}}', ...template,
  });
  return { appId: app.applicationId as string, messageId: tpl.messageId as string };
}

/** Sandbox captures for `to` (newest first): one per delivery a channel performed. */
export async function captures(base: string, to: string): Promise<any[]> {
  return (await ok(base, 'GET', `/sandbox/1/messages?to=${encodeURIComponent(to)}&limit=500`)).messages;
}

export function pinIn(text: string): string {
  const pin = /PIN is ([0-9A-Z]+)/.exec(text)?.[1];
  if (!pin) throw new Error(`no PIN in ${JSON.stringify(text)}`);
  return pin;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `check` until it returns a value other than undefined, or fails with `what` after timeoutMs. */
export async function waitFor<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined>, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) { last = err; }
    if (Date.now() > deadline) assert.fail(`${what}: not within ${timeoutMs} ms${last ? ` (last error: ${(last as Error).message})` : ''}`);
    await sleep(everyMs);
  }
}

/** Counts of each value. */
export function tally<T>(xs: T[]): Map<T, number> {
  const m = new Map<T, number>();
  for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
  return m;
}
