import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertError, type Harness, ID32, startServer } from '../helpers/harness.ts';

/** Infobip endpoints 5–8: SMS/voice message templates (reference §5, decisions #13–#15, voices). */

async function app(h: Harness): Promise<string> {
  const res = await h.call('POST', '/2fa/2/applications', { name: 'templates' });
  assert.equal(res.status, 200);
  return res.body.applicationId;
}

const post = (h: Harness, appId: string, body: unknown) => h.call('POST', `/2fa/2/applications/${appId}/messages`, body);

describe('message templates', () => {
  test('create with only the required fields: pinLength defaults to 4, absent fields omitted', async (t) => {
    const h = await startServer(t);
    const appId = await app(h);
    const res = await post(h, appId, { pinType: 'NUMERIC', messageText: 'Your pin is {{pin}}' });
    assert.equal(res.status, 200);
    assert.match(res.body.messageId, ID32);
    assert.deepEqual(res.body, {
      messageId: res.body.messageId, applicationId: appId, pinPlaceholder: '{{pin}}', messageText: 'Your pin is {{pin}}', pinLength: 4, pinType: 'NUMERIC',
    });
  });

  test('create with every field (spec example) echoes them all', async (t) => {
    const h = await startServer(t);
    const appId = await app(h);
    const body = {
      pinType: 'ALPHANUMERIC', messageText: 'Hello {{firstName}} your pin is {{pin}}', pinLength: 6, language: 'en', voiceName: 'Joanna',
      senderId: 'Infobip 2FA', repeatDTMF: '1#', speechRate: 1.0,
      regional: { indiaDlt: { contentTemplateId: 'your-template-id', principalEntityId: 'your-entity-id', teleMarketerId: 'your-tele-marketer-id' } },
    };
    const res = await post(h, appId, body);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body, { messageId: res.body.messageId, applicationId: appId, pinPlaceholder: '{{pin}}', ...body });
    const got = await h.call('GET', `/2fa/2/applications/${appId}/messages/${res.body.messageId}`);
    assert.equal(got.status, 200);
    assert.deepEqual(got.body, res.body);
  });

  test('list returns every template of the application, and only of that application', async (t) => {
    const h = await startServer(t);
    const a = await app(h);
    const b = await app(h);
    assert.deepEqual((await h.call('GET', `/2fa/2/applications/${a}/messages`)).body, []);
    const t1 = (await post(h, a, { pinType: 'NUMERIC', messageText: '{{pin}}' })).body;
    const t2 = (await post(h, a, { pinType: 'HEX', messageText: 'code {{pin}}', pinLength: 8 })).body;
    const t3 = (await post(h, b, { pinType: 'ALPHA', messageText: 'x {{pin}}' })).body;
    const list = await h.call('GET', `/2fa/2/applications/${a}/messages`);
    assert.equal(list.status, 200);
    assert.deepEqual([...list.body].sort((x: any, y: any) => x.messageId.localeCompare(y.messageId)), [t1, t2].sort((x, y) => x.messageId.localeCompare(y.messageId)));
    // A template is found only under its own application.
    assertError(await h.call('GET', `/2fa/2/applications/${a}/messages/${t3.messageId}`), 404, 'NOT_FOUND', { text: new RegExp(t3.messageId) });
    assertError(await h.call('PUT', `/2fa/2/applications/${a}/messages/${t3.messageId}`, { pinLength: 5 }), 404, 'NOT_FOUND');
  });

  test('unknown application or template → 404', async (t) => {
    const h = await startServer(t);
    const missing = 'B628A31410306DDB2BFB0D9CF1F3A3FF';
    assertError(await h.call('GET', `/2fa/2/applications/${missing}/messages`), 404, 'NOT_FOUND', { text: new RegExp(missing) });
    assertError(await post(h, missing, { pinType: 'NUMERIC', messageText: '{{pin}}' }), 404, 'NOT_FOUND');
    const appId = await app(h);
    assertError(await h.call('GET', `/2fa/2/applications/${appId}/messages/${missing}`), 404, 'NOT_FOUND', { text: new RegExp(missing) });
    assertError(await h.call('PUT', `/2fa/2/applications/${appId}/messages/${missing}`, { pinLength: 5 }), 404, 'NOT_FOUND');
  });

  test('PUT merges: absent fields keep their values, nothing is required', async (t) => {
    const h = await startServer(t);
    const appId = await app(h);
    const created = (await post(h, appId, {
      pinType: 'NUMERIC', messageText: 'Your PIN is {{pin}}', pinLength: 5, language: 'de', voiceName: 'Hans', speechRate: 0.8, senderId: 'Shop',
    })).body;
    const path = `/2fa/2/applications/${appId}/messages/${created.messageId}`;
    const a = await h.call('PUT', path, { pinLength: 6 });
    assert.equal(a.status, 200, JSON.stringify(a.body));
    assert.deepEqual(a.body, { ...created, pinLength: 6 });
    const b = await h.call('PUT', path, { messageText: 'Code: {{pin}}', repeatDTMF: '#' });
    assert.deepEqual(b.body, { ...a.body, messageText: 'Code: {{pin}}', repeatDTMF: '#' });
    const c = await h.call('PUT', path, {});
    assert.deepEqual(c.body, b.body);
    assert.deepEqual((await h.call('GET', path)).body, b.body);
  });

  test('PUT checks voiceName against the language the template will have', async (t) => {
    const h = await startServer(t);
    const appId = await app(h);
    const created = (await post(h, appId, { pinType: 'NUMERIC', messageText: '{{pin}}', voiceName: 'Joanna' })).body;
    const path = `/2fa/2/applications/${appId}/messages/${created.messageId}`;
    // Switching to German while keeping an English voice is refused…
    assertError(await h.call('PUT', path, { language: 'de' }), 400, 'BAD_REQUEST', { fields: ['voiceName'], text: /Marlene/ });
    // …switching both is fine, and the lower-case name answers the canonical spelling.
    const both = await h.call('PUT', path, { language: 'de', voiceName: 'hans' });
    assert.equal(both.status, 200, JSON.stringify(both.body));
    assert.equal(both.body.language, 'de');
    assert.equal(both.body.voiceName, 'Hans');
  });

  test('an email template cannot be updated through /messages', async (t) => {
    const h = await startServer(t);
    const appId = await app(h);
    const email = (await h.call('POST', `/2fa/2/applications/${appId}/email/messages`, { emailTemplateId: 1234 })).body;
    assertError(await h.call('PUT', `/2fa/2/applications/${appId}/messages/${email.messageId}`, { pinLength: 6 }), 400, 'BAD_REQUEST', { text: /email/ });
  });
});

describe('message template validation', () => {
  test('pinType and messageText are required', async (t) => {
    const h = await startServer(t);
    const appId = await app(h);
    assertError(await post(h, appId, {}), 400, 'BAD_REQUEST', { fields: ['pinType', 'messageText'] });
    assertError(await post(h, appId, { pinType: 'NUMERIC' }), 400, 'BAD_REQUEST', { fields: ['messageText'] });
    assertError(await post(h, appId, { messageText: '{{pin}}' }), 400, 'BAD_REQUEST', { fields: ['pinType'] });
  });

  test('messageText must contain {{pin}}', async (t) => {
    const h = await startServer(t);
    const appId = await app(h);
    for (const messageText of ['Your PIN is', 'Your PIN is {pin}', 'Your PIN is {{PIN}}', 'Your PIN is {{pinCode}}', '']) {
      const se = assertError(await post(h, appId, { pinType: 'NUMERIC', messageText }), 400, 'BAD_REQUEST', { fields: ['messageText'] });
      assert.match(se.validationErrors?.messageText?.join(' ') ?? '', messageText ? /\{\{pin\}\}/ : /empty/, messageText);
    }
    const ok = await post(h, appId, { pinType: 'NUMERIC', messageText: '{{ pin }} is your code; again: {{pin}}' });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
  });

  test('pinType must be one of the four types', async (t) => {
    const h = await startServer(t);
    const appId = await app(h);
    const se = assertError(await post(h, appId, { pinType: 'numeric', messageText: '{{pin}}' }), 400, 'BAD_REQUEST', { fields: ['pinType'] });
    assert.match(se.validationErrors?.pinType?.[0] ?? '', /NUMERIC, ALPHA, HEX, ALPHANUMERIC/);
    for (const pinType of ['NUMERIC', 'ALPHA', 'HEX', 'ALPHANUMERIC']) {
      assert.equal((await post(h, appId, { pinType, messageText: '{{pin}}' })).status, 200, pinType);
    }
  });

  test('pinLength is an integer from 1 to 16', async (t) => {
    const h = await startServer(t);
    const appId = await app(h);
    for (const pinLength of [0, 17, -1, 4.5, '4', null]) {
      assertError(await post(h, appId, { pinType: 'NUMERIC', messageText: '{{pin}}', pinLength }), 400, 'BAD_REQUEST', { fields: ['pinLength'] });
    }
    for (const pinLength of [1, 16]) {
      const res = await post(h, appId, { pinType: 'NUMERIC', messageText: '{{pin}}', pinLength });
      assert.equal(res.status, 200);
      assert.equal(res.body.pinLength, pinLength);
    }
  });

  test('speechRate is a number from 0.5 to 2', async (t) => {
    const h = await startServer(t);
    const appId = await app(h);
    for (const speechRate of [0.49, 2.01, 0, -1, '1.0']) {
      const se = assertError(await post(h, appId, { pinType: 'NUMERIC', messageText: '{{pin}}', speechRate }), 400, 'BAD_REQUEST', { fields: ['speechRate'] });
      if (typeof speechRate === 'number') assert.match(se.validationErrors?.speechRate?.[0] ?? '', /0\.5 and 2/);
    }
    for (const speechRate of [0.5, 2, 1.25]) {
      const res = await post(h, appId, { pinType: 'NUMERIC', messageText: '{{pin}}', speechRate });
      assert.equal(res.status, 200);
      assert.equal(res.body.speechRate, speechRate);
    }
  });

  test('language: hyphen accepted, underscore answered; unknown language → 400 listing the valid ones', async (t) => {
    const h = await startServer(t);
    const appId = await app(h);
    for (const [sent, answered] of [['pt-br', 'pt_br'], ['pt_br', 'pt_br'], ['zh-tw', 'zh_tw'], ['pt-PT', 'pt_pt'], ['ZH_CN', 'zh_cn'], ['hr', 'hr'], ['ro', 'ro']]) {
      const res = await post(h, appId, { pinType: 'NUMERIC', messageText: '{{pin}}', language: sent });
      assert.equal(res.status, 200, `${sent}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.language, answered, sent);
      const got = await h.call('GET', `/2fa/2/applications/${appId}/messages/${res.body.messageId}`);
      assert.equal(got.body.language, answered);
    }
    for (const language of ['xx', 'en_us', 'english', 'pt--br', '']) {
      const se = assertError(await post(h, appId, { pinType: 'NUMERIC', messageText: '{{pin}}', language }), 400, 'BAD_REQUEST', { fields: ['language'] });
      assert.match(se.validationErrors?.language?.[0] ?? '', /pt_br/, 'lists the valid languages');
    }
  });

  test('voiceName: unknown → 400 naming the valid voices; case-insensitive match answers the canonical name', async (t) => {
    const h = await startServer(t);
    const appId = await app(h);
    const se = assertError(await post(h, appId, { pinType: 'NUMERIC', messageText: '{{pin}}', voiceName: 'Hal9000' }), 400, 'BAD_REQUEST', { fields: ['voiceName'] });
    for (const name of ['Joanna', 'Joey', 'Benjamin', 'Ivy']) assert.match(se.text, new RegExp(name), `text names ${name}`);
    assert.match(se.text, /Hal9000/);
    // A German voice is not an English one (language defaults to en).
    assertError(await post(h, appId, { pinType: 'NUMERIC', messageText: '{{pin}}', voiceName: 'Hans' }), 400, 'BAD_REQUEST', { fields: ['voiceName'] });
    const de = await post(h, appId, { pinType: 'NUMERIC', messageText: '{{pin}}', language: 'de', voiceName: 'Hans' });
    assert.equal(de.status, 200);
    for (const [sent, canonical] of [['joanna', 'Joanna'], ['JOEY', 'Joey'], [' ivy ', 'Ivy']]) {
      const res = await post(h, appId, { pinType: 'NUMERIC', messageText: '{{pin}}', voiceName: sent });
      assert.equal(res.status, 200, `${sent}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.voiceName, canonical);
    }
  });

  test('repeatDTMF, senderId and regional are validated', async (t) => {
    const h = await startServer(t);
    const appId = await app(h);
    const base = { pinType: 'NUMERIC', messageText: '{{pin}}' };
    assertError(await post(h, appId, { ...base, repeatDTMF: '1x' }), 400, 'BAD_REQUEST', { fields: ['repeatDTMF'] });
    assertError(await post(h, appId, { ...base, repeatDTMF: '' }), 400, 'BAD_REQUEST', { fields: ['repeatDTMF'] });
    assertError(await post(h, appId, { ...base, senderId: 'A sender name far too long' }), 400, 'BAD_REQUEST', { fields: ['senderId'] });
    assertError(await post(h, appId, { ...base, senderId: '1234567890123456' }), 400, 'BAD_REQUEST', { fields: ['senderId'] });
    assertError(await post(h, appId, { ...base, regional: { indiaDlt: { contentTemplateId: 'x' } } }), 400, 'BAD_REQUEST', { fields: ['regional.indiaDlt.principalEntityId'] });
    assertError(await post(h, appId, { ...base, regional: { indiaDlt: { principalEntityId: 'x'.repeat(31) } } }), 400, 'BAD_REQUEST', { fields: ['regional.indiaDlt.principalEntityId'] });
    for (const senderId of ['InfoSMS', '+41793026727', '123456789012345', 'Infobip 2FA']) {
      assert.equal((await post(h, appId, { ...base, senderId })).status, 200, senderId);
    }
    for (const repeatDTMF of ['1#', '*', '0123456#', 'A']) {
      assert.equal((await post(h, appId, { ...base, repeatDTMF })).status, 200, repeatDTMF);
    }
  });

  test('PUT validates too, and a rejected PUT changes nothing', async (t) => {
    const h = await startServer(t);
    const appId = await app(h);
    const created = (await post(h, appId, { pinType: 'NUMERIC', messageText: 'PIN {{pin}}' })).body;
    const path = `/2fa/2/applications/${appId}/messages/${created.messageId}`;
    assertError(await h.call('PUT', path, { messageText: 'no pin here' }), 400, 'BAD_REQUEST', { fields: ['messageText'] });
    assertError(await h.call('PUT', path, { pinLength: 17 }), 400, 'BAD_REQUEST', { fields: ['pinLength'] });
    assertError(await h.call('PUT', path, { pinType: 'DIGITS' }), 400, 'BAD_REQUEST', { fields: ['pinType'] });
    assertError(await h.call('PUT', path, { language: 'klingon' }), 400, 'BAD_REQUEST', { fields: ['language'] });
    assertError(await h.call('PUT', path, { speechRate: 3 }), 400, 'BAD_REQUEST', { fields: ['speechRate'] });
    assertError(await h.call('PUT', path, { voiceName: 'Nobody' }), 400, 'BAD_REQUEST', { fields: ['voiceName'] });
    assert.deepEqual((await h.call('GET', path)).body, created);
  });
});
