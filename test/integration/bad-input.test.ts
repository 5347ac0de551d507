import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertError, createAppAndTemplate, type Harness, sandboxMessages, sendPin, startServer } from '../helpers/harness.ts';

/** Tolerance and refusal of malformed requests (decisions #20, reference §12). */

/** Sends a raw body with a content type, bypassing JSON.stringify. */
const raw = (h: Harness, method: string, path: string, body: string, contentType = 'application/json') =>
  h.call(method, path, undefined, { raw: body, headers: { 'content-type': contentType } });

async function fixture(h: Harness) {
  const { appId, messageId } = await createAppAndTemplate(h);
  const { pinId } = await sendPin(h, { applicationId: appId, messageId, to: '41793026727' });
  const posts = [
    '/2fa/2/applications', `/2fa/2/applications/${appId}/messages`, `/2fa/2/applications/${appId}/email/messages`,
    '/2fa/2/pin', '/2fa/2/pin/voice', '/2fa/2/pin/email', `/2fa/2/pin/${pinId}/verify`,
  ];
  const puts = [`/2fa/2/applications/${appId}`, `/2fa/2/applications/${appId}/messages/${messageId}`];
  return { appId, messageId, pinId, posts, puts };
}

describe('malformed bodies', () => {
  test('malformed JSON → 400 saying the body is not valid JSON, on every endpoint with a body', async (t) => {
    const h = await startServer(t);
    const { pinId, posts, puts } = await fixture(h);
    const targets: [string, string][] = [
      ...posts.map((p) => ['POST', p] as [string, string]), ...puts.map((p) => ['PUT', p] as [string, string]),
      ['POST', `/2fa/2/pin/${pinId}/resend`], ['POST', `/2fa/2/pin/${pinId}/resend/voice`],
    ];
    for (const [method, path] of targets) {
      for (const body of ['{', '{"name": }', "{'name': 'x'}", '{"a":1,}', 'undefined', '\u0000']) {
        assertError(await raw(h, method, path, body), 400, 'BAD_REQUEST', { text: /not valid JSON/ });
      }
    }
    assert.equal((await sandboxMessages(h, '41793026727')).length, 1, 'nothing more was sent');
  });

  test('a JSON body that is not an object → 400 naming the body', async (t) => {
    const h = await startServer(t);
    const { posts, puts } = await fixture(h);
    for (const [method, path] of [...posts.map((p) => ['POST', p]), ...puts.map((p) => ['PUT', p])] as [string, string][]) {
      for (const body of ['[]', '[{"name":"x"}]', '"text"', '42', 'true', 'null']) {
        assertError(await raw(h, method, path, body), 400, 'BAD_REQUEST', { fields: ['body'], text: /JSON object/ });
      }
    }
  });

  test('an empty body where one is required → 400', async (t) => {
    const h = await startServer(t);
    const { posts } = await fixture(h);
    for (const path of posts) {
      assertError(await raw(h, 'POST', path, ''), 400, 'BAD_REQUEST');
      assertError(await h.call('POST', path), 400, 'BAD_REQUEST');
    }
  });

  test('wrong JSON types → 400 with validationErrors naming each field', async (t) => {
    const h = await startServer(t);
    const { appId, messageId, pinId } = await fixture(h);
    const cases: [string, string, unknown, string[]][] = [
      ['POST', '/2fa/2/applications', { name: ['x'], enabled: 1 }, ['name', 'enabled']],
      ['POST', '/2fa/2/applications', { name: 'x', configuration: { pinAttempts: '3', pinTimeToLive: 15, verifyPinLimit: null } }, ['configuration.pinAttempts', 'configuration.pinTimeToLive', 'configuration.verifyPinLimit']],
      ['POST', `/2fa/2/applications/${appId}/messages`, { pinType: 1, messageText: {}, pinLength: '4', speechRate: 'fast', language: 1 }, ['pinType', 'messageText', 'pinLength', 'speechRate', 'language']],
      ['POST', '/2fa/2/pin', { applicationId: 1, messageId: true, to: 41793026727, placeholders: 'x', trackDelivery: 'true' }, ['applicationId', 'messageId', 'to', 'placeholders', 'trackDelivery']],
      ['POST', '/2fa/2/pin', { applicationId: appId, messageId, to: '41793026727', from: 12 }, ['from']],
      ['POST', `/2fa/2/pin/${pinId}/verify`, { pin: 1234 }, ['pin']],
      ['POST', `/2fa/2/pin/${pinId}/resend`, { placeholders: { a: 1 } }, ['placeholders.a']],
    ];
    for (const [method, path, body, fields] of cases) {
      const se = assertError(await h.call(method, path, body), 400, 'BAD_REQUEST', { fields });
      for (const field of fields) assert.match(se.text, new RegExp(field.replace(/\./g, '\\.')), `text names ${field}`);
    }
    // The type is stated: what was expected and what came.
    const se = assertError(await h.call('POST', `/2fa/2/pin/${pinId}/verify`, { pin: 1234 }), 400, 'BAD_REQUEST');
    assert.match(se.validationErrors?.pin?.[0] ?? '', /must be a string, not number/);
  });

  test('a body over 64 KiB → 413 in the envelope, naming the limit', async (t) => {
    const h = await startServer(t);
    const { appId, messageId } = await fixture(h);
    const big = JSON.stringify({ name: 'x', padding: 'y'.repeat(70 * 1024) });
    const res = await raw(h, 'POST', '/2fa/2/applications', big);
    const se = assertError(res, 413, 'BAD_REQUEST');
    assert.match(se.text, /65536 bytes/);
    const bigSend = await h.call('POST', '/2fa/2/pin', { applicationId: appId, messageId, to: '41793026799', placeholders: { a: 'z'.repeat(66_000) } });
    assertError(bigSend, 413, 'BAD_REQUEST');
    assert.equal((await sandboxMessages(h, '41793026799')).length, 0);
    // Just under the limit is parsed (and then judged on its content).
    const under = JSON.stringify({ name: 'x', padding: 'y'.repeat(60 * 1024) });
    assert.equal((await raw(h, 'POST', '/2fa/2/applications', under)).status, 200);
  });

  test('the body limit follows the configuration', async (t) => {
    const h = await startServer(t, { config: { http: { bodyLimitBytes: 2048 } } });
    const se = assertError(await h.call('POST', '/2fa/2/applications', { name: 'x'.repeat(200), pad: 'p'.repeat(3000) }), 413, 'BAD_REQUEST');
    assert.match(se.text, /2048 bytes/);
  });

  test('a body that is not JSON → 415 in the envelope, saying to send JSON', async (t) => {
    const h = await startServer(t);
    for (const type of ['application/x-www-form-urlencoded', 'application/xml', 'multipart/form-data; boundary=x', 'application/jsonp']) {
      const se = assertError(await raw(h, 'POST', '/2fa/2/applications', 'name=x', type), 415, 'BAD_REQUEST');
      assert.match(se.text, /application\/json/);
    }
    // Plain text is read as a string, which is no JSON object.
    assertError(await raw(h, 'POST', '/2fa/2/applications', '{"name":"x"}', 'text/plain'), 400, 'BAD_REQUEST', { text: /JSON object/ });
    assert.deepEqual((await h.call('GET', '/2fa/2/applications')).body, [], 'nothing was created');
  });

  test('"__proto__" and "constructor" keys are plain data, not prototypes', async (t) => {
    const h = await startServer(t);
    assertError(await raw(h, 'POST', '/2fa/2/applications', '{"__proto__":{"name":"polluted"}}'), 400, 'BAD_REQUEST', { fields: ['name'] });
    const res = await raw(h, 'POST', '/2fa/2/applications', '{"name":"ok","constructor":{"prototype":{"x":1}},"__proto__":{"enabled":false}}');
    assert.equal(res.status, 200);
    assert.equal(res.body.enabled, true);
    assert.equal(({} as Record<string, unknown>).x, undefined);
  });
});

describe('tolerance', () => {
  test('unknown body fields are ignored on every endpoint', async (t) => {
    const h = await startServer(t);
    const app = await h.call('POST', '/2fa/2/applications', { name: 'x', extra: 1, configuration: { verifyPinLimit: '100/1s', foo: 'bar' } });
    assert.equal(app.status, 200);
    const appId = app.body.applicationId;
    const tpl = await h.call('POST', `/2fa/2/applications/${appId}/messages`, { pinType: 'NUMERIC', messageText: 'Your PIN is {{pin}}', pinPlaceholder: '<pin>', unknown: [1, 2] });
    assert.equal(tpl.status, 200);
    assert.equal(tpl.body.pinPlaceholder, '{{pin}}');
    const sent = await h.call('POST', '/2fa/2/pin', { applicationId: appId, messageId: tpl.body.messageId, to: '41793026727', notifyUrl: 'x', pinCode: '0000', callbackData: { a: 1 } });
    assert.equal(sent.status, 200, JSON.stringify(sent.body));
    assert.deepEqual(Object.keys(sent.body).sort(), ['ncStatus', 'pinId', 'smsStatus', 'to']);
    const verify = await h.call('POST', `/2fa/2/pin/${sent.body.pinId}/verify`, { pin: '0000', msisdn: '1' });
    assert.equal(verify.status, 200);
    assert.equal((await h.call('POST', `/2fa/2/pin/${sent.body.pinId}/resend`, { whatever: true })).status, 200);
  });

  test('trailing slashes are accepted on every path, and Content-Type on GETs', async (t) => {
    const h = await startServer(t);
    const { appId, messageId, pinId } = await fixture(h);
    const json = { 'content-type': 'application/json' };
    const gets = [
      '/2fa/2/applications/', `/2fa/2/applications/${appId}/`, `/2fa/2/applications/${appId}/messages/`,
      `/2fa/2/applications/${appId}/messages/${messageId}/`, `/2fa/2/applications/${appId}/verifications/?msisdn=41793026727`,
      `/2fa/2/pin/${pinId}/status/`, '/sandbox/1/messages/?to=41793026727', '/tts/3/voices/en/',
    ];
    for (const path of gets) {
      for (const headers of [{}, json, { 'content-type': 'application/json; charset=utf-8' }]) {
        const res = await h.call('GET', path, undefined, { headers });
        assert.equal(res.status, 200, `GET ${path} ${JSON.stringify(headers)}: ${JSON.stringify(res.body)}`);
      }
    }
    const writes: [string, string, unknown][] = [
      ['POST', '/2fa/2/applications/', { name: 'slash' }],
      ['PUT', `/2fa/2/applications/${appId}/`, { name: 'slash' }],
      ['POST', `/2fa/2/applications/${appId}/messages/`, { pinType: 'NUMERIC', messageText: '{{pin}}' }],
      ['PUT', `/2fa/2/applications/${appId}/messages/${messageId}/`, { pinLength: 4 }],
      ['POST', `/2fa/2/applications/${appId}/email/messages/`, { emailTemplateId: 1 }],
      ['POST', '/2fa/2/pin/', { applicationId: appId, messageId, to: '41793026728' }],
      ['POST', '/2fa/2/pin/voice/', { applicationId: appId, messageId, to: '15550000002' }],
      ['POST', `/2fa/2/pin/${pinId}/resend/`, {}],
      ['POST', `/2fa/2/pin/${pinId}/verify/`, { pin: '0000' }],
    ];
    for (const [method, path, body] of writes) {
      const res = await h.call(method, path, body, { headers: { 'content-type': 'application/json; charset=UTF-8' } });
      assert.equal(res.status, 200, `${method} ${path}: ${JSON.stringify(res.body)}`);
    }
  });

  test('Content-Type with charset and other parameters (the Java client sends "; charset=UTF-8"), any case, +json suffix', async (t) => {
    const h = await startServer(t);
    const { appId, messageId } = await createAppAndTemplate(h);
    const types = [
      'application/json; charset=UTF-8', 'application/json; charset=utf-8', 'application/json;charset=UTF-8', 'Application/JSON',
      'application/json ; charset="utf-8"', 'application/vnd.open2fa+json', 'application/problem+json; charset=utf-8',
    ];
    for (const type of types) {
      const app = await raw(h, 'POST', '/2fa/2/applications', '{"name":"typed"}', type);
      assert.equal(app.status, 200, `${type}: ${JSON.stringify(app.body)}`);
      const sent = await raw(h, 'POST', '/2fa/2/pin', JSON.stringify({ applicationId: appId, messageId, to: '41793026727' }), type);
      assert.equal(sent.status, 200, `${type}: ${JSON.stringify(sent.body)}`);
      // A malformed body under these types is still a JSON error, not a media-type one.
      assertError(await raw(h, 'POST', '/2fa/2/applications', '{oops', type), 400, 'BAD_REQUEST', { text: /not valid JSON/ });
    }
  });

  test('a GET that carries an (ignored) empty JSON body still works', async (t) => {
    const h = await startServer(t);
    const res = await fetch(`${h.url}/2fa/2/applications`, { headers: { authorization: `App ${h.key}`, 'content-type': 'application/json', 'content-length': '0' } });
    assert.equal(res.status, 200);
  });
});

describe('unknown routes and methods', () => {
  test('unknown paths and methods → 404 in the envelope, naming the method and path', async (t) => {
    const h = await startServer(t);
    const cases: [string, string][] = [
      ['GET', '/'], ['GET', '/2fa/1/applications'], ['GET', '/2fa/2/pins'], ['DELETE', '/2fa/2/applications/0933F3BC087D2A617AC6DCB2EF5B8A61'],
      ['PATCH', '/2fa/2/applications/0933F3BC087D2A617AC6DCB2EF5B8A61'], ['GET', '/2fa/2/pin'], ['GET', '/2fa/2/pin/9C817C6F8AF3D48F9FE553282AFA2B67/verify'],
      ['DELETE', '/2fa/2/applications/0933F3BC087D2A617AC6DCB2EF5B8A61/messages/9C817C6F8AF3D48F9FE553282AFA2B67'],
    ];
    for (const [method, path] of cases) {
      const se = assertError(await h.call(method, path), 404, 'NOT_FOUND');
      assert.ok(se.text.includes(method) && se.text.includes(path), se.text);
    }
  });

  test('a malformed URL encoding → 400 in the envelope', async (t) => {
    const h = await startServer(t);
    for (const path of ['/2fa/2/applications/%E0%A4%A', '/2fa/2/pin/%ZZ/verify', '/2fa/2/applications/%C0%AF/messages']) {
      assertError(await h.call('GET', path), 400, 'BAD_REQUEST', { text: /URL/ });
    }
  });

  test('long ids are 404; ids past the router\'s limit are 400 — both in the envelope', async (t) => {
    const h = await startServer(t);
    for (const id of ['A'.repeat(64), 'A'.repeat(199)]) {
      assertError(await h.call('GET', `/2fa/2/applications/${id}`), 404, 'NOT_FOUND');
      assertError(await h.call('POST', `/2fa/2/pin/${id}/verify`, { pin: '1' }), 404, 'NOT_FOUND');
    }
    const id = 'A'.repeat(300);
    assertError(await h.call('GET', `/2fa/2/applications/${id}`), 400, 'BAD_REQUEST', { text: /too long/ });
    assertError(await h.call('POST', `/2fa/2/pin/${id}/verify`, { pin: '1' }), 400, 'BAD_REQUEST', { text: /too long/ });
  });
});
