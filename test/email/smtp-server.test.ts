/**
 * The email channel against a real SMTP peer (smtp-server, in process) with STARTTLS + AUTH.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ChannelError, type DeliveryChannel } from '../../src/channels/contract.ts';
import { createEmailChannel } from '../../src/channels/email/index.ts';
import { closedPort, makeSelfSignedCert, noDeps, pinEmail, SmtpPeer, testConfig, type TestCert } from './smtp-peer.ts';

const AUTH = { user: 'otp', pass: 's3cret' };

async function expectChannelError(p: Promise<unknown>): Promise<ChannelError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof ChannelError, `expected ChannelError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the send to fail');
}

describe('email channel over SMTP (smtp-server peer, STARTTLS + AUTH)', () => {
  let cert: TestCert;
  let peer: SmtpPeer;
  let channel: DeliveryChannel;
  const opened: DeliveryChannel[] = [];

  async function open(overrides: Parameters<typeof testConfig>[0]): Promise<DeliveryChannel> {
    const ch = await createEmailChannel(testConfig(overrides), noDeps);
    opened.push(ch);
    return ch;
  }

  before(async () => {
    cert = makeSelfSignedCert();
    peer = await SmtpPeer.start({ cert });
    channel = await open({ port: peer.port, auth: AUTH, tls: { ca: cert.cert } });
  });

  after(async () => {
    await Promise.all(opened.map((c) => c.close()));
    await peer.close();
  });

  it('delivers over STARTTLS with AUTH: subject, PIN in text and HTML, RFC 8058 headers', async () => {
    const msg = pinEmail('alice@example.test', '482913', { from: 'Acme Security <security@acme.example.test>' });
    const report = await channel.send(msg, new AbortController().signal);

    assert.equal(report.status, 'DELIVERED');
    assert.equal(report.final, true);
    assert.equal(report.reached, true);
    assert.equal(report.resultCode, 'SMTP 250');
    assert.equal(report.sender, 'security@acme.example.test');
    assert.ok(report.providerMessageId, 'providerMessageId is the Message-ID');

    const got = peer.received.at(-1)!;
    assert.equal(got.secure, true, 'session was upgraded with STARTTLS');
    assert.equal(got.authMethod, 'PLAIN');
    assert.deepEqual(got.rcptTo, ['alice@example.test']);
    assert.equal(got.parsed.subject, 'Your open2fa verification code');
    assert.match(got.parsed.text ?? '', /Your verification code is 482913\./);
    assert.match(String(got.parsed.html), /<b>482913<\/b>/);
    assert.match(String(got.parsed.html), /href="https:\/\/otp\.example\.test\/unsub\?u=42"/);
    assert.equal(got.parsed.from?.value[0]?.name, 'Acme Security');
    assert.equal(got.parsed.messageId, `<${report.providerMessageId}>`);
    assert.match(got.raw, /^List-Unsubscribe: <https:\/\/otp\.example\.test\/unsub\?u=42>\r$/m);
    assert.match(got.raw, /^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r$/m);
    assert.match(got.raw, /^Auto-Submitted: auto-generated\r$/m);
  });

  it('uses defaultFrom, omits List-* headers without unsubscribeUrl, and speaks AUTH LOGIN when that is all the server offers', async () => {
    const loginOnly = await SmtpPeer.start({ cert, authMethods: ['LOGIN'] });
    try {
      const ch = await open({ port: loginOnly.port, auth: AUTH, tls: { ca: cert.cert } });
      const msg = pinEmail('bob@example.test', '1234');
      delete msg.email!.unsubscribeUrl;
      const report = await ch.send(msg, new AbortController().signal);
      assert.equal(report.status, 'DELIVERED');
      assert.equal(report.sender, 'no-reply@otp.example.test');
      const got = loginOnly.received.at(-1)!;
      assert.equal(got.authMethod, 'LOGIN');
      assert.equal(got.parsed.from?.value[0]?.address, 'no-reply@otp.example.test');
      assert.doesNotMatch(got.raw, /^List-Unsubscribe/im);
      await ch.close(); // let the peer shut down without waiting for our idle pooled session
    } finally {
      await loginOnly.close();
    }
  });

  it('check() is ok with good settings and not ok with a wrong password', async () => {
    assert.equal((await channel.check!()).ok, true);
    const bad = await open({ port: peer.port, auth: { user: 'otp', pass: 'wrong' }, tls: { ca: cert.cert } });
    const res = await bad.check!();
    assert.equal(res.ok, false);
    assert.match(res.detail, /535/);
    assert.doesNotMatch(res.detail, /wrong/);
  });

  it('bad credentials (535) → INVALID_CONFIG, retryable (configuration fault, not the recipient’s)', async () => {
    const bad = await open({ port: peer.port, auth: { user: 'otp', pass: 'wrong' }, tls: { ca: cert.cert } });
    const err = await expectChannelError(bad.send(pinEmail('carol@example.test', '5555'), new AbortController().signal));
    assert.equal(err.code, 'INVALID_CONFIG');
    assert.equal(err.retryable, true);
    assert.match(err.message, /535/);
  });

  it('a 550 recipient rejection → UNDELIVERABLE_REJECTED_OPERATOR, final, detail without the address', async () => {
    const report = await channel.send(pinEmail('nobody@example.test', '7777'), new AbortController().signal);
    assert.equal(report.status, 'UNDELIVERABLE_REJECTED_OPERATOR');
    assert.equal(report.final, true);
    assert.equal(report.reached, false);
    assert.equal(report.resultCode, 'SMTP 550');
    assert.match(report.detail ?? '', /5\.1\.1 .*Recipient address rejected: User unknown/);
    assert.doesNotMatch(report.detail ?? '', /nobody@example\.test/);
  });

  it('a 451 deferral → retryable THROTTLED; the next attempt succeeds with the same Message-ID', async () => {
    peer.deferRcpt = 1;
    const msg = pinEmail('dave@example.test', '909090');
    const err = await expectChannelError(channel.send(msg, new AbortController().signal));
    assert.equal(err.code, 'THROTTLED');
    assert.equal(err.retryable, true);
    assert.match(err.message, /451/);
    assert.doesNotMatch(err.message, /dave@example\.test/);

    const report = await channel.send({ ...msg, attempt: 2 }, new AbortController().signal);
    assert.equal(report.status, 'DELIVERED');
    assert.equal(peer.received.at(-1)!.parsed.messageId, `<${report.providerMessageId}>`);
    assert.match(report.providerMessageId ?? '', new RegExp(`^${msg.deliveryId}\\.`));
  });

  it('nothing listening → retryable UNAVAILABLE, quickly', async () => {
    const ch = await open({ port: await closedPort(), auth: AUTH });
    const started = Date.now();
    const err = await expectChannelError(ch.send(pinEmail('erin@example.test', '1111'), new AbortController().signal));
    assert.equal(err.code, 'UNAVAILABLE');
    assert.equal(err.retryable, true);
    assert.ok(Date.now() - started < 1_500, `took ${Date.now() - started} ms`);
    assert.equal((await ch.check!()).ok, false);
  });

  it('an untrusted certificate → INVALID_CONFIG, retryable (fix tls.ca)', async () => {
    const ch = await open({ port: peer.port, auth: AUTH });
    const err = await expectChannelError(ch.send(pinEmail('frank@example.test', '2222'), new AbortController().signal));
    assert.equal(err.code, 'INVALID_CONFIG');
    assert.equal(err.retryable, true);
    assert.match(err.message, /certificate/);
  });

  it('the caller aborting mid-transaction → TIMEOUT, retryable; an already aborted signal never connects', async () => {
    peer.stallDataMs = 1_000;
    try {
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 150);
      const started = Date.now();
      const err = await expectChannelError(channel.send(pinEmail('gina@example.test', '3333'), ac.signal));
      assert.equal(err.code, 'TIMEOUT');
      assert.equal(err.retryable, true);
      assert.ok(Date.now() - started < 1_000, `abort took ${Date.now() - started} ms`);
    } finally {
      peer.stallDataMs = 0;
    }
    const before = peer.received.length;
    const err = await expectChannelError(channel.send(pinEmail('gina@example.test', '3333'), AbortSignal.abort()));
    assert.equal(err.code, 'TIMEOUT');
    assert.equal(peer.received.length, before);
  });

  it('sendTimeoutMs bounds a stalled server → TIMEOUT, retryable', async () => {
    const ch = await open({ port: peer.port, auth: AUTH, tls: { ca: cert.cert }, sendTimeoutMs: 300 });
    peer.stallDataMs = 1_000;
    try {
      const err = await expectChannelError(ch.send(pinEmail('hank@example.test', '4444'), new AbortController().signal));
      assert.equal(err.code, 'TIMEOUT');
      assert.equal(err.retryable, true);
      assert.match(err.message, /300 ms/);
    } finally {
      peer.stallDataMs = 0;
    }
  });

  it('an invalid recipient address → INVALID_RECIPIENT, not retryable; a closed channel → UNAVAILABLE', async () => {
    const err = await expectChannelError(channel.send(pinEmail('not-an-address', '1212'), new AbortController().signal));
    assert.equal(err.code, 'INVALID_RECIPIENT');
    assert.equal(err.retryable, false);

    const ch = await open({ port: peer.port, auth: AUTH, tls: { ca: cert.cert } });
    await ch.close();
    const closed = await expectChannelError(ch.send(pinEmail('ivy@example.test', '1313'), new AbortController().signal));
    assert.equal(closed.code, 'UNAVAILABLE');
  });
});
