import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DomainError } from '../../src/domain/errors.ts';
import type { TemplateRecord } from '../../src/domain/records.ts';
import {
  buildContent, checkSmsSender, checkTemplateKind, destinationKind, isNumericSender, senderFor, voiceCallerId,
} from '../../src/domain/services/send-rules.ts';

/** Pure send rules: sender choice (decisions #8, #18), template kind (#6), rendered content. */

const template = (over: Partial<TemplateRecord> = {}): TemplateRecord => ({
  id: 'T1', accountId: 'A', applicationId: 'APP', kind: 'message', pinType: 'NUMERIC', pinLength: 4,
  messageText: 'Your PIN is {{pin}}', createdAt: 0, updatedAt: 0, ...over,
});

describe('voice caller ID (the seed rule)', () => {
  test('branch 1: a numeric `from` wins, whatever the senderId', () => {
    assert.equal(voiceCallerId('41793026727', 'ShopName'), '41793026727');
    assert.equal(voiceCallerId('41793026727', '41790000000'), '41793026727');
    assert.equal(voiceCallerId('+41793026727', undefined), '+41793026727');
  });

  test('branch 2: else a numeric template senderId', () => {
    assert.equal(voiceCallerId('ShopName', '41790000000'), '41790000000');
    assert.equal(voiceCallerId(undefined, '+41790000000'), '+41790000000');
    assert.equal(voiceCallerId('4179 302', '41790000000'), '41790000000', 'a from with a space is not numeric');
  });

  test('branch 3: else undefined, so the route\'s default caller ID is used', () => {
    assert.equal(voiceCallerId('ShopName', 'InfoSMS'), undefined);
    assert.equal(voiceCallerId(undefined, undefined), undefined);
    assert.equal(voiceCallerId('', ''), undefined);
    assert.equal(voiceCallerId('++41', '41a'), undefined);
    assert.equal(voiceCallerId('1234567890123456', undefined), undefined, 'more than 15 digits is no phone number');
  });

  test('"numeric" = digits only, optionally a leading +', () => {
    for (const v of ['1', '41793026727', '+41793026727', '123456789012345']) assert.equal(isNumericSender(v), true, v);
    for (const v of [undefined, '', '+', '4179a', ' 4179', '41-79', '4179+', '1234567890123456']) assert.equal(isNumericSender(v), false, String(v));
  });

  test('senderFor(voice) applies the rule to the template senderId', () => {
    assert.equal(senderFor('voice', undefined, template({ senderId: '41790000000' })), '41790000000');
    assert.equal(senderFor('voice', 'Shop', template({ senderId: 'Other' })), undefined);
    assert.equal(senderFor('voice', '41793026727', template({ senderId: 'Other' })), '41793026727');
  });
});

describe('SMS sender', () => {
  test('alphanumeric up to 11 characters or numeric up to 15 digits', () => {
    for (const ok of ['InfoSMS', 'Infobip 2FA', 'A', 'ABCDEFGHIJK', 'Shop-Name_1', 'A.B&C', '123456789012345', '+123456789012345', '41793026727']) {
      assert.equal(checkSmsSender(ok), undefined, ok);
    }
    for (const bad of ['ABCDEFGHIJKL', 'Infobip 2FA!', '1234567890123456', '', 'Bad<Sender>', 'Ünicode', 'tab\there']) {
      assert.match(checkSmsSender(bad) ?? 'accepted', /alphanumeric .* 11 characters, or numeric up to 15 digits/, bad);
    }
  });

  test('senderFor(sms): request `from` overrides the template senderId, which is the default', () => {
    assert.equal(senderFor('sms', 'Override', template({ senderId: 'Shop' })), 'Override');
    assert.equal(senderFor('sms', undefined, template({ senderId: 'Shop' })), 'Shop');
    assert.equal(senderFor('sms', undefined, template()), undefined);
  });

  test('senderFor(email): `from` overrides the template from', () => {
    const email = template({ kind: 'email', from: 'company@example.com', messageText: undefined });
    assert.equal(senderFor('email', undefined, email), 'company@example.com');
    assert.equal(senderFor('email', 'jane@example.com', email), 'jane@example.com');
  });
});

describe('template kind and destination kind', () => {
  test('email templates only on /pin/email, SMS/voice templates only on /pin and /pin/voice', () => {
    const sms = template();
    const email = template({ kind: 'email' });
    checkTemplateKind(sms, 'sms');
    checkTemplateKind(sms, 'voice');
    checkTemplateKind(email, 'email');
    for (const [t, medium, text] of [[email, 'voice', /email template/], [email, 'sms', /email template/], [sms, 'email', /SMS\/voice template/]] as const) {
      assert.throws(() => checkTemplateKind(t, medium), (err: unknown) => {
        assert.ok(err instanceof DomainError);
        assert.equal(err.code, 'BAD_REQUEST');
        assert.match(err.message, text);
        assert.ok(err.details.validationErrors?.messageId);
        return true;
      });
    }
  });

  test('destinations: numbers for sms and voice, addresses for email', () => {
    assert.equal(destinationKind('sms'), 'number');
    assert.equal(destinationKind('voice'), 'number');
    assert.equal(destinationKind('email'), 'address');
  });
});

describe('buildContent', () => {
  test('SMS: parts only; voice: parts and the voice settings with defaults', () => {
    assert.deepEqual(buildContent('sms', template(), {}), { textParts: ['Your PIN is ', ''] });
    assert.deepEqual(buildContent('voice', template(), {}), {
      textParts: ['Your PIN is ', ''], voice: { language: 'en', voiceName: 'Joanna', speechRate: 1 },
    });
    assert.deepEqual(buildContent('voice', template({ language: 'pt_br', voiceName: 'Ricardo', speechRate: 1.5, repeatDTMF: '1#' }), {}).voice, {
      language: 'pt_br', voiceName: 'Ricardo', speechRate: 1.5, repeatDTMF: '1#',
    });
  });

  test('a missing placeholder is a 400 naming it in text and validationErrors', () => {
    assert.throws(() => buildContent('sms', template({ messageText: 'Hi {{firstName}}, {{pin}}' }), {}), (err: unknown) => {
      assert.ok(err instanceof DomainError);
      assert.equal(err.code, 'BAD_REQUEST');
      assert.match(err.message, /firstName/);
      assert.deepEqual(err.details.validationErrors, { placeholders: ['missing value for {{firstName}}'] });
      return true;
    });
  });

  test('email: subject, text and HTML parts from the default body; placeholders fill all three', () => {
    const c = buildContent('email', template({ kind: 'email' }), {});
    assert.ok(c.subjectParts && c.textParts.length === 2 && c.htmlParts?.length === 2);
    const custom = buildContent('email', template({ kind: 'email' }), { who: 'Jo' }, { subject: 'Hi {{who}}', text: '{{who}}: {{pin}}', html: '<b>{{pin}}</b>' });
    assert.deepEqual(custom.subjectParts, ['Hi Jo']);
    assert.deepEqual(custom.textParts, ['Jo: ', '']);
    assert.deepEqual(custom.htmlParts, ['<b>', '</b>']);
  });
});
