import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  assertError, capturedPin, createAppAndTemplate, defaultAccountId, type Harness, newApiKey, sandboxMessages, sendPin, startServer,
} from '../helpers/harness.ts';

/** Authentication, scopes and account isolation (reference §2, decisions "Accounts, keys and scopes"). */

const APP = '0933F3BC087D2A617AC6DCB2EF5B8A61';
const PIN = '9C817C6F8AF3D48F9FE553282AFA2B67';

/** One request per authenticated endpoint. */
const ENDPOINTS: [string, string, unknown?][] = [
  ['GET', '/2fa/2/applications'],
  ['POST', '/2fa/2/applications', { name: 'x' }],
  ['GET', `/2fa/2/applications/${APP}`],
  ['PUT', `/2fa/2/applications/${APP}`, { name: 'x' }],
  ['GET', `/2fa/2/applications/${APP}/messages`],
  ['POST', `/2fa/2/applications/${APP}/messages`, { pinType: 'NUMERIC', messageText: '{{pin}}' }],
  ['GET', `/2fa/2/applications/${APP}/messages/${PIN}`],
  ['PUT', `/2fa/2/applications/${APP}/messages/${PIN}`, {}],
  ['POST', `/2fa/2/applications/${APP}/email/messages`, { emailTemplateId: 1 }],
  ['PUT', `/2fa/2/applications/${APP}/email/messages/${PIN}`, {}],
  ['POST', '/2fa/2/pin', { applicationId: APP, messageId: PIN, to: '41793026727' }],
  ['POST', '/2fa/2/pin/voice', { applicationId: APP, messageId: PIN, to: '41793026727' }],
  ['POST', '/2fa/2/pin/email', { applicationId: APP, messageId: PIN, to: 'a@example.com' }],
  ['POST', `/2fa/2/pin/${PIN}/resend`, {}],
  ['POST', `/2fa/2/pin/${PIN}/resend/voice`, {}],
  ['POST', `/2fa/2/pin/${PIN}/resend/email`, {}],
  ['POST', `/2fa/2/pin/${PIN}/verify`, { pin: '1234' }],
  ['GET', `/2fa/2/applications/${APP}/verifications?msisdn=41793026727`],
  ['GET', `/2fa/2/pin/${PIN}/status`],
  ['GET', '/sandbox/1/messages?to=41793026727'],
  ['GET', '/tts/3/voices/en'],
];

const MANAGE_ONLY = ENDPOINTS.filter(([, path]) => path.startsWith('/2fa/2/applications') && !path.includes('/verifications'));

describe('authentication', () => {
  test('no Authorization header → 401 on every endpoint, text says how to authenticate', async (t) => {
    const h = await startServer(t);
    for (const [method, path, body] of ENDPOINTS) {
      const se = assertError(await h.call(method, path, body, { key: null }), 401, 'UNAUTHORIZED');
      assert.match(se.text, /Authorization: App/, `${method} ${path}`);
    }
  });

  test('an unknown key, an unsupported scheme or a malformed header → 401', async (t) => {
    const h = await startServer(t);
    const headers = [
      `App 003026bbc133714df1834b8638bb496e-8f4b3d9a-e931-478d-a994-28a725159ab9`,
      `App ${h.key}x`,
      `Basic ${Buffer.from('Aladdin:openSesame').toString('base64')}`,
      `IBSSO 2f9b4d31-2d0d-49a8-85f0-9b862bdca394`,
      'App',
      'App ',
      h.key,
      `App ${h.key} extra`,
      '',
    ];
    for (const authorization of headers) {
      assertError(await h.call('GET', '/2fa/2/applications', undefined, { key: null, headers: { authorization } }), 401, 'UNAUTHORIZED');
    }
  });

  test('App and Bearer schemes carry the same key (scheme name case-insensitive)', async (t) => {
    const h = await startServer(t);
    for (const authorization of [`App ${h.key}`, `Bearer ${h.key}`, `app ${h.key}`, `BEARER ${h.key}`]) {
      const res = await h.call('GET', '/2fa/2/applications', undefined, { key: null, headers: { authorization } });
      assert.equal(res.status, 200, authorization);
    }
  });

  test('a revoked key → 401 at once; other keys keep working', async (t) => {
    const h = await startServer(t);
    const accountId = await defaultAccountId(h);
    const a = await newApiKey(h, { accountId });
    const b = await newApiKey(h, { accountId });
    assert.equal((await h.call('GET', '/2fa/2/applications', undefined, { key: a.key })).status, 200);
    assert.equal(await h.o2.store.revokeApiKey(a.keyId, Date.now()), true);
    assertError(await h.call('GET', '/2fa/2/applications', undefined, { key: a.key }), 401, 'UNAUTHORIZED', { text: /revoked|Invalid/ });
    assertError(await h.call('GET', '/2fa/2/applications', undefined, { key: null, headers: { authorization: `Bearer ${a.key}` } }), 401, 'UNAUTHORIZED');
    assert.equal((await h.call('GET', '/2fa/2/applications', undefined, { key: b.key })).status, 200);
  });

  test('/healthz is public', async (t) => {
    const h = await startServer(t);
    const res = await h.call('GET', '/healthz', undefined, { key: null });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { status: 'ok' });
  });
});

describe('scopes', () => {
  test('a 2fa:pin:send key gets 403 on every configuration endpoint, naming the scope it lacks', async (t) => {
    const h = await startServer(t);
    const { key } = await newApiKey(h, { accountId: await defaultAccountId(h), scopes: ['2fa:pin:send'] });
    for (const [method, path, body] of MANAGE_ONLY) {
      const se = assertError(await h.call(method, path, body, { key }), 403, 'FORBIDDEN');
      assert.match(se.text, /2fa:manage/, `${method} ${path}`);
    }
  });

  test('a 2fa:pin:send key can send, resend, verify, read status, verifications and the sandbox', async (t) => {
    const h = await startServer(t);
    const { appId, messageId } = await createAppAndTemplate(h);
    const { key } = await newApiKey(h, { accountId: await defaultAccountId(h), scopes: ['2fa:pin:send'] });
    const sent = await sendPin(h, { applicationId: appId, messageId, to: '41793026727' }, { key });
    assert.equal((await h.call('POST', `/2fa/2/pin/${sent.pinId}/resend`, {}, { key })).status, 200);
    assert.equal((await h.call('POST', `/2fa/2/pin/${sent.pinId}/resend/voice`, {}, { key })).status, 200);
    await sendPin(h, { applicationId: appId, messageId, to: '41793026728' }, { key, path: '/2fa/2/pin/voice' });
    const pin = await capturedPin(h, '41793026727', key);
    const verified = await h.call('POST', `/2fa/2/pin/${sent.pinId}/verify`, { pin }, { key });
    assert.equal(verified.body.verified, true);
    assert.equal((await h.call('GET', `/2fa/2/pin/${sent.pinId}/status`, undefined, { key })).status, 200);
    const status = await h.call('GET', `/2fa/2/applications/${appId}/verifications?msisdn=41793026727`, undefined, { key });
    assert.equal(status.status, 200);
    assert.equal(status.body.verifications[0].verified, true);
  });

  test('a 2fa:manage-only key can do everything', async (t) => {
    const h = await startServer(t);
    const { key } = await newApiKey(h, { accountId: await defaultAccountId(h), scopes: ['2fa:manage'] });
    const { appId, messageId } = await createAppAndTemplate(h, { key });
    const sent = await sendPin(h, { applicationId: appId, messageId, to: '41793026727' }, { key });
    const pin = await capturedPin(h, '41793026727', key);
    assert.equal((await h.call('POST', `/2fa/2/pin/${sent.pinId}/verify`, { pin }, { key })).body.verified, true);
  });
});

describe('account isolation', () => {
  async function twoAccounts(h: Harness) {
    const a = await createAppAndTemplate(h);
    const email = (await h.call('POST', `/2fa/2/applications/${a.appId}/email/messages`, { emailTemplateId: 1 })).body.messageId as string;
    const sent = await sendPin(h, { applicationId: a.appId, messageId: a.messageId, to: '41793026727' });
    const pin = await capturedPin(h, '41793026727');
    const other = await newApiKey(h);
    return { ...a, email, pinId: sent.pinId, pin, otherKey: other.key };
  }

  test('another account sees none of the first account\'s applications and templates: 404, as for unknown ids', async (t) => {
    const h = await startServer(t);
    const { appId, messageId, email, otherKey: key } = await twoAccounts(h);
    assert.deepEqual((await h.call('GET', '/2fa/2/applications', undefined, { key })).body, []);
    assertError(await h.call('GET', `/2fa/2/applications/${appId}`, undefined, { key }), 404, 'NOT_FOUND');
    assertError(await h.call('PUT', `/2fa/2/applications/${appId}`, { name: 'stolen', enabled: false }, { key }), 404, 'NOT_FOUND');
    assertError(await h.call('GET', `/2fa/2/applications/${appId}/messages`, undefined, { key }), 404, 'NOT_FOUND');
    assertError(await h.call('POST', `/2fa/2/applications/${appId}/messages`, { pinType: 'NUMERIC', messageText: '{{pin}}' }, { key }), 404, 'NOT_FOUND');
    assertError(await h.call('GET', `/2fa/2/applications/${appId}/messages/${messageId}`, undefined, { key }), 404, 'NOT_FOUND');
    assertError(await h.call('PUT', `/2fa/2/applications/${appId}/messages/${messageId}`, { pinLength: 8 }, { key }), 404, 'NOT_FOUND');
    assertError(await h.call('POST', `/2fa/2/applications/${appId}/email/messages`, { emailTemplateId: 1 }, { key }), 404, 'NOT_FOUND');
    assertError(await h.call('PUT', `/2fa/2/applications/${appId}/email/messages/${email}`, { pinLength: 8 }, { key }), 404, 'NOT_FOUND');
    // …and nothing changed for the owner.
    const own = await h.call('GET', `/2fa/2/applications/${appId}`);
    assert.equal(own.body.name, 'test app');
    assert.equal(own.body.enabled, true);
    assert.equal((await h.call('GET', `/2fa/2/applications/${appId}/messages/${messageId}`)).body.pinLength, 4);
  });

  test('another account cannot send with, verify, resend, or read the status of the first account\'s PINs', async (t) => {
    const h = await startServer(t);
    const { appId, messageId, email, pinId, pin, otherKey: key } = await twoAccounts(h);
    for (const path of ['/2fa/2/pin', '/2fa/2/pin/voice']) {
      assertError(await h.call('POST', path, { applicationId: appId, messageId, to: '41793026799' }, { key }), 404, 'NOT_FOUND');
    }
    assertError(await h.call('POST', '/2fa/2/pin/email', { applicationId: appId, messageId: email, to: 'a@example.com' }, { key }), 404, 'NOT_FOUND');
    assertError(await h.call('POST', `/2fa/2/pin/${pinId}/verify`, { pin }, { key }), 404, 'NOT_FOUND');
    for (const suffix of ['resend', 'resend/voice', 'resend/email']) {
      assertError(await h.call('POST', `/2fa/2/pin/${pinId}/${suffix}`, {}, { key }), 404, 'NOT_FOUND');
    }
    assertError(await h.call('GET', `/2fa/2/pin/${pinId}/status`, undefined, { key }), 404, 'NOT_FOUND');
    assertError(await h.call('GET', `/2fa/2/applications/${appId}/verifications?msisdn=41793026727`, undefined, { key }), 404, 'NOT_FOUND');
    // The sandbox inbox is per account: the same number shows nothing to the other account.
    assert.deepEqual(await sandboxMessages(h, '41793026727', key), []);
    assert.deepEqual(await sandboxMessages(h, '41793026799', key), []);
    // The owner's PIN is untouched: one delivery, all attempts left, still verifiable.
    const status = await h.call('GET', `/2fa/2/pin/${pinId}/status`);
    assert.equal(status.body.deliveries.length, 1);
    assert.equal(status.body.attemptsRemaining, 10);
    assert.equal((await h.call('POST', `/2fa/2/pin/${pinId}/verify`, { pin })).body.verified, true);
  });

  test('two accounts using the same numbers and limits do not share rate-limit windows or inboxes', async (t) => {
    const h = await startServer(t);
    const { key } = await newApiKey(h);
    const a = await createAppAndTemplate(h, { configuration: { sendPinPerPhoneNumberLimit: '1/1d' } });
    const b = await createAppAndTemplate(h, { configuration: { sendPinPerPhoneNumberLimit: '1/1d' }, key });
    await sendPin(h, { applicationId: a.appId, messageId: a.messageId, to: '41793026727' });
    await sendPin(h, { applicationId: b.appId, messageId: b.messageId, to: '41793026727' }, { key });
    const mine = await sandboxMessages(h, '41793026727');
    const theirs = await sandboxMessages(h, '41793026727', key);
    assert.equal(mine.length, 1);
    assert.equal(theirs.length, 1);
    assert.notEqual(mine[0].pinId, theirs[0].pinId);
  });
});
