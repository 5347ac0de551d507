/**
 * Pure parts of the email channel: SMTP failure → status/error mapping, redaction,
 * message composition and config validation. No sockets.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ChannelError, type DeliveryReport } from '../../src/channels/contract.ts';
import { composeMail, parseSingleMailbox, unsubscribeHeaders } from '../../src/channels/email/compose-mail.ts';
import { emailConfigSchema, toPoolOptions } from '../../src/channels/email/index.ts';
import { classifySmtpFailure, redactReply } from '../../src/channels/email/smtp-outcome.ts';
import { pinEmail, testConfig } from './smtp-peer.ts';

function asError(x: DeliveryReport | ChannelError): ChannelError {
  assert.ok(x instanceof ChannelError, `expected ChannelError, got ${JSON.stringify(x)}`);
  return x;
}
function asReport(x: DeliveryReport | ChannelError): DeliveryReport {
  assert.ok(!(x instanceof ChannelError), `expected a report, got ${String(x)}`);
  return x;
}

describe('classifySmtpFailure', () => {
  const smtp = (responseCode: number, response: string, command = 'RCPT TO', code = 'EENVELOPE') =>
    classifySmtpFailure({ code, responseCode, response, command, message: `failed: ${response}` });

  it('5xx at RCPT TO or after DATA is a final operator rejection', () => {
    const r = asReport(smtp(550, '550 5.1.1 <x@example.test>: Recipient address rejected'));
    assert.deepEqual(r, {
      status: 'UNDELIVERABLE_REJECTED_OPERATOR', final: true, reached: false,
      resultCode: 'SMTP 550', detail: '5.1.1 <[address]>: Recipient address rejected',
    });
    assert.equal(asReport(smtp(554, '554 5.7.1 Message content rejected', 'DATA', 'EMESSAGE')).resultCode, 'SMTP 554');
    assert.match(asReport(smtp(553, '553 5.7.1 Sender not owned', 'MAIL FROM')).detail ?? '', /^sender refused: /);
  });

  it('4xx is retryable: policy/rate replies are THROTTLED, others UNAVAILABLE', () => {
    for (const [rc, text, expected] of [
      [451, '451 4.7.1 Greylisted', 'THROTTLED'],
      [421, '421 4.7.0 Too many connections', 'THROTTLED'],
      [452, '452 4.3.1 Insufficient system storage', 'THROTTLED'],
      [450, '450 4.2.1 Mailbox busy', 'UNAVAILABLE'],
      [421, '421 4.3.2 Service shutting down', 'UNAVAILABLE'],
      [503, '503 5.5.1 Bad sequence of commands', 'UNAVAILABLE'],
      [454, '454 4.7.0 Temporary authentication failure', 'UNAVAILABLE'],
    ] as const) {
      const err = asError(smtp(rc, text));
      assert.equal(err.code, expected, text);
      assert.equal(err.retryable, true, text);
    }
  });

  it('authentication failures are INVALID_CONFIG and retryable', () => {
    for (const f of [
      { code: 'EAUTH', responseCode: 535, response: '535 5.7.8 Authentication credentials invalid', command: 'AUTH PLAIN' },
      { code: 'EENVELOPE', responseCode: 530, response: '530 5.7.0 Authentication required', command: 'MAIL FROM' },
      { code: 'ENOAUTH', message: 'Missing credentials for "PLAIN"' },
    ]) {
      const err = asError(classifySmtpFailure(f));
      assert.equal(err.code, 'INVALID_CONFIG');
      assert.equal(err.retryable, true);
    }
  });

  it('connection-level failures are UNAVAILABLE; certificate failures INVALID_CONFIG; cause carries no message text', () => {
    const refused = asError(classifySmtpFailure({ code: 'ESOCKET', originalCode: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:1' }));
    assert.equal(refused.code, 'UNAVAILABLE');
    assert.deepEqual(Object.keys(refused.cause as object).sort(), ['code', 'command', 'originalCode', 'responseCode']);
    assert.equal(asError(classifySmtpFailure({ code: 'ETIMEDOUT', message: 'Greeting never received' })).code, 'UNAVAILABLE');
    assert.equal(asError(classifySmtpFailure(new Error('Connection pool was closed'))).code, 'UNAVAILABLE');
    const cert = asError(classifySmtpFailure({ code: 'ESOCKET', originalCode: 'ERR_TLS_CERT_ALTNAME_INVALID', message: 'altname' }));
    assert.equal(cert.code, 'INVALID_CONFIG');
    assert.equal(asError(classifySmtpFailure({ code: 'EENVELOPE', message: 'No recipients defined' })).retryable, false);
  });
});

describe('redactReply', () => {
  it('drops reply codes and line breaks, masks every address, bounds the length', () => {
    assert.equal(redactReply('550-5.1.1 <a.b+c@x.example>: no such user\n550 5.1.1 see bob@y.example'), '5.1.1 <[address]>: no such user 5.1.1 see [address]');
    assert.equal(redactReply(undefined), '');
    assert.ok(redactReply(`550 ${'x'.repeat(1000)}`).length <= 300);
  });
});

describe('composeMail', () => {
  it('builds a single-recipient message with a stable Message-ID and RFC 8058 headers', () => {
    const msg = pinEmail('"Eve Example" <eve@example.test>', '1234', { deliveryId: 'ABC123', from: 'Acme <otp@acme.test>' });
    const a = composeMail(msg, 'fallback@example.test');
    const b = composeMail({ ...msg, attempt: 2 }, 'fallback@example.test');
    assert.equal(a.options.to, 'eve@example.test');
    assert.deepEqual(a.options.from, { name: 'Acme', address: 'otp@acme.test' });
    assert.equal(a.messageId, 'ABC123.open2fa@acme.test');
    assert.equal(a.options.messageId, b.options.messageId);
    assert.deepEqual(a.options.list, { unsubscribe: 'https://otp.example.test/unsub?u=42' });
    assert.deepEqual(a.options.headers, { 'Auto-Submitted': 'auto-generated', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' });
  });

  it('one-click only for HTTPS (RFC 8058 §3.1); mailto/http keep List-Unsubscribe; junk adds nothing', () => {
    assert.deepEqual(unsubscribeHeaders('http://x.test/u'), { list: { unsubscribe: 'http://x.test/u' }, headers: {} });
    assert.deepEqual(unsubscribeHeaders('mailto:unsub@x.test'), { list: { unsubscribe: 'mailto:unsub@x.test' }, headers: {} });
    assert.deepEqual(unsubscribeHeaders('javascript:alert(1)'), {});
    assert.deepEqual(unsubscribeHeaders('not a url'), {});
  });

  it('refuses lists, groups, header injection and non-email messages', () => {
    assert.equal(parseSingleMailbox('a@x.test, b@x.test'), undefined);
    assert.equal(parseSingleMailbox('team: a@x.test;'), undefined);
    assert.equal(parseSingleMailbox('a@x.test\r\nBcc: b@x.test'), undefined);
    assert.equal(parseSingleMailbox('@x.test'), undefined);
    assert.throws(() => composeMail(pinEmail('a@x.test', '1', { medium: 'sms' }), 'f@x.test'), { code: 'REJECTED' });
    assert.throws(() => composeMail(pinEmail('a@x.test', '1', { from: 'no address' }), 'f@x.test'), { code: 'INVALID_CONFIG' });
  });
});

describe('emailConfigSchema', () => {
  it('applies defaults (587, STARTTLS required, pool 2×100)', () => {
    const c = emailConfigSchema.parse({ host: 'smtp.example.test', defaultFrom: 'otp@example.test' });
    assert.equal(c.port, 587);
    assert.equal(c.secure, false);
    assert.equal(c.requireTLS, true);
    assert.deepEqual(c.pool, { maxConnections: 2, maxMessages: 100 });
    const o = toPoolOptions(c);
    assert.equal(o.logger, false);
    assert.equal((o.tls as { rejectUnauthorized?: boolean }).rejectUnauthorized, true);
  });

  it('rejects AUTH without TLS, secure together with requireTLS, and unknown keys', () => {
    const base = { host: 'h', defaultFrom: 'otp@example.test' };
    assert.equal(emailConfigSchema.safeParse({ ...base, requireTLS: false, auth: { user: 'u', pass: 'p' } }).success, false);
    assert.equal(emailConfigSchema.safeParse({ ...base, secure: true }).success, false);
    assert.equal(emailConfigSchema.safeParse({ ...base, secure: true, requireTLS: false, port: 465 }).success, true);
    assert.equal(emailConfigSchema.safeParse({ ...base, hots: 'typo' }).success, false);
    assert.equal(testConfig({ port: 2525 }).port, 2525);
  });
});
