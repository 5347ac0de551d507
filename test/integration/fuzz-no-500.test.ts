import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { createAppAndTemplate, envelopeProblems, type Harness, sendPin, startServer } from '../helpers/harness.ts';

/**
 * Property: whatever arrives — random JSON, random text, odd headers, odd ids — the server
 * answers below 500, always with a JSON body, and every error body is exactly Infobip's envelope.
 *
 * The routes are read from src/http/routes/*.ts, so a route added later is fuzzed too.
 */

const ROUTES_DIR = join(import.meta.dirname, '../../src/http/routes');

interface Route { method: string; path: string; html?: boolean }

/** Pages for people (the email opt-out landing page) answer HTML by design, never the envelope. */
const HTML_PAGES = /^\/optout\//;

const NOT_JSON = [
  { path: /^\/metrics\/?(\?|$)/, type: /^text\/plain; version=0\.0\.4/ },
  { path: /^\/console(\/?(\?|$)|\/assets\/)/, type: /^(text\/html|text\/css|text\/javascript|application\/javascript)/ },
  { path: /\/preview\.wav\/?(\?|$)/, type: /^audio\/(wav|x-wav)/ },
];

function routesFromSource(): Route[] {
  const routes: Route[] = [];
  for (const file of readdirSync(ROUTES_DIR).filter((f) => f.endsWith('.ts'))) {
    const source = readFileSync(join(ROUTES_DIR, file), 'utf8');
    const constants = new Map<string, string>();
    for (const m of source.matchAll(/const (\w+) = '([^']+)'/g)) constants.set(m[1]!, m[2]!);
    for (const m of source.matchAll(/(?:app|scope)\.(get|post|put|delete|patch)(?:<.*?>)?\(\s*(['`])([^'`]+)\2/g)) {
      const path = m[3]!.replace(/\$\{(\w+)\}/g, (_, name: string) => constants.get(name) ?? assert.fail(`unresolved \${${name}} in ${file}`));
      routes.push({ method: m[1]!.toUpperCase(), path, ...(HTML_PAGES.test(path) ? { html: true } : {}) });
    }
  }
  return routes;
}

const ROUTES = routesFromSource();

test('the route list read from the sources covers the Infobip API', () => {
  const keys = new Set(ROUTES.map((r) => `${r.method} ${r.path}`));
  for (const expected of [
    'GET /2fa/2/applications', 'POST /2fa/2/applications', 'GET /2fa/2/applications/:appId', 'PUT /2fa/2/applications/:appId',
    'GET /2fa/2/applications/:appId/messages', 'POST /2fa/2/applications/:appId/messages', 'GET /2fa/2/applications/:appId/messages/:msgId',
    'PUT /2fa/2/applications/:appId/messages/:msgId', 'POST /2fa/2/applications/:appId/email/messages', 'PUT /2fa/2/applications/:appId/email/messages/:msgId',
    'POST /2fa/2/pin', 'POST /2fa/2/pin/voice', 'POST /2fa/2/pin/email', 'POST /2fa/2/pin/:pinId/resend', 'POST /2fa/2/pin/:pinId/resend/voice',
    'POST /2fa/2/pin/:pinId/resend/email', 'POST /2fa/2/pin/:pinId/verify', 'GET /2fa/2/applications/:appId/verifications',
    'GET /2fa/2/pin/:pinId/status', 'GET /sandbox/1/messages', 'GET /tts/3/voices/:language',
  ]) assert.ok(keys.has(expected), `route ${expected} found in ${ROUTES_DIR}`);
});

/** Field names the endpoints know, so random bodies often reach validation of real fields. */
const FIELDS = [
  'name', 'enabled', 'configuration', 'notifyUrl', 'pinAttempts', 'allowMultiplePinVerifications', 'pinTimeToLive', 'verifyPinLimit',
  'sendPinPerApplicationLimit', 'sendPinPerPhoneNumberLimit', 'pinType', 'messageText', 'pinLength', 'language', 'voiceName', 'repeatDTMF',
  'speechRate', 'senderId', 'regional', 'indiaDlt', 'principalEntityId', 'emailTemplateId', 'from', 'landingPageId', 'applicationId',
  'messageId', 'to', 'placeholders', 'landingPagePlaceholders', 'trackDelivery', 'pin', 'subject', 'text', 'html', 'id',
  '__proto__', 'constructor', 'toString', 'pin ',
];

const CONTENT_TYPES = [
  'application/json', 'application/json; charset=utf-8', 'application/json;charset=UTF-8', 'APPLICATION/JSON', 'application/vnd.x+json',
  'text/plain', 'text/plain; charset=utf-8', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x',
  'application/octet-stream', 'application/json; charset=latin1', 'application/json; charset=', '*/*', 'garbage', ';', 'application/',
];

interface Fixture { appId: string; messageId: string; emailId: string; pinId: string; key: string }

function requestArb(fx: Fixture) {
  const interesting = fc.constantFrom(
    'en', '1/3s', '15m', '366d', '1/2d', 'ms', '{{pin}}', 'Your PIN is {{pin}}', '41793026727', '+41793026727', '15550000002',
    'a@example.com', 'NUMERIC', 'ALPHA', 'HEX', 'ALPHANUMERIC', 'Joanna', 'pt-br', '1#', fx.appId, fx.messageId, fx.emailId, fx.pinId,
  );
  const leaf = fc.oneof(
    { weight: 3, arbitrary: interesting },
    { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
    { weight: 2, arbitrary: fc.integer({ min: -5, max: 20 }) },
    { weight: 1, arbitrary: fc.oneof(fc.double(), fc.constantFrom(1e308, -0, 2 ** 53 + 1, 0.5, 2)) },
    { weight: 1, arbitrary: fc.boolean() },
    { weight: 1, arbitrary: fc.constant(null) },
  );
  const value: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
    v: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(fc.constantFrom(...FIELDS), tie('v'), { maxKeys: 4 })),
  })).v;
  const body = fc.oneof(
    { weight: 5, arbitrary: fc.dictionary(fc.oneof(fc.constantFrom(...FIELDS), fc.string({ maxLength: 8 })), value, { maxKeys: 8 }).map((o) => JSON.stringify(o)) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
    { weight: 1, arbitrary: fc.constantFrom('', '{', '{"a":', '[', 'null', '""', '{"name":"x"}}', '\u0000', '{"pin":"1234"', ' '.repeat(10)) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
  const id = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(fx.appId, fx.messageId, fx.emailId, fx.pinId) },
    { weight: 2, arbitrary: fc.stringMatching(/^[0-9A-F]{32}$/) },
    { weight: 2, arbitrary: fc.string({ maxLength: 40 }).map(encodeURIComponent) },
    { weight: 1, arbitrary: fc.constantFrom('%', '%E0%A4%A', '%00', '..', '%2F', 'A'.repeat(250), '-', 'en', 'pt-br', 'x.wav', '%F0%9F%98%80') },
  );
  const query = fc.dictionary(
    fc.constantFrom('ncNeeded', 'msisdn', 'verified', 'sent', 'to', 'limit', 'token', 'includeNeural', 'x'),
    fc.oneof(fc.constantFrom('true', 'false', 'undefined', '', '41793026727', '0', '501', 'a@example.com'), fc.string({ maxLength: 20 })),
    { maxKeys: 3 },
  ).map((q) => (Object.keys(q).length ? `?${new URLSearchParams(q)}` : ''));
  const auth = fc.oneof(
    { weight: 8, arbitrary: fc.constant(`App ${fx.key}`) },
    { weight: 1, arbitrary: fc.constant(`Bearer ${fx.key}`) },
    { weight: 1, arbitrary: fc.constantFrom(undefined, '', 'App', 'Basic QWxhZGRpbjpvcGVuU2VzYW1l', 'App not-a-key') },
    { weight: 1, arbitrary: fc.string({ maxLength: 30 }).map((s) => `App ${s}`) },
  );
  const method = fc.oneof({ weight: 9, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS') });
  return fc.record({
    route: fc.constantFrom(...ROUTES), method, ids: fc.array(id, { minLength: 3, maxLength: 3 }), query, body, auth,
    contentType: fc.option(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...CONTENT_TYPES) }, { weight: 1, arbitrary: fc.string({ maxLength: 30 }) })),
    idempotencyKey: fc.option(fc.oneof(fc.uuid(), fc.string({ maxLength: 20 }), fc.constant('x'.repeat(300))), { freq: 6 }),
    trailingSlash: fc.boolean(),
  });
}

type Req = ReturnType<typeof requestArb> extends fc.Arbitrary<infer R> ? R : never;

async function fire(h: Harness, r: Req) {
  let i = 0;
  const path = r.route.path.replace(/:\w+|\*/g, () => r.ids[i++ % r.ids.length]!) + (r.trailingSlash ? '/' : '') + r.query;
  const method = r.method ?? r.route.method;
  const headers: Record<string, string> = {};
  if (r.auth !== undefined) headers.authorization = r.auth;
  if (r.contentType !== null) headers['content-type'] = r.contentType;
  if (r.idempotencyKey !== null) headers['idempotency-key'] = r.idempotencyKey;
  const withBody = method !== 'GET' && r.body !== undefined;
  let res: Response;
  try {
    res = await fetch(`${h.url}${path}`, { method, headers, ...(withBody ? { body: r.body } : {}) });
  } catch (err) {
    // fetch itself refuses some header values (non-Latin-1, control characters) before sending;
    // such a request never reaches a server. Anything else (a reset connection) is a failure.
    if (err instanceof TypeError && !(err as { cause?: unknown }).cause && /header|ByteString/i.test(err.message)) return undefined;
    throw err;
  }
  const text = await res.text();
  return { status: res.status, text, type: res.headers.get('content-type') ?? '', method, path, headers, body: withBody ? r.body : undefined, html: r.route.html === true && path.startsWith(r.route.path.split('*')[0]!) };
}

function check(out: NonNullable<Awaited<ReturnType<typeof fire>>>): void {
  const where = `${out.method} ${out.path} ${JSON.stringify(out.headers)} body=${JSON.stringify(out.body)} → ${out.status} ${out.text.slice(0, 300)}`;
  assert.ok(out.status < 500, `5xx: ${where}`);
  // Answers that are not JSON by design, when they succeed: Prometheus text, the console's page
  // and assets, the template preview's WAV. Their errors are still the envelope (checked below).
  if (out.status < 400 && NOT_JSON.some((n) => n.path.test(out.path) && n.type.test(out.type))) return;
  if (out.html && out.type.startsWith('text/html')) {
    assert.ok(out.text.length > 0, `empty page: ${where}`);
    return;
  }
  let parsed: unknown;
  try { parsed = JSON.parse(out.text); } catch { assert.fail(`not JSON: ${where}`); }
  assert.match(out.type, /^application\/json/, `content-type ${out.type}: ${where}`);
  if (out.status >= 300) {
    const problems = envelopeProblems(parsed);
    assert.deepEqual(problems, [], `not the envelope: ${where}`);
  }
}

async function fixture(h: Harness): Promise<Fixture> {
  const { appId, messageId } = await createAppAndTemplate(h, { configuration: { sendPinPerApplicationLimit: '100000/1d' } });
  const email = await h.call('POST', `/2fa/2/applications/${appId}/email/messages`, { emailTemplateId: 1 });
  const { pinId } = await sendPin(h, { applicationId: appId, messageId, to: '41793026727' });
  // Deliveries are beside the point here, and rendering call audio would only slow the run.
  await h.o2.worker.stop(0);
  return { appId, messageId, emailId: email.body.messageId, pinId, key: h.key };
}

test('fuzz: random requests to every route never get a 5xx, always JSON, errors always the envelope', async (t) => {
  const h = await startServer(t);
  const fx = await fixture(h);
  let fired = 0;
  const statuses = new Map<number, number>();
  await fc.assert(
    fc.asyncProperty(requestArb(fx), async (r) => {
      const out = await fire(h, r);
      if (!out) return;
      fired++;
      statuses.set(out.status, (statuses.get(out.status) ?? 0) + 1);
      check(out);
    }),
    { numRuns: 400, interruptAfterTimeLimit: 20_000 },
  );
  t.diagnostic(`requests: ${fired}; statuses: ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`);
  assert.ok(fired >= 100, `enough requests reached the server (${fired})`);
  assert.ok([...statuses.keys()].some((s) => s === 200), 'some requests succeeded');
  assert.ok([...statuses.keys()].some((s) => s === 400), 'some requests were refused as bad');
});

test('fuzz: arbitrary bytes as path and body', async (t) => {
  const h = await startServer(t);
  const fx = await fixture(h);
  const prefixes = ['/2fa/2/', '/2fa/2/pin/', '/2fa/2/applications/', `/2fa/2/applications/${fx.appId}/`, `/2fa/2/pin/${fx.pinId}/`, '/sandbox/1/', '/tts/3/voices/', '/email/1/contents/', '/'];
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...prefixes), fc.string({ maxLength: 30 }), fc.constantFrom('GET', 'POST', 'PUT'), fc.string({ unit: 'grapheme', maxLength: 80 }), fc.constantFrom(...CONTENT_TYPES),
      async (prefix, tail, method, body, contentType) => {
        const path = prefix + tail.replace(/[#?]/g, '').split('/').map(encodeURIComponent).join('/');
        const out = await fire(h, {
          route: { method, path }, method, ids: [], query: '', body: method === 'GET' ? undefined : body, auth: `App ${fx.key}`,
          contentType, idempotencyKey: null, trailingSlash: false,
        } as unknown as Req);
        if (out) check(out);
      },
    ),
    { numRuns: 100, interruptAfterTimeLimit: 8_000 },
  );
});
