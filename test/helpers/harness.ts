import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { createLogger } from '../../src/app/logger.ts';
import { loadConfig } from '../../src/config/load.ts';
import type { Config } from '../../src/config/schema.ts';
import { createOpen2fa, type Open2fa } from '../../src/main.ts';

/** A clock tests move by hand: TTLs and rate-limit windows become deterministic. */
export function fakeClock(start = Date.UTC(2026, 0, 1)) {
  let now = start;
  return { now: () => now, advance(ms: number) { now += ms; }, set(ms: number) { now = ms; } };
}
export type FakeClock = ReturnType<typeof fakeClock>;

export interface Harness {
  url: string;
  key: string;
  o2: Open2fa;
  /** fetch against the server with `Authorization: App <key>` unless `key: null`. */
  call(method: string, path: string, body?: unknown, opts?: { key?: string | null; headers?: Record<string, string>; raw?: string }): Promise<{ status: number; body: any; headers: Headers }>;
  close(): Promise<void>;
}

export const BOOTSTRAP_KEY = 'test-bootstrap-key-0123456789abcdef';

/**
 * Boots the real server on port 0 with SQLite in a temp dir (sandbox channels), registers
 * teardown on the test context, and returns a small HTTP client.
 */
export async function startServer(t: TestContext | undefined, opts: { clock?: FakeClock; config?: Record<string, unknown>; env?: Record<string, string> } = {}): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'open2fa-test-'));
  const config: Config = loadConfig({
    env: { OPEN2FA_DATA_DIR: dir, OPEN2FA_BOOTSTRAP_API_KEY: BOOTSTRAP_KEY, PORT: '0', OPEN2FA_LOG_LEVEL: 'silent', ...(opts.env ?? {}) },
    overrides: { host: '127.0.0.1', delivery: { pollMs: 20, retryBaseMs: 50 }, ...(opts.config ?? {}) },
  });
  const o2 = await createOpen2fa(config, { logger: createLogger('silent'), ...(opts.clock ? { clock: opts.clock } : {}) });
  const address = await o2.http.listen({ host: '127.0.0.1', port: 0 });
  const h: Harness = {
    url: address,
    key: BOOTSTRAP_KEY,
    o2,
    async call(method, path, body, callOpts = {}) {
      const headers: Record<string, string> = { ...(callOpts.headers ?? {}) };
      const key = callOpts.key === undefined ? BOOTSTRAP_KEY : callOpts.key;
      if (key !== null) headers.authorization ??= `App ${key}`;
      let payload: string | undefined = callOpts.raw;
      if (body !== undefined) { payload = JSON.stringify(body); headers['content-type'] ??= 'application/json'; }
      const res = await fetch(`${address}${path}`, { method, headers, ...(payload !== undefined ? { body: payload } : {}) });
      const text = await res.text();
      let parsed: unknown = text;
      try { parsed = text ? JSON.parse(text) : undefined; } catch { /* keep text */ }
      return { status: res.status, body: parsed, headers: res.headers };
    },
    async close() {
      await o2.close(2000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  t?.after(() => h.close());
  return h;
}

/** Creates an application and an SMS/voice template with test-friendly limits. */
export async function createAppAndTemplate(h: Harness, opts: { configuration?: Record<string, unknown>; template?: Record<string, unknown>; key?: string } = {}) {
  const key = opts.key ?? h.key;
  const app = await h.call('POST', '/2fa/2/applications', {
    name: 'test app', configuration: { verifyPinLimit: '1000/1s', sendPinPerPhoneNumberLimit: '1000/1d', ...(opts.configuration ?? {}) },
  }, { key });
  if (app.status !== 200) throw new Error(`create app: ${app.status} ${JSON.stringify(app.body)}`);
  const tpl = await h.call('POST', `/2fa/2/applications/${app.body.applicationId}/messages`, {
    pinType: 'NUMERIC', pinLength: 4, messageText: 'Your PIN is {{pin}}', ...(opts.template ?? {}),
  }, { key });
  if (tpl.status !== 200) throw new Error(`create template: ${tpl.status} ${JSON.stringify(tpl.body)}`);
  return { appId: app.body.applicationId as string, messageId: tpl.body.messageId as string };
}

/** The PIN the sandbox captured for `to` (newest), after deliveries ran. */
export async function capturedPin(h: Harness, to: string, key?: string): Promise<string> {
  await h.o2.worker.drain();
  const res = await h.call('GET', `/sandbox/1/messages?to=${encodeURIComponent(to)}`, undefined, key ? { key } : {});
  const text: string = res.body.messages[0]?.text ?? '';
  const pin = /PIN is ([0-9A-Z]+)/.exec(text)?.[1];
  if (!pin) throw new Error(`no PIN captured for ${to}: ${JSON.stringify(res.body)}`);
  return pin;
}

/** Every captured delivery for `to` (newest first), after deliveries ran. */
export async function sandboxMessages(h: Harness, to: string, key?: string): Promise<any[]> {
  await h.o2.worker.drain();
  const res = await h.call('GET', `/sandbox/1/messages?to=${encodeURIComponent(to)}`, undefined, key ? { key } : {});
  if (res.status !== 200) throw new Error(`sandbox messages: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.messages;
}

/** The PIN inside a rendered message text such as "Your PIN is 1234". */
export function pinIn(text: string): string {
  const pin = /PIN is ([0-9A-Z]+)/.exec(text)?.[1];
  if (!pin) throw new Error(`no PIN in ${JSON.stringify(text)}`);
  return pin;
}

/** Sends a PIN over SMS (or `path`), failing loudly unless it answers 200. */
export async function sendPin(h: Harness, body: Record<string, unknown>, opts: { path?: string; key?: string; headers?: Record<string, string> } = {}) {
  const res = await h.call('POST', opts.path ?? '/2fa/2/pin', body, { ...(opts.key ? { key: opts.key } : {}), ...(opts.headers ? { headers: opts.headers } : {}) });
  if (res.status !== 200) throw new Error(`send: ${res.status} ${JSON.stringify(res.body)}`);
  // Let the delivery run before the test moves a fake clock on: a PIN that expires while still
  // queued is (rightly) not delivered, which would make the test depend on scheduling.
  await h.o2.worker.drain();
  return res.body as { pinId: string; to: string; [k: string]: unknown };
}

/** A wrong PIN for `pin`: same length and alphabet, never equal. */
export function wrongPin(pin: string): string {
  return pin.split('').map((c) => (c === '0' ? '1' : '0')).join('');
}

/** The account id of the bootstrap key (account `default`). */
export async function defaultAccountId(h: Harness): Promise<string> {
  const account = await h.o2.store.findAccountByName('default');
  if (!account) throw new Error('no default account');
  return account.id;
}

/** A new API key; by default in a brand-new account (isolation tests), with every scope. */
export async function newApiKey(h: Harness, opts: { accountId?: string; scopes?: ('2fa:manage' | '2fa:pin:send')[]; accountName?: string } = {}) {
  const accountId = opts.accountId ?? (await h.o2.services.accounts.createAccount(opts.accountName ?? `acct-${Math.random().toString(36).slice(2)}`)).id;
  const { key, record } = await h.o2.services.accounts.createApiKey({ accountId, ...(opts.scopes ? { scopes: opts.scopes } : {}) });
  return { key, keyId: record.id, accountId };
}

const ENVELOPE_KEYS = new Set(['messageId', 'text', 'validationErrors']);

/** Problems with an error body's shape (empty when it is exactly Infobip's envelope). */
export function envelopeProblems(body: unknown): string[] {
  const problems: string[] = [];
  if (!body || typeof body !== 'object' || Array.isArray(body)) return [`body is not a JSON object: ${JSON.stringify(body)}`];
  const top = Object.keys(body);
  if (top.length !== 1 || top[0] !== 'requestError') problems.push(`top-level keys ${JSON.stringify(top)}`);
  const re = (body as any).requestError;
  if (!re || typeof re !== 'object' || Object.keys(re).length !== 1 || !('serviceException' in re)) return [...problems, `requestError is ${JSON.stringify(re)}`];
  const se = re.serviceException;
  if (!se || typeof se !== 'object') return [...problems, `serviceException is ${JSON.stringify(se)}`];
  for (const k of Object.keys(se)) if (!ENVELOPE_KEYS.has(k)) problems.push(`unexpected serviceException key ${k}`);
  if (typeof se.messageId !== 'string' || !/^[A-Z_]+$/.test(se.messageId)) problems.push(`messageId ${JSON.stringify(se.messageId)}`);
  if (typeof se.text !== 'string' || se.text.trim().length < 5) problems.push(`text ${JSON.stringify(se.text)}`);
  if ('validationErrors' in se) {
    const ve = se.validationErrors;
    if (!ve || typeof ve !== 'object' || Array.isArray(ve)) problems.push(`validationErrors ${JSON.stringify(ve)}`);
    else for (const [k, v] of Object.entries(ve)) {
      if (!Array.isArray(v) || v.length === 0 || !v.every((m) => typeof m === 'string' && m.length > 0)) problems.push(`validationErrors.${k} = ${JSON.stringify(v)}`);
    }
  }
  return problems;
}

/**
 * Asserts an Infobip error answer: the status, exactly the envelope's keys, the messageId, and
 * optionally a text pattern and the fields named in validationErrors.
 */
export function assertError(
  res: { status: number; body: any; headers?: Headers },
  status: number,
  messageId: string,
  opts: { text?: RegExp; fields?: string[] } = {},
): { messageId: string; text: string; validationErrors?: Record<string, string[]> } {
  const where = `${status} ${messageId} expected, got ${res.status} ${JSON.stringify(res.body)}`;
  if (res.status !== status) assert.fail(where);
  const problems = envelopeProblems(res.body);
  if (problems.length) assert.fail(`error envelope: ${problems.join('; ')} — ${where}`);
  const se = res.body.requestError.serviceException;
  if (se.messageId !== messageId) assert.fail(where);
  if (opts.text && !opts.text.test(se.text)) assert.fail(`text ${JSON.stringify(se.text)} does not match ${opts.text}`);
  for (const field of opts.fields ?? []) {
    if (!se.validationErrors || !(field in se.validationErrors)) {
      assert.fail(`validationErrors should name "${field}": ${JSON.stringify(se.validationErrors)} (text: ${se.text})`);
    }
  }
  if (res.headers) {
    const type = res.headers.get('content-type') ?? '';
    if (!type.startsWith('application/json')) assert.fail(`error content-type ${type}`);
  }
  return se;
}

export const ID32 = /^[0-9A-F]{32}$/;
