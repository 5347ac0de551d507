import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  assertError, capturedPin, createAppAndTemplate, fakeClock, type Harness, newApiKey, sandboxMessages, sendPin, startServer,
} from '../helpers/harness.ts';

/** The web console's JSON endpoints (/console/1/...) and its page: auth, isolation, the numbers. */

const SECOND = 1000;
const verify = async (h: Harness, pinId: string, pin: string) => {
  const res = await h.call('POST', `/2fa/2/pin/${pinId}/verify`, { pin });
  assert.equal(res.body.verified, true, JSON.stringify(res.body));
};

/** WAV duration from its header: data bytes / byte rate. */
function wavDurationMs(buf: Buffer): number {
  assert.equal(buf.toString('ascii', 0, 4), 'RIFF');
  return (buf.readUInt32LE(40) / buf.readUInt32LE(28)) * 1000;
}

describe('console: sign-in and scopes', () => {
  test('session needs a key with 2fa:manage: 401 without, 403 for a send-only key; answers the account', async (t) => {
    const h = await startServer(t);
    assertError(await h.call('GET', '/console/1/session', undefined, { key: null }), 401, 'UNAUTHORIZED');
    const sender = await newApiKey(h, { accountId: (await h.o2.store.findAccountByName('default'))!.id, scopes: ['2fa:pin:send'] });
    assertError(await h.call('GET', '/console/1/session', undefined, { key: sender.key }), 403, 'FORBIDDEN', { text: /2fa:manage/ });
    for (const path of ['/console/1/stats', '/console/1/pins', '/console/1/credits', '/console/1/sandbox/messages']) {
      assertError(await h.call('GET', path, undefined, { key: sender.key }), 403, 'FORBIDDEN');
    }
    const res = await h.call('GET', '/console/1/session');
    assert.equal(res.status, 200);
    assert.equal(res.body.account.name, 'default');
    assert.deepEqual(res.body.key.scopes, ['2fa:manage', '2fa:pin:send']);
    assert.equal(res.body.sandbox, true);
    assert.ok(res.body.languages.includes('pt_br'));
    assert.deepEqual(res.body.pinTypes, ['NUMERIC', 'ALPHA', 'HEX', 'ALPHANUMERIC']);
  });

  test('the page and its assets are public, hashed, cached and gzipped; the page forbids inline script', async (t) => {
    const h = await startServer(t);
    const page = await fetch(`${h.url}/console`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    const html = await page.text();
    const script = /src="(\/console\/assets\/app-[A-Z0-9]+\.js)"/.exec(html)?.[1];
    const style = /href="(\/console\/assets\/app-[A-Z0-9]+\.css)"/.exec(html)?.[1];
    assert.ok(script && style, html);
    const js = await fetch(`${h.url}${script}`, { headers: { 'accept-encoding': 'identity' } });
    assert.equal(js.status, 200);
    assert.match(js.headers.get('content-type') ?? '', /javascript/);
    assert.match(js.headers.get('cache-control') ?? '', /immutable/);
    assert.ok((await js.text()).length > 1000);
    const gz = await fetch(`${h.url}${style}`, { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(gz.status, 200);
    assert.match(await gz.text(), /--accent/, 'fetch inflates the gzipped stylesheet');
    const again = await fetch(`${h.url}/console/`, { headers: { 'if-none-match': page.headers.get('etag') ?? '' } });
    assert.equal(again.status, 304);
    assertError(await h.call('GET', '/console/assets/app-NOPE.js', undefined, { key: null }), 404, 'NOT_FOUND');
  });

  test('console.enabled: false serves neither the page nor its endpoints', async (t) => {
    const h = await startServer(t, { config: { console: { enabled: false } } });
    assert.equal((await fetch(`${h.url}/console`)).status, 404);
    assertError(await h.call('GET', '/console/1/session'), 404, 'NOT_FOUND');
  });
});

describe('console: numbers, feed and isolation', () => {
  test('stats count sends, verifications, conversion, outcomes and send→verify times of the range', async (t) => {
    const clock = fakeClock(Date.UTC(2026, 4, 1, 10, 30));
    const h = await startServer(t, { clock });
    const { appId, messageId } = await createAppAndTemplate(h);
    const to = ['41790000101', '41790000102', '41790000103'];
    const sent = [];
    for (const n of to) sent.push(await sendPin(h, { applicationId: appId, messageId, to: n }));
    await sendPin(h, { applicationId: appId, messageId, to: '15550000002' }, { path: '/2fa/2/pin/voice' }); // ERROR_USER_BUSY
    clock.advance(5 * SECOND);
    await verify(h, sent[0]!.pinId, await capturedPin(h, to[0]!));
    clock.advance(40 * SECOND);
    await verify(h, sent[1]!.pinId, await capturedPin(h, to[1]!));

    const res = await h.call('GET', '/console/1/stats?range=24h');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const s = res.body;
    assert.equal(s.range, '24h');
    assert.equal(s.series.length, 24);
    assert.deepEqual(s.totals, { sent: 4, verified: 2, conversionRate: 0.5 });
    assert.deepEqual(s.series.at(-1), { start: '2026-05-01T10:00:00.000Z', sent: 4, verified: 2 }, 'the newest bucket holds now');
    assert.equal(s.to, '2026-05-01T11:00:00.000Z');
    const outcomes = Object.fromEntries(s.outcomes.map((o: any) => [`${o.channel} ${o.status}`, o.count]));
    assert.deepEqual(outcomes, { 'sms DELIVERED_TO_HANDSET': 3, 'voice ERROR_USER_BUSY': 1 });
    const bins = Object.fromEntries(s.verifyTimes.map((b: any) => [b.label, b.count]));
    assert.equal(bins['≤ 10 s'], 1);
    assert.equal(bins['30–60 s'], 1);
    assert.equal(s.verifyTimes.reduce((n: number, b: any) => n + b.count, 0), 2);
    assert.equal(s.medianVerifyUpToMs, 10_000);

    const hourly = (await h.call('GET', '/console/1/stats?range=1h')).body;
    assert.equal(hourly.series.length, 12);
    clock.advance(2 * 86_400_000);
    assert.deepEqual((await h.call('GET', '/console/1/stats?range=24h')).body.totals, { sent: 0, verified: 0, conversionRate: null }, 'out of range');
    assertError(await h.call('GET', '/console/1/stats?range=2d'), 400, 'BAD_REQUEST', { fields: ['range'] });
  });

  test('the feed lists PINs newest first with state and delivery statuses, never the PIN; pages with before', async (t) => {
    const clock = fakeClock();
    const h = await startServer(t, { clock });
    const { appId, messageId } = await createAppAndTemplate(h);
    const first = await sendPin(h, { applicationId: appId, messageId, to: '41790000201' });
    clock.advance(SECOND);
    const second = await sendPin(h, { applicationId: appId, messageId, to: '41790000202' });
    await verify(h, first.pinId, await capturedPin(h, '41790000201'));
    const res = await h.call('GET', '/console/1/pins?limit=10');
    assert.equal(res.status, 200);
    const [b, a] = res.body.pins;
    assert.deepEqual([b.pinId, a.pinId], [second.pinId, first.pinId]);
    assert.equal(a.state, 'VERIFIED');
    assert.equal(b.state, 'PENDING');
    assert.equal(a.applicationName, 'test app');
    assert.deepEqual(a.deliveries.map((d: any) => [d.channel, d.status, d.final]), [['sms', 'DELIVERED_TO_HANDSET', true]]);
    const keys = new Set<string>();
    const walk = (v: unknown) => { if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) { keys.add(k); walk(x); } };
    walk(res.body);
    for (const forbidden of ['pin', 'seed', 'hash', 'text', 'content']) assert.ok(!keys.has(forbidden), `feed exposes ${forbidden}`);
    const older = await h.call('GET', `/console/1/pins?before=${encodeURIComponent(b.createdAt)}`);
    assert.deepEqual(older.body.pins.map((p: any) => p.pinId), [first.pinId]);
    assertError(await h.call('GET', '/console/1/pins?limit=0'), 400, 'BAD_REQUEST', { fields: ['limit'] });
  });

  test("another account's key sees none of this account's data", async (t) => {
    const h = await startServer(t);
    const { appId, messageId } = await createAppAndTemplate(h);
    const sent = await sendPin(h, { applicationId: appId, messageId, to: '41790000301' });
    await sandboxMessages(h, '41790000301');
    const other = await newApiKey(h);
    const as = (path: string) => h.call('GET', path, undefined, { key: other.key });
    assert.notEqual((await as('/console/1/session')).body.account.id, (await h.call('GET', '/console/1/session')).body.account.id);
    assert.deepEqual((await as('/console/1/stats')).body.totals, { sent: 0, verified: 0, conversionRate: null });
    assert.deepEqual((await as('/console/1/stats')).body.outcomes, []);
    assert.deepEqual((await as('/console/1/pins')).body.pins, []);
    assert.deepEqual((await as('/console/1/sandbox/messages')).body.messages, []);
    assert.deepEqual((await as('/console/1/credits')).body, { balance: null, charges: [] });
    assertError(await as(`/console/1/applications/${appId}/messages/${messageId}/preview`), 404, 'NOT_FOUND');
    assertError(await as(`/console/1/applications/${appId}/messages/${messageId}/preview.wav`), 404, 'NOT_FOUND');
    // …while the owner sees its PIN and capture.
    assert.equal((await h.call('GET', '/console/1/pins')).body.pins[0].pinId, sent.pinId);
    assert.equal((await h.call('GET', '/console/1/sandbox/messages')).body.messages[0].pinId, sent.pinId);
  });

  test('credits: the balance as set, unlimited as null', async (t) => {
    const h = await startServer(t);
    assert.deepEqual((await h.call('GET', '/console/1/credits')).body, { balance: null, charges: [] });
    await h.o2.store.setCreditBalance((await h.o2.store.findAccountByName('default'))!.id, 12.5);
    assert.equal((await h.call('GET', '/console/1/credits')).body.balance, 12.5);
  });
});

describe('console: template preview and sandbox inbox', () => {
  test('preview: SMS encoding and parts, voice options, and the WAV of the call for a sample PIN', async (t) => {
    const h = await startServer(t);
    const { appId, messageId } = await createAppAndTemplate(h, { template: { messageText: 'Hi {{name}}, your PIN is {{pin}}', speechRate: 1.2, language: 'de' } });
    const base = `/console/1/applications/${appId}/messages/${messageId}/preview`;
    const p = (await h.call('GET', base)).body;
    assert.equal(p.samplePin, '1234');
    assert.deepEqual(p.sms, { text: 'Hi name, your PIN is 1234', encoding: 'GSM7', parts: 1, characters: 25 });
    assert.equal(p.voice.language, 'de');
    assert.equal(p.voice.speechRate, 1.2);
    assert.ok(p.voice.voiceName, 'the default voice of the language');
    assert.equal((await h.call('GET', `${base}?pin=9z`)).body.sms.text, 'Hi name, your PIN is 9Z');
    assertError(await h.call('GET', `${base}?pin=12-4`), 400, 'BAD_REQUEST', { fields: ['pin'] });

    const wav = await fetch(`${h.url}${base}.wav`, { headers: { authorization: `App ${h.key}` } });
    assert.equal(wav.status, 200);
    assert.equal(wav.headers.get('content-type'), 'audio/wav');
    const audio = Buffer.from(await wav.arrayBuffer());
    const ms = wavDurationMs(audio);
    assert.ok(ms > 1500 && ms < 20_000, `${ms} ms of audio`);
    assert.ok(Math.abs(ms - Number(wav.headers.get('x-audio-duration-ms'))) < 2, 'header and file agree');
    const longer = Buffer.from(await (await fetch(`${h.url}${base}.wav?pin=12345678`, { headers: { authorization: `App ${h.key}` } })).arrayBuffer());
    assert.ok(wavDurationMs(longer) > ms + 1000, 'four more spoken characters take longer');

    const ucs = await createAppAndTemplate(h, { template: { messageText: `Ваш код {{pin}}. ${'Пожалуйста, не сообщайте его никому. '.repeat(2)}` } });
    const u = (await h.call('GET', `/console/1/applications/${ucs.appId}/messages/${ucs.messageId}/preview`)).body;
    assert.equal(u.sms.encoding, 'UCS2');
    assert.equal(u.sms.parts, 2);
    const email = await h.call('POST', `/2fa/2/applications/${appId}/email/messages`, { emailTemplateId: 1, pinLength: 4 });
    assertError(await h.call('GET', `/console/1/applications/${appId}/messages/${email.body.messageId}/preview`), 400, 'BAD_REQUEST', { text: /email template/ });
  });

  test('the recent sandbox captures of every destination, with an audio link that plays without a key', async (t) => {
    const h = await startServer(t);
    const { appId, messageId } = await createAppAndTemplate(h);
    await sendPin(h, { applicationId: appId, messageId, to: '41790000401' });
    const call = await sendPin(h, { applicationId: appId, messageId, to: '41790000402' }, { path: '/2fa/2/pin/voice' });
    await sandboxMessages(h, '41790000402');
    const { messages } = (await h.call('GET', '/console/1/sandbox/messages?limit=5')).body;
    assert.deepEqual(messages.map((m: any) => [m.to, m.channel]), [['41790000402', 'voice'], ['41790000401', 'sms']]);
    assert.equal(messages[0].pinId, call.pinId);
    assert.match(messages[0].text, /Your PIN is \d{4}/);
    const audio = await fetch(messages[0].audioUrl);
    assert.equal(audio.status, 200);
    assert.equal(audio.headers.get('content-type'), 'audio/wav');
    assert.ok(wavDurationMs(Buffer.from(await audio.arrayBuffer())) > 1000);
    assert.equal(messages[1].audioUrl, undefined);
  });
});
