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
export async function capturedPin(h: Harness, to: string): Promise<string> {
  await h.o2.worker.drain();
  const res = await h.call('GET', `/sandbox/1/messages?to=${encodeURIComponent(to)}`);
  const text: string = res.body.messages[0]?.text ?? '';
  const pin = /PIN is ([0-9A-Z]+)/.exec(text)?.[1];
  if (!pin) throw new Error(`no PIN captured for ${to}: ${JSON.stringify(res.body)}`);
  return pin;
}
