import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertError, type Harness, ID32, sandboxMessages, startServer, wrongPin } from '../helpers/harness.ts';

/** Infobip endpoints 9, 10, 15, 16: email templates and email PINs (reference §6, §7.5, §7.6). */

async function setup(h: Harness, template: Record<string, unknown> = { emailTemplateId: 1234 }) {
  const app = await h.call('POST', '/2fa/2/applications', { name: 'email', configuration: { verifyPinLimit: '100/1s', sendPinPerPhoneNumberLimit: '100/1d' } });
  const tpl = await h.call('POST', `/2fa/2/applications/${app.body.applicationId}/email/messages`, template);
  assert.equal(tpl.status, 200, JSON.stringify(tpl.body));
  return { appId: app.body.applicationId as string, email: tpl.body };
}

const codeIn = (text: string) => /code is ([0-9A-Z]+)/.exec(text)?.[1] ?? assert.fail(`no code in ${text}`);

describe('email templates', () => {
  test('create: defaults NUMERIC and length 4, no SMS fields in the answer', async (t) => {
    const h = await startServer(t);
    const { appId, email } = await setup(h);
    assert.match(email.messageId, ID32);
    assert.deepEqual(email, { messageId: email.messageId, applicationId: appId, pinLength: 4, pinType: 'NUMERIC', emailTemplateId: 1234 });
  });

  test('create with every field (spec example) echoes them; GET and list read it back', async (t) => {
    const h = await startServer(t);
    const body = { pinType: 'ALPHANUMERIC', pinLength: 6, from: 'Jane Smith <jane.smith@example.com>', emailTemplateId: 1234, landingPageId: '1_23456' };
    const { appId, email } = await setup(h, body);
    assert.deepEqual(email, { messageId: email.messageId, applicationId: appId, ...body });
    assert.deepEqual((await h.call('GET', `/2fa/2/applications/${appId}/messages/${email.messageId}`)).body, email);
    const sms = (await h.call('POST', `/2fa/2/applications/${appId}/messages`, { pinType: 'NUMERIC', messageText: '{{pin}}' })).body;
    const list = (await h.call('GET', `/2fa/2/applications/${appId}/messages`)).body;
    assert.equal(list.length, 2, 'the list holds email templates too');
    assert.deepEqual(list.find((m: any) => m.messageId === email.messageId), email);
    assert.deepEqual(list.find((m: any) => m.messageId === sms.messageId), sms);
  });

  test('PUT merges and validates; an SMS template cannot be updated through /email/messages', async (t) => {
    const h = await startServer(t);
    const { appId, email } = await setup(h, { emailTemplateId: 1234, from: 'company@example.com' });
    const path = `/2fa/2/applications/${appId}/email/messages/${email.messageId}`;
    const upd = await h.call('PUT', path, { pinType: 'ALPHANUMERIC', pinLength: 6 });
    assert.equal(upd.status, 200, JSON.stringify(upd.body));
    assert.deepEqual(upd.body, { ...email, pinType: 'ALPHANUMERIC', pinLength: 6 });
    assertError(await h.call('PUT', path, { emailTemplateId: 'abc' }), 400, 'BAD_REQUEST', { fields: ['emailTemplateId'] });
    assertError(await h.call('PUT', path, { from: 'not an address' }), 400, 'BAD_REQUEST', { fields: ['from'] });
    assert.deepEqual((await h.call('GET', `/2fa/2/applications/${appId}/messages/${email.messageId}`)).body, upd.body);

    const sms = (await h.call('POST', `/2fa/2/applications/${appId}/messages`, { pinType: 'NUMERIC', messageText: '{{pin}}' })).body;
    assertError(await h.call('PUT', `/2fa/2/applications/${appId}/email/messages/${sms.messageId}`, { pinLength: 5 }), 400, 'BAD_REQUEST', { text: /SMS\/voice/ });
    assertError(await h.call('PUT', `/2fa/2/applications/${appId}/email/messages/B628A31410306DDB2BFB0D9CF1F3A3FF`, { pinLength: 5 }), 404, 'NOT_FOUND');
    assertError(await h.call('POST', '/2fa/2/applications/B628A31410306DDB2BFB0D9CF1F3A3FF/email/messages', { emailTemplateId: 1 }), 404, 'NOT_FOUND');
  });

  test('validation: emailTemplateId required positive integer, from an address, pinLength 1..16', async (t) => {
    const h = await startServer(t);
    const { appId } = await setup(h);
    const post = (body: unknown) => h.call('POST', `/2fa/2/applications/${appId}/email/messages`, body);
    assertError(await post({}), 400, 'BAD_REQUEST', { fields: ['emailTemplateId'] });
    assertError(await post({ emailTemplateId: '1234' }), 400, 'BAD_REQUEST', { fields: ['emailTemplateId'] });
    assertError(await post({ emailTemplateId: 0 }), 400, 'BAD_REQUEST', { fields: ['emailTemplateId'] });
    assertError(await post({ emailTemplateId: 1.5 }), 400, 'BAD_REQUEST', { fields: ['emailTemplateId'] });
    assertError(await post({ emailTemplateId: 1, from: 'nobody' }), 400, 'BAD_REQUEST', { fields: ['from'] });
    assertError(await post({ emailTemplateId: 1, pinLength: 17 }), 400, 'BAD_REQUEST', { fields: ['pinLength'] });
    assertError(await post({ emailTemplateId: 1, pinType: 'DIGITS' }), 400, 'BAD_REQUEST', { fields: ['pinType'] });
  });
});

describe('email PINs', () => {
  test('send, capture, verify (msisdn holds the address), resend the same PIN', async (t) => {
    const h = await startServer(t);
    const { appId, email } = await setup(h, { emailTemplateId: 1234, from: 'company@example.com' });
    const to = 'john.smith@example.com';
    const sent = await h.call('POST', '/2fa/2/pin/email', { applicationId: appId, messageId: email.messageId, to, placeholders: { firstName: 'John' } });
    assert.equal(sent.status, 200, JSON.stringify(sent.body));
    assert.match(sent.body.pinId, ID32);
    assert.deepEqual(sent.body, {
      pinId: sent.body.pinId, to, emailStatus: { name: 'PENDING_ACCEPTED', description: 'Message accepted, pending for delivery.' },
    });
    const [mail] = await sandboxMessages(h, to);
    assert.equal(mail.channel, 'email');
    assert.equal(mail.from, 'company@example.com');
    assert.equal(mail.pinId, sent.body.pinId);
    assert.equal(typeof mail.subject, 'string');
    const pin = codeIn(mail.text);
    assert.match(pin, /^\d{4}$/);
    assert.ok(mail.html.includes(pin), 'the HTML part carries the PIN too');

    const resent = await h.call('POST', `/2fa/2/pin/${sent.body.pinId}/resend/email`, {});
    assert.equal(resent.status, 200, JSON.stringify(resent.body));
    assert.equal(resent.body.pinId, sent.body.pinId);
    assert.equal(resent.body.emailStatus.name, 'PENDING_ACCEPTED');
    const mails = await sandboxMessages(h, to);
    assert.equal(mails.length, 2);
    assert.equal(codeIn(mails[0].text), pin, 'resend repeats the same PIN');

    const wrong = await h.call('POST', `/2fa/2/pin/${sent.body.pinId}/verify`, { pin: wrongPin(pin) });
    assert.deepEqual(wrong.body, { pinId: sent.body.pinId, msisdn: to, verified: false, attemptsRemaining: 9, pinError: 'WRONG_PIN' });
    const right = await h.call('POST', `/2fa/2/pin/${sent.body.pinId}/verify`, { pin });
    assert.equal(right.body.verified, true);
    assert.equal(right.body.msisdn, to);

    const status = await h.call('GET', `/2fa/2/applications/${appId}/verifications?msisdn=${encodeURIComponent(to)}`);
    assert.equal(status.status, 200);
    assert.equal(status.body.verifications.length, 1);
    assert.equal(status.body.verifications[0].msisdn, to);
    assert.equal(status.body.verifications[0].verified, true);
  });

  test('an email PIN cannot be resent by SMS or voice; a phone PIN cannot be resent by email', async (t) => {
    const h = await startServer(t);
    const { appId, email } = await setup(h);
    const sms = (await h.call('POST', `/2fa/2/applications/${appId}/messages`, { pinType: 'NUMERIC', messageText: 'Your PIN is {{pin}}' })).body;
    const mailPin = (await h.call('POST', '/2fa/2/pin/email', { applicationId: appId, messageId: email.messageId, to: 'a@example.com' })).body.pinId;
    assertError(await h.call('POST', `/2fa/2/pin/${mailPin}/resend`, {}), 400, 'BAD_REQUEST', { text: /resend\/email/ });
    assertError(await h.call('POST', `/2fa/2/pin/${mailPin}/resend/voice`, {}), 400, 'BAD_REQUEST', { text: /resend\/email/ });
    const phonePin = (await h.call('POST', '/2fa/2/pin', { applicationId: appId, messageId: sms.messageId, to: '41793026727' })).body.pinId;
    assertError(await h.call('POST', `/2fa/2/pin/${phonePin}/resend/email`, {}), 400, 'BAD_REQUEST', { text: /phone number/ });
  });

  test('templates of the wrong kind: email template on /pin and /pin/voice, SMS template on /pin/email → 400', async (t) => {
    const h = await startServer(t);
    const { appId, email } = await setup(h);
    const sms = (await h.call('POST', `/2fa/2/applications/${appId}/messages`, { pinType: 'NUMERIC', messageText: '{{pin}}' })).body;
    assertError(await h.call('POST', '/2fa/2/pin/voice', { applicationId: appId, messageId: email.messageId, to: '41793026727' }), 400, 'BAD_REQUEST', { fields: ['messageId'], text: /email template/ });
    assertError(await h.call('POST', '/2fa/2/pin', { applicationId: appId, messageId: email.messageId, to: '41793026727' }), 400, 'BAD_REQUEST', { fields: ['messageId'], text: /email template/ });
    assertError(await h.call('POST', '/2fa/2/pin/email', { applicationId: appId, messageId: sms.messageId, to: 'a@example.com' }), 400, 'BAD_REQUEST', { fields: ['messageId'], text: /email template/ });
    assert.deepEqual(await sandboxMessages(h, '41793026727'), [], 'nothing was sent');
  });

  test('email send validation: to must be an address, from an address, placeholders a string map', async (t) => {
    const h = await startServer(t);
    const { appId, email } = await setup(h);
    const base = { applicationId: appId, messageId: email.messageId };
    assertError(await h.call('POST', '/2fa/2/pin/email', { ...base, to: '41793026727' }), 400, 'BAD_REQUEST', { fields: ['to'] });
    assertError(await h.call('POST', '/2fa/2/pin/email', { ...base }), 400, 'BAD_REQUEST', { fields: ['to'] });
    assertError(await h.call('POST', '/2fa/2/pin/email', { ...base, to: 'a@example.com', from: 'me' }), 400, 'BAD_REQUEST', { fields: ['from'] });
    assertError(await h.call('POST', '/2fa/2/pin/email', { ...base, to: 'a@example.com', landingPagePlaceholders: { name: 1 } }), 400, 'BAD_REQUEST', { fields: ['landingPagePlaceholders.name'] });
  });
});
