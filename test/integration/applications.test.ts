import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertError, ID32, startServer } from '../helpers/harness.ts';

/** Infobip endpoints 1–4 (reference §4, decisions #1, #14, #16). */

const DEFAULTS = {
  pinAttempts: 10, allowMultiplePinVerifications: true, pinTimeToLive: '15m', verifyPinLimit: '1/3s',
  sendPinPerApplicationLimit: '10000/1d', sendPinPerPhoneNumberLimit: '3/1d',
};

describe('applications', () => {
  test('create answers 200 with the id, defaults filled in and nothing else', async (t) => {
    const h = await startServer(t);
    const res = await h.call('POST', '/2fa/2/applications', { name: '2fa application name' });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    assert.match(res.body.applicationId, ID32);
    assert.deepEqual(res.body, { applicationId: res.body.applicationId, name: '2fa application name', configuration: DEFAULTS, enabled: true });
  });

  test('create keeps every configuration value exactly as sent (spec example)', async (t) => {
    const h = await startServer(t);
    const configuration = {
      pinAttempts: 5, allowMultiplePinVerifications: false, pinTimeToLive: '10m', verifyPinLimit: '2/4s',
      sendPinPerApplicationLimit: '5000/12h', sendPinPerPhoneNumberLimit: '2/1d',
    };
    const res = await h.call('POST', '/2fa/2/applications', { name: 'spec example', enabled: false, configuration });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.configuration, configuration);
    assert.equal(res.body.enabled, false);
    // The caller's spelling is kept: "m" is not rewritten to "1m", "ms" stays "ms".
    const terse = await h.call('POST', '/2fa/2/applications', { name: 'terse', configuration: { pinTimeToLive: 'm', verifyPinLimit: '3/s' } });
    assert.equal(terse.status, 200, JSON.stringify(terse.body));
    assert.equal(terse.body.configuration.pinTimeToLive, 'm');
    assert.equal(terse.body.configuration.verifyPinLimit, '3/s');
  });

  test('two creates get different ids; list shows both; get returns the same body as create', async (t) => {
    const h = await startServer(t);
    assert.deepEqual((await h.call('GET', '/2fa/2/applications')).body, []);
    const a = await h.call('POST', '/2fa/2/applications', { name: 'A' });
    const b = await h.call('POST', '/2fa/2/applications', { name: 'B', configuration: { pinAttempts: 3 } });
    assert.notEqual(a.body.applicationId, b.body.applicationId);
    const list = await h.call('GET', '/2fa/2/applications');
    assert.equal(list.status, 200);
    assert.ok(Array.isArray(list.body));
    assert.deepEqual([...list.body].sort((x: any, y: any) => x.name.localeCompare(y.name)), [a.body, b.body]);
    const got = await h.call('GET', `/2fa/2/applications/${b.body.applicationId}`);
    assert.equal(got.status, 200);
    assert.deepEqual(got.body, b.body);
  });

  test('unknown application: GET and PUT answer 404 naming the id', async (t) => {
    const h = await startServer(t);
    const id = '0933F3BC087D2A617AC6DCB2EF5B8A61';
    assertError(await h.call('GET', `/2fa/2/applications/${id}`), 404, 'NOT_FOUND', { text: new RegExp(id) });
    assertError(await h.call('PUT', `/2fa/2/applications/${id}`, { name: 'x' }), 404, 'NOT_FOUND', { text: new RegExp(id) });
  });

  test('PUT merges: absent fields keep their values, name is optional', async (t) => {
    const h = await startServer(t);
    const created = (await h.call('POST', '/2fa/2/applications', {
      name: 'merge me', configuration: { pinAttempts: 7, pinTimeToLive: '2h', sendPinPerPhoneNumberLimit: '5/1h' },
    })).body;
    const id = created.applicationId;

    const onlyAttempts = await h.call('PUT', `/2fa/2/applications/${id}`, { configuration: { pinAttempts: 4 } });
    assert.equal(onlyAttempts.status, 200, JSON.stringify(onlyAttempts.body));
    assert.deepEqual(onlyAttempts.body, { ...created, configuration: { ...created.configuration, pinAttempts: 4 } });

    const onlyEnabled = await h.call('PUT', `/2fa/2/applications/${id}`, { enabled: false });
    assert.deepEqual(onlyEnabled.body, { ...onlyAttempts.body, enabled: false });

    const onlyName = await h.call('PUT', `/2fa/2/applications/${id}`, { name: 'renamed' });
    assert.deepEqual(onlyName.body, { ...onlyEnabled.body, name: 'renamed' });

    const empty = await h.call('PUT', `/2fa/2/applications/${id}`, {});
    assert.equal(empty.status, 200);
    assert.deepEqual(empty.body, onlyName.body);

    // GET reads back what PUT answered.
    assert.deepEqual((await h.call('GET', `/2fa/2/applications/${id}`)).body, onlyName.body);
  });

  test('a rejected PUT changes nothing', async (t) => {
    const h = await startServer(t);
    const created = (await h.call('POST', '/2fa/2/applications', { name: 'stable' })).body;
    const res = await h.call('PUT', `/2fa/2/applications/${created.applicationId}`, { name: 'changed', configuration: { pinTimeToLive: '400d' } });
    assertError(res, 400, 'BAD_REQUEST', { fields: ['configuration.pinTimeToLive'], text: /pinTimeToLive/ });
    assert.deepEqual((await h.call('GET', `/2fa/2/applications/${created.applicationId}`)).body, created);
  });
});

describe('application validation', () => {
  test('name is required on create, must not be empty, must be a string', async (t) => {
    const h = await startServer(t);
    assertError(await h.call('POST', '/2fa/2/applications', {}), 400, 'BAD_REQUEST', { fields: ['name'], text: /name/ });
    assertError(await h.call('POST', '/2fa/2/applications', { name: '   ' }), 400, 'BAD_REQUEST', { fields: ['name'] });
    assertError(await h.call('POST', '/2fa/2/applications', { name: 42 }), 400, 'BAD_REQUEST', { fields: ['name'], text: /string/ });
    assertError(await h.call('POST', '/2fa/2/applications', { name: 'x'.repeat(256) }), 400, 'BAD_REQUEST', { fields: ['name'] });
    assert.deepEqual((await h.call('GET', '/2fa/2/applications')).body, [], 'nothing was created');
  });

  const rejected: [string, unknown, RegExp?][] = [
    ['pinTimeToLive', '366d', /maximum|one year/],
    ['pinTimeToLive', '15x', /time/],
    ['pinTimeToLive', '0m', /zero/],
    ['pinTimeToLive', '', /time/],
    ['pinTimeToLive', '-5m', /time/],
    ['pinTimeToLive', '15 m', /time/],
    ['pinTimeToLive', 900000, /string/],
    ['verifyPinLimit', '1/2d', /maximum|one day/],
    ['verifyPinLimit', '1/25h', /maximum|one day/],
    ['verifyPinLimit', '0/1s', /at least 1/],
    ['verifyPinLimit', '3', /limit/],
    ['verifyPinLimit', '1/3x', /limit/],
    ['sendPinPerApplicationLimit', '10/366d', /maximum|one year/],
    ['sendPinPerApplicationLimit', '15x', /limit/],
    ['sendPinPerPhoneNumberLimit', '3/1y', /limit/],
    ['sendPinPerPhoneNumberLimit', '/1d', /limit/],
    ['pinAttempts', 0, /at least 1/],
    ['pinAttempts', 2.5, /integer/],
    ['pinAttempts', '5', /number/],
    ['allowMultiplePinVerifications', 'yes', /boolean/],
  ];
  for (const [field, value, text] of rejected) {
    test(`configuration.${field} = ${JSON.stringify(value)} → 400 naming the field`, async (t) => {
      const h = await startServer(t);
      const res = await h.call('POST', '/2fa/2/applications', { name: 'bad', configuration: { [field]: value } });
      const se = assertError(res, 400, 'BAD_REQUEST', { fields: [`configuration.${field}`] });
      assert.match(se.text, new RegExp(field), 'the text names the field');
      if (text) assert.match(se.validationErrors?.[`configuration.${field}`]?.join(' ') ?? '', text);
    });
  }

  test('time and limit strings at their maxima and in every unit are accepted', async (t) => {
    const h = await startServer(t);
    const accepted = [
      { pinTimeToLive: '365d' }, { pinTimeToLive: 'ms' }, { pinTimeToLive: '500ms' }, { pinTimeToLive: 's' }, { pinTimeToLive: '8760h' },
      { verifyPinLimit: '1/3s' }, { verifyPinLimit: '1/1d' }, { verifyPinLimit: '1/24h' }, { verifyPinLimit: '10/1440m' }, { verifyPinLimit: '2/ms' },
      { sendPinPerApplicationLimit: '5000/12h' }, { sendPinPerApplicationLimit: '10000/365d' }, { sendPinPerPhoneNumberLimit: '10000/3d' },
    ];
    for (const configuration of accepted) {
      const res = await h.call('POST', '/2fa/2/applications', { name: 'ok', configuration });
      assert.equal(res.status, 200, `${JSON.stringify(configuration)}: ${JSON.stringify(res.body)}`);
      const [[key, value]] = Object.entries(configuration) as [[string, string]];
      assert.equal(res.body.configuration[key], value);
    }
  });

  test('several bad fields are all reported at once', async (t) => {
    const h = await startServer(t);
    const res = await h.call('POST', '/2fa/2/applications', { configuration: { pinTimeToLive: '366d', verifyPinLimit: '1/2d', pinAttempts: -1 } });
    assertError(res, 400, 'BAD_REQUEST', { fields: ['name', 'configuration.pinTimeToLive', 'configuration.verifyPinLimit', 'configuration.pinAttempts'] });
  });

  test('configuration and enabled must have the right JSON types', async (t) => {
    const h = await startServer(t);
    assertError(await h.call('POST', '/2fa/2/applications', { name: 'x', configuration: 'fast' }), 400, 'BAD_REQUEST', { fields: ['configuration'] });
    assertError(await h.call('POST', '/2fa/2/applications', { name: 'x', configuration: [] }), 400, 'BAD_REQUEST', { fields: ['configuration'] });
    assertError(await h.call('POST', '/2fa/2/applications', { name: 'x', enabled: 'true' }), 400, 'BAD_REQUEST', { fields: ['enabled'] });
    assertError(await h.call('POST', '/2fa/2/applications', { name: 'x', enabled: null }), 400, 'BAD_REQUEST', { fields: ['enabled'] });
  });

  test('unknown fields are ignored on create and update', async (t) => {
    const h = await startServer(t);
    const res = await h.call('POST', '/2fa/2/applications', { name: 'x', processId: 'abc', configuration: { pinAttempts: 3, somethingNew: 1 }, applicationId: 'MINE' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.match(res.body.applicationId, ID32, 'a client-sent applicationId is ignored');
    assert.equal('processId' in res.body, false);
    assert.equal('somethingNew' in res.body.configuration, false);
    const upd = await h.call('PUT', `/2fa/2/applications/${res.body.applicationId}`, { colour: 'blue', enabled: false });
    assert.equal(upd.status, 200);
    assert.equal(upd.body.enabled, false);
    assert.equal('colour' in upd.body, false);
  });
});
