/**
 * The logs of a full flow at level trace: every line is JSON; every line written while handling a
 * request carries its request id, every delivery line its deliveryId and pinId; and no line holds
 * a PIN, the API key, a full phone number or an email address.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createLogger, maskNumber } from '../../src/app/logger.ts';
import { loadConfig } from '../../src/config/load.ts';
import { createOpen2fa } from '../../src/main.ts';
import { BOOTSTRAP_KEY, wrongPin } from '../helpers/harness.ts';

const PHONE = '41793026727';
const VOICE_PHONE = '41793026728';
const EMAIL = 'alice.logcheck@example.com';
const BAD_KEY = 'bad-key-9f8e7d6c5b4a39281706';

/** Lines of the process that belong to no request and no delivery. */
const PROCESS_LINES = /^(Server listening at |shutting down)/;

test('a full flow logs JSON with request ids, and never the PIN, the key or a full number', async (t) => {
  const lines: string[] = [];
  const logger = createLogger('trace', { write: (chunk: string) => { lines.push(...chunk.split('\n').filter(Boolean)); } });
  const dir = mkdtempSync(join(tmpdir(), 'open2fa-logs-'));
  const config = loadConfig({
    env: { OPEN2FA_DATA_DIR: dir, OPEN2FA_BOOTSTRAP_API_KEY: BOOTSTRAP_KEY, PORT: '0' },
    overrides: { host: '127.0.0.1', delivery: { pollMs: 20, retryBaseMs: 50 } },
  });
  const o2 = await createOpen2fa(config, { logger });
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const url = await o2.http.listen({ host: '127.0.0.1', port: 0 });
  const call = async (method: string, path: string, body?: unknown, key: string | null = BOOTSTRAP_KEY) => {
    const res = await fetch(`${url}${path}`, {
      method, headers: { ...(key ? { authorization: `App ${key}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: await res.json() as any, requestId: res.headers.get('x-request-id') };
  };
  const pinFor = async (to: string) => {
    await o2.worker.drain();
    const inbox = await call('GET', `/sandbox/1/messages?to=${encodeURIComponent(to)}`);
    const text: string = inbox.body.messages[0]?.text ?? inbox.body.messages[0]?.subject ?? '';
    return /PIN is ([A-Z]+)/.exec(text)?.[1] ?? assert.fail(`no PIN for ${to}: ${JSON.stringify(inbox.body)}`);
  };

  const pins: string[] = [];
  try {
    const app = await call('POST', '/2fa/2/applications', { name: 'logs', configuration: { sendPinPerPhoneNumberLimit: '100/1d', verifyPinLimit: '100/1s' } });
    const tpl = await call('POST', `/2fa/2/applications/${app.body.applicationId}/messages`, { pinType: 'ALPHA', pinLength: 12, messageText: 'Your PIN is {{pin}}' });
    const content = await call('POST', '/email/1/contents', { name: 'login', subject: 'Your code', text: 'Your PIN is {{pin}}.' });
    const emailTpl = await call('POST', `/2fa/2/applications/${app.body.applicationId}/email/messages`, { pinType: 'ALPHA', pinLength: 12, emailTemplateId: content.body.id, from: 'no-reply@example.org' });
    assert.equal(emailTpl.status, 200, JSON.stringify(emailTpl.body));
    const base = { applicationId: app.body.applicationId, messageId: tpl.body.messageId };

    const sms = await call('POST', '/2fa/2/pin', { ...base, to: PHONE });
    assert.equal(sms.status, 200, JSON.stringify(sms.body));
    const voice = await call('POST', '/2fa/2/pin/voice', { ...base, to: VOICE_PHONE });
    assert.equal(voice.status, 200, JSON.stringify(voice.body));
    const email = await call('POST', '/2fa/2/pin/email', { applicationId: base.applicationId, messageId: emailTpl.body.messageId, to: EMAIL, from: 'no-reply@example.org' });
    pins.push(await pinFor(PHONE), await pinFor(VOICE_PHONE));
    assert.equal(email.status, 200, JSON.stringify(email.body));
    pins.push(await pinFor(EMAIL));
    const [smsPin, voicePin] = pins as [string, string];

    assert.equal((await call('POST', `/2fa/2/pin/${sms.body.pinId}/verify`, { pin: wrongPin(smsPin) })).body.pinError, 'WRONG_PIN');
    assert.equal((await call('POST', `/2fa/2/pin/${sms.body.pinId}/verify`, { pin: smsPin })).body.verified, true);
    assert.equal((await call('POST', `/2fa/2/pin/${voice.body.pinId}/verify`, { pin: voicePin })).body.verified, true);
    assert.equal((await call('GET', `/2fa/2/pin/${sms.body.pinId}/status`)).status, 200);
    assert.equal((await call('GET', `/2fa/2/applications/${base.applicationId}/verifications?msisdn=${PHONE}`)).status, 200);
    const unauthorized = await call('POST', '/2fa/2/pin', { ...base, to: PHONE }, BAD_KEY);
    assert.equal(unauthorized.status, 401);
    assert.match(unauthorized.requestId ?? '', /^[0-9a-f-]{36}$/, 'the request id is echoed');
    // A caller-chosen request id is kept when it looks like one, replaced when it smuggles a number.
    const own = await fetch(`${url}/healthz`, { headers: { 'x-request-id': 'lb-7f3a9c21' } });
    assert.equal(own.headers.get('x-request-id'), 'lb-7f3a9c21');
    const smuggled = await fetch(`${url}/healthz`, { headers: { 'x-request-id': PHONE } });
    assert.notEqual(smuggled.headers.get('x-request-id'), PHONE);
    await o2.worker.drain();
  } finally {
    await o2.close(2000);
  }

  assert.ok(lines.length > 20, `a flow at trace level logs plenty (${lines.length} lines)`);
  assert.ok(pins.length >= 2);
  const forbidden = [...pins, BOOTSTRAP_KEY, BAD_KEY, PHONE, VOICE_PHONE, EMAIL];
  const requestIds = new Set<string>();
  for (const line of lines) {
    let entry: Record<string, unknown>;
    try { entry = JSON.parse(line); } catch { assert.fail(`not JSON: ${line}`); }
    for (const secret of forbidden) assert.ok(!line.includes(secret), `log line contains ${secret}: ${line}`);
    const msg = String(entry.msg ?? '');
    if (typeof entry.reqId === 'string') { requestIds.add(entry.reqId); continue; }
    if (typeof entry.deliveryId === 'string') {
      assert.equal(typeof entry.pinId, 'string', `a delivery line names its PIN: ${line}`);
      continue;
    }
    assert.match(msg, PROCESS_LINES, `a line with neither a request id nor a delivery id: ${line}`);
  }
  const completed = lines.map((l) => JSON.parse(l)).filter((e) => e.msg === 'request completed');
  assert.ok(completed.length >= 12, 'every request logged its completion');
  assert.ok(completed.every((e) => typeof e.reqId === 'string' && e.res?.statusCode), 'with its request id and status');
  assert.ok(requestIds.has('lb-7f3a9c21'));
  const deliveryLines = lines.map((l) => JSON.parse(l)).filter((e) => e.msg === 'delivery attempt finished');
  assert.ok(deliveryLines.length >= 2, 'the worker logged each delivery');
});

test('maskNumber keeps enough to recognise a destination, not enough to reach it', () => {
  assert.equal(maskNumber('41793026727'), '4179*****27');
  assert.equal(maskNumber('+41793026727'), '+4179*****27');
  assert.equal(maskNumber('123456'), '******');
  assert.equal(maskNumber('alice.logcheck@example.com'), 'a***@example.com');
});

test('redaction: credential-named fields never reach the output, however they are nested', () => {
  const out: string[] = [];
  const logger = createLogger('info', { write: (chunk: string) => { out.push(chunk); } });
  logger.info({ pin: '4821', password: 'p1', auth: { user: 'u', pass: 'p2' }, smtp: { auth: { pass: 'p3' } }, token: 't1', apiKey: 'k1', err: { message: 'dup', detail: 'Key (to)=(41793026727) already exists' } }, 'x');
  const line = out.join('');
  for (const secret of ['4821', 'p1', 'p2', 'p3', 't1', 'k1', '41793026727']) assert.ok(!line.includes(secret), `${secret} in ${line}`);
  assert.match(line, /"msg":"x"/);
});
