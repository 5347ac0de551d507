import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  assertError, capturedPin, createAppAndTemplate, ID32, sandboxMessages, sendPin, startServer,
} from '../helpers/harness.ts';

/** Infobip endpoints 11 and 13: send a PIN over SMS and voice (reference §7.1, §7.3, decisions #6, #8–#10, #18, #19). */

const NC_STATUSES = ['NC_DESTINATION_UNKNOWN', 'NC_DESTINATION_REACHABLE', 'NC_DESTINATION_NOT_REACHABLE', 'NC_NOT_CONFIGURED'];

describe('send over SMS', () => {
  test('answers pinId, to, ncStatus, smsStatus — and the sandbox captures the rendered message', async (t) => {
    const h = await startServer(t);
    const { appId, messageId } = await createAppAndTemplate(h);
    const res = await h.call('POST', '/2fa/2/pin', { applicationId: appId, messageId, to: '41793026727' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.match(res.body.pinId, ID32);
    assert.deepEqual(Object.keys(res.body).sort(), ['ncStatus', 'pinId', 'smsStatus', 'to']);
    assert.equal(res.body.to, '41793026727');
    assert.ok(NC_STATUSES.includes(res.body.ncStatus), res.body.ncStatus);
    assert.notEqual(res.body.ncStatus, 'NC_DESTINATION_NOT_REACHABLE', 'a valid Swiss mobile number');
    assert.equal(res.body.smsStatus, 'MESSAGE_SENT');
    const [msg] = await sandboxMessages(h, '41793026727');
    assert.equal(msg.pinId, res.body.pinId);
    assert.equal(msg.channel, 'sms');
    assert.equal(msg.to, '41793026727');
    assert.match(msg.text, /^Your PIN is \d{4}$/);
    assert.ok(!Number.isNaN(Date.parse(msg.createdAt)));
  });

  test('ncNeeded: only "false" skips the lookup (and omits ncStatus); true, undefined, absent and junk keep it', async (t) => {
    const h = await startServer(t);
    const { appId, messageId } = await createAppAndTemplate(h);
    const body = { applicationId: appId, messageId, to: '41793026727' };
    const off = await h.call('POST', '/2fa/2/pin?ncNeeded=false', body);
    assert.equal(off.status, 200);
    assert.deepEqual(Object.keys(off.body).sort(), ['pinId', 'smsStatus', 'to']);
    for (const query of ['?ncNeeded=true', '?ncNeeded=undefined', '', '?ncNeeded=', '?ncNeeded=FALSE', '?ncNeeded=0']) {
      const on = await h.call('POST', `/2fa/2/pin${query}`, body);
      assert.equal(on.status, 200, `${query}: ${JSON.stringify(on.body)}`);
      assert.ok(NC_STATUSES.includes(on.body.ncStatus), `${query}: ${on.body.ncStatus}`);
      assert.equal(on.body.smsStatus, 'MESSAGE_SENT');
    }
    // The Node SDK's exact default URL: trailing slash and a literal "undefined".
    const sdk = await h.call('POST', '/2fa/2/pin/?ncNeeded=undefined', body);
    assert.equal(sdk.status, 200, JSON.stringify(sdk.body));
    assert.ok(NC_STATUSES.includes(sdk.body.ncStatus));
  });

  test('number lookup: with none configured ncStatus is NC_NOT_CONFIGURED and the SMS is sent', async (t) => {
    const h = await startServer(t, { config: { numberLookup: { provider: 'none' } } });
    const { appId, messageId } = await createAppAndTemplate(h);
    const res = await sendPin(h, { applicationId: appId, messageId, to: '1234567' });
    assert.deepEqual(res, { pinId: res.pinId, to: '1234567', ncStatus: 'NC_NOT_CONFIGURED', smsStatus: 'MESSAGE_SENT' });
    assert.equal((await sandboxMessages(h, '1234567')).length, 1);
  });

  test('number lookup: an unreachable destination answers MESSAGE_NOT_SENT and nothing is delivered', async (t) => {
    const h = await startServer(t, { config: { numberLookup: { provider: 'builtin' } } });
    const { appId, messageId } = await createAppAndTemplate(h);
    const res = await sendPin(h, { applicationId: appId, messageId, to: '1234567' }); // +1 234567: too short for NANP
    assert.deepEqual(res, { pinId: res.pinId, to: '1234567', ncStatus: 'NC_DESTINATION_NOT_REACHABLE', smsStatus: 'MESSAGE_NOT_SENT' });
    assert.deepEqual(await sandboxMessages(h, '1234567'), []);
    // Without the lookup the same number is sent to.
    const unchecked = await h.call('POST', '/2fa/2/pin?ncNeeded=false', { applicationId: appId, messageId, to: '1234567' });
    assert.deepEqual(unchecked.body, { pinId: unchecked.body.pinId, to: '1234567', smsStatus: 'MESSAGE_SENT' });
    assert.equal((await sandboxMessages(h, '1234567')).length, 1);
  });

  test('every send makes a new PIN with its own id', async (t) => {
    const h = await startServer(t);
    const { appId, messageId } = await createAppAndTemplate(h);
    const ids = new Set<string>();
    for (let i = 0; i < 5; i++) ids.add((await sendPin(h, { applicationId: appId, messageId, to: '41793026727' })).pinId);
    assert.equal(ids.size, 5);
    assert.equal((await sandboxMessages(h, '41793026727')).length, 5);
  });

  test('PIN shape follows the template: type alphabet and length, letters upper case', async (t) => {
    const h = await startServer(t);
    const cases: [string, number, RegExp][] = [
      ['NUMERIC', 1, /^\d$/], ['NUMERIC', 16, /^\d{16}$/], ['ALPHA', 8, /^[A-Z]{8}$/], ['HEX', 12, /^[0-9A-F]{12}$/], ['ALPHANUMERIC', 10, /^[0-9A-Z]{10}$/],
    ];
    let n = 0;
    for (const [pinType, pinLength, shape] of cases) {
      const { appId, messageId } = await createAppAndTemplate(h, { template: { pinType, pinLength } });
      const to = `4179302${String(6000 + n++)}`;
      await sendPin(h, { applicationId: appId, messageId, to });
      assert.match(await capturedPin(h, to), shape, `${pinType} ${pinLength}`);
    }
  });

  test('sender: request `from` overrides the template senderId; the template senderId is the default', async (t) => {
    const h = await startServer(t);
    const { appId, messageId } = await createAppAndTemplate(h, { template: { senderId: 'ShopName' } });
    await sendPin(h, { applicationId: appId, messageId, to: '41793026727' });
    await sendPin(h, { applicationId: appId, messageId, to: '41793026728', from: 'Override' });
    assert.equal((await sandboxMessages(h, '41793026727'))[0].from, 'ShopName');
    assert.equal((await sandboxMessages(h, '41793026728'))[0].from, 'Override');
  });

  test('SMS `from` must be alphanumeric ≤ 11 or numeric ≤ 15 (decisions #18)', async (t) => {
    const h = await startServer(t);
    const { appId, messageId } = await createAppAndTemplate(h);
    const base = { applicationId: appId, messageId, to: '41793026727' };
    for (const from of ['A sender far too long', '1234567890123456', 'Bad<Sender>']) {
      assertError(await h.call('POST', '/2fa/2/pin', { ...base, from }), 400, 'BAD_REQUEST', { fields: ['from'] });
    }
    assert.deepEqual(await sandboxMessages(h, '41793026727'), [], 'nothing was sent');
    for (const from of ['InfoSMS', '41793026700', '+41793026700', 'Sender 1']) {
      assert.equal((await h.call('POST', '/2fa/2/pin', { ...base, from })).status, 200, from);
    }
  });

  test('trackDelivery: true adds a lower-case UUID externalMessageId; false or absent omits it', async (t) => {
    const h = await startServer(t);
    const { appId, messageId } = await createAppAndTemplate(h);
    const tracked = await sendPin(h, { applicationId: appId, messageId, to: '41793026727', trackDelivery: true });
    assert.match(String(tracked.externalMessageId), /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const untracked = await sendPin(h, { applicationId: appId, messageId, to: '41793026727', trackDelivery: false });
    assert.equal('externalMessageId' in untracked, false);
    assertError(await h.call('POST', '/2fa/2/pin', { applicationId: appId, messageId, to: '41793026727', trackDelivery: 'yes' }), 400, 'BAD_REQUEST', { fields: ['trackDelivery'] });
  });
});

describe('placeholders', () => {
  test('are filled into the message; a value "{{pin}}" stays literal text', async (t) => {
    const h = await startServer(t);
    const { appId, messageId } = await createAppAndTemplate(h, { template: { messageText: 'Hello {{firstName}}, your PIN is {{pin}}' } });
    await sendPin(h, { applicationId: appId, messageId, to: '41793026727', placeholders: { firstName: 'John' } });
    assert.match((await sandboxMessages(h, '41793026727'))[0].text, /^Hello John, your PIN is \d{4}$/);
    await sendPin(h, { applicationId: appId, messageId, to: '41793026728', placeholders: { firstName: '{{pin}}' } });
    assert.match((await sandboxMessages(h, '41793026728'))[0].text, /^Hello \{\{pin\}\}, your PIN is \d{4}$/, 'no PIN injection');
  });

  test('a placeholder without a value → 400 naming it; nothing is sent and no PIN exists', async (t) => {
    const h = await startServer(t);
    const { appId, messageId } = await createAppAndTemplate(h, { template: { messageText: 'Hi {{firstName}} {{lastName}}: {{pin}}' } });
    const se = assertError(await h.call('POST', '/2fa/2/pin', { applicationId: appId, messageId, to: '41793026727', placeholders: { firstName: 'J' } }), 400, 'BAD_REQUEST', { fields: ['placeholders'] });
    assert.match(se.text, /lastName/);
    assert.doesNotMatch(se.text, /firstName/, 'only the missing one is named');
    const none = assertError(await h.call('POST', '/2fa/2/pin/voice', { applicationId: appId, messageId, to: '41793026727' }), 400, 'BAD_REQUEST', { fields: ['placeholders'] });
    assert.match(none.text, /firstName/);
    assert.match(none.text, /lastName/);
    assert.deepEqual(await sandboxMessages(h, '41793026727'), []);
    assert.deepEqual((await h.call('GET', `/2fa/2/applications/${appId}/verifications?msisdn=41793026727`)).body.verifications, []);
  });

  test('placeholder names: "pin" and names with curly brackets → 400; values must be strings', async (t) => {
    const h = await startServer(t);
    const { appId, messageId } = await createAppAndTemplate(h);
    const base = { applicationId: appId, messageId, to: '41793026727' };
    const pin = assertError(await h.call('POST', '/2fa/2/pin', { ...base, placeholders: { pin: '1234' } }), 400, 'BAD_REQUEST', { fields: ['placeholders.pin'] });
    assert.match(pin.text, /pin/);
    assertError(await h.call('POST', '/2fa/2/pin', { ...base, placeholders: { '{{name}}': 'x' } }), 400, 'BAD_REQUEST', { fields: ['placeholders.{{name}}'] });
    assertError(await h.call('POST', '/2fa/2/pin', { ...base, placeholders: { name: 5 } }), 400, 'BAD_REQUEST', { fields: ['placeholders.name'] });
    assertError(await h.call('POST', '/2fa/2/pin', { ...base, placeholders: ['a'] }), 400, 'BAD_REQUEST', { fields: ['placeholders'] });
    assertError(await h.call('POST', `/2fa/2/pin/0933F3BC087D2A617AC6DCB2EF5B8A61/resend`, { placeholders: { pin: '1' } }), 400, 'BAD_REQUEST', { fields: ['placeholders.pin'] });
    assert.deepEqual(await sandboxMessages(h, '41793026727'), []);
  });
});

describe('destination', () => {
  test('"+41793026727" is accepted and answered without the +', async (t) => {
    const h = await startServer(t);
    const { appId, messageId } = await createAppAndTemplate(h);
    const sms = await sendPin(h, { applicationId: appId, messageId, to: '+41793026727' });
    assert.equal(sms.to, '41793026727');
    const voice = await sendPin(h, { applicationId: appId, messageId, to: '+41793026727' }, { path: '/2fa/2/pin/voice' });
    assert.equal(voice.to, '41793026727');
    const msgs = await sandboxMessages(h, '41793026727');
    assert.equal(msgs.length, 2);
    assert.ok(msgs.every((m) => m.to === '41793026727'));
    const verify = await h.call('POST', `/2fa/2/pin/${sms.pinId}/verify`, { pin: '0000' });
    assert.equal(verify.body.msisdn, '41793026727');
  });

  test('letters, too short, too long, empty, or not a string → 400 naming `to`', async (t) => {
    const h = await startServer(t);
    const { appId, messageId } = await createAppAndTemplate(h);
    for (const path of ['/2fa/2/pin', '/2fa/2/pin/voice']) {
      for (const to of ['4179302672a', 'phone', '123456', '1234567890123456', '', '+', '41 79 302 67 27', '++41793026727', 41793026727, null]) {
        const se = assertError(await h.call('POST', path, { applicationId: appId, messageId, to }), 400, 'BAD_REQUEST', { fields: ['to'] });
        if (typeof to === 'string') assert.match(se.validationErrors?.to?.[0] ?? '', /7 to 15 digits/, `${path} ${to}`);
      }
      for (const to of ['1234567', '123456789012345']) {
        assert.equal((await h.call('POST', path, { applicationId: appId, messageId, to })).status, 200, `${path} ${to}`);
      }
    }
  });
});

describe('refusals before sending', () => {
  test('missing applicationId, messageId and to are all named', async (t) => {
    const h = await startServer(t);
    assertError(await h.call('POST', '/2fa/2/pin', {}), 400, 'BAD_REQUEST', { fields: ['applicationId', 'messageId', 'to'] });
    assertError(await h.call('POST', '/2fa/2/pin/voice', { to: '41793026727' }), 400, 'BAD_REQUEST', { fields: ['applicationId', 'messageId'] });
  });

  test('unknown application or template → 404; a template of another application → 404', async (t) => {
    const h = await startServer(t);
    const a = await createAppAndTemplate(h);
    const b = await createAppAndTemplate(h);
    const missing = '9C817C6F8AF3D48F9FE553282AFA2B67';
    for (const path of ['/2fa/2/pin', '/2fa/2/pin/voice']) {
      assertError(await h.call('POST', path, { applicationId: missing, messageId: a.messageId, to: '41793026727' }), 404, 'NOT_FOUND', { text: new RegExp(missing) });
      assertError(await h.call('POST', path, { applicationId: a.appId, messageId: missing, to: '41793026727' }), 404, 'NOT_FOUND', { text: new RegExp(missing) });
      assertError(await h.call('POST', path, { applicationId: a.appId, messageId: b.messageId, to: '41793026727' }), 404, 'NOT_FOUND');
    }
    assertError(await h.call('POST', '/2fa/2/pin/email', { applicationId: missing, messageId: missing, to: 'a@example.com' }), 404, 'NOT_FOUND');
    assert.deepEqual(await sandboxMessages(h, '41793026727'), []);
  });

  test('a disabled application refuses sends with 400 until it is enabled again', async (t) => {
    const h = await startServer(t);
    const { appId, messageId } = await createAppAndTemplate(h);
    assert.equal((await h.call('PUT', `/2fa/2/applications/${appId}`, { enabled: false })).status, 200);
    const body = { applicationId: appId, messageId, to: '41793026727' };
    assertError(await h.call('POST', '/2fa/2/pin', body), 400, 'BAD_REQUEST', { text: /disabled/ });
    assertError(await h.call('POST', '/2fa/2/pin/voice', body), 400, 'BAD_REQUEST', { text: /disabled/ });
    assert.deepEqual(await sandboxMessages(h, '41793026727'), []);
    assert.equal((await h.call('PUT', `/2fa/2/applications/${appId}`, { enabled: true })).status, 200);
    assert.equal((await h.call('POST', '/2fa/2/pin', body)).status, 200);
  });

  test('an application created disabled cannot send either', async (t) => {
    const h = await startServer(t);
    const app = (await h.call('POST', '/2fa/2/applications', { name: 'off', enabled: false })).body;
    const tpl = (await h.call('POST', `/2fa/2/applications/${app.applicationId}/messages`, { pinType: 'NUMERIC', messageText: '{{pin}}' })).body;
    assertError(await h.call('POST', '/2fa/2/pin', { applicationId: app.applicationId, messageId: tpl.messageId, to: '41793026727' }), 400, 'BAD_REQUEST', { text: /disabled/ });
  });
});

describe('send over voice', () => {
  test('answers callStatus PROCESSING (no ncStatus/smsStatus); the call reads the template text with its voice settings', async (t) => {
    const h = await startServer(t);
    const { appId, messageId } = await createAppAndTemplate(h, { template: { language: 'de', voiceName: 'hans', speechRate: 0.75, repeatDTMF: '1#' } });
    const res = await h.call('POST', '/2fa/2/pin/voice', { applicationId: appId, messageId, to: '41793026727' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body, { pinId: res.body.pinId, to: '41793026727', callStatus: 'PROCESSING' });
    const [call] = await sandboxMessages(h, '41793026727');
    assert.equal(call.channel, 'voice');
    assert.equal(call.pinId, res.body.pinId);
    assert.match(call.text, /^Your PIN is \d{4}$/);
    assert.deepEqual(call.voice, { language: 'de', voiceName: 'Hans', speechRate: 0.75, repeatDTMF: '1#' });
  });

  test('voice default: language en, its default voice Joanna, speech rate 1', async (t) => {
    const h = await startServer(t);
    const { appId, messageId } = await createAppAndTemplate(h);
    await sendPin(h, { applicationId: appId, messageId, to: '41793026727' }, { path: '/2fa/2/pin/voice' });
    const [call] = await sandboxMessages(h, '41793026727');
    assert.deepEqual(call.voice, { language: 'en', voiceName: 'Joanna', speechRate: 1 });
  });

  test('caller ID (seed rule): numeric `from`, else numeric template senderId, else the route default', async (t) => {
    const h = await startServer(t);
    const numericSender = await createAppAndTemplate(h, { template: { senderId: '41790000001' } });
    const alphaSender = await createAppAndTemplate(h, { template: { senderId: 'ShopName' } });
    const cases: [typeof numericSender, string | undefined, string, string][] = [
      [numericSender, '41790000009', '41793026701', '41790000009'], // numeric from wins
      [numericSender, 'Alpha', '41793026702', '41790000001'], // alphanumeric from is skipped → numeric senderId
      [numericSender, undefined, '41793026703', '41790000001'],
      [alphaSender, '+41790000008', '41793026704', '+41790000008'],
      [alphaSender, 'Alpha', '41793026705', 'sandbox'], // neither numeric → the route's default caller ID
      [alphaSender, undefined, '41793026706', 'sandbox'],
    ];
    for (const [tpl, from, to, expected] of cases) {
      const sent = await sendPin(h, { applicationId: tpl.appId, messageId: tpl.messageId, to, ...(from ? { from } : {}) }, { path: '/2fa/2/pin/voice' });
      const [call] = await sandboxMessages(h, to);
      assert.equal(call.from, expected, `from=${from} senderId=${tpl === numericSender ? 'numeric' : 'alpha'}`);
      const status = await h.call('GET', `/2fa/2/pin/${sent.pinId}/status`);
      assert.equal(status.body.deliveries[0].from, expected);
    }
  });
});
