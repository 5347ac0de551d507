/**
 * Email PINs through the HTTP API to a real SMTP peer: smtp-server in process on 127.0.0.1 with
 * STARTTLS (a throw-away certificate from openssl, trusted through tls.ca) and mandatory AUTH,
 * configured as open2fa's email channel. Stored content, placeholders, opt-out link and
 * headers, the landing page, 550 and 451 from the relay, resend.
 */
import assert from 'node:assert/strict';
import { before, describe, test, type TestContext } from 'node:test';
import { makeSelfSignedCert, SmtpPeer, type ReceivedMail, type TestCert } from '../email/smtp-peer.ts';
import { type Harness, startServer } from '../helpers/harness.ts';

const PUBLIC_URL = 'https://verify.example.test';

let cert: TestCert;

async function setup(t: TestContext) {
  const peer = await SmtpPeer.start({ cert });
  const h = await startServer(t, {
    config: {
      publicUrl: PUBLIC_URL,
      email: {
        host: '127.0.0.1', port: peer.port, auth: { user: 'otp', pass: 's3cret' }, tls: { ca: cert.cert },
        defaultFrom: 'open2fa <no-reply@otp.example.test>', connectionTimeoutMs: 2000, sendTimeoutMs: 5000,
      },
    },
  });
  // After the server's own teardown (registered first): its pool hangs up, so the peer closes at once.
  t.after(() => peer.close());
  assert.equal(h.o2.channels.describe().email, 'email-smtp', 'the real email channel, not the sandbox');
  const content = await h.call('POST', '/email/1/contents', {
    name: 'login', subject: 'Code for {{name}}',
    text: 'Hello {{name}}, your code is {{pin}}.', html: '<html><body><p>Hello {{name}}, your code is <b>{{pin}}</b>.</p></body></html>',
  });
  assert.equal(content.status, 200, JSON.stringify(content.body));
  const app = await h.call('POST', '/2fa/2/applications', { name: 'mail', configuration: { sendPinPerPhoneNumberLimit: '100/1d', verifyPinLimit: '100/1s' } });
  const tpl = await h.call('POST', `/2fa/2/applications/${app.body.applicationId}/email/messages`, {
    emailTemplateId: content.body.id, from: 'Acme Security <security@acme.example.test>', landingPageId: '1_23456',
  });
  assert.equal(tpl.status, 200, JSON.stringify(tpl.body));
  return { h, peer, send: { applicationId: app.body.applicationId as string, messageId: tpl.body.messageId as string } };
}

async function sendEmail(h: Harness, body: Record<string, unknown>) {
  const res = await h.call('POST', '/2fa/2/pin/email', body);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body as { pinId: string; emailStatus: { name: string; description: string } };
}

async function lastDelivery(h: Harness, pinId: string) {
  await h.o2.worker.drain();
  const status = await h.call('GET', `/2fa/2/pin/${pinId}/status`);
  assert.equal(status.status, 200, JSON.stringify(status.body));
  return status.body.deliveries[0];
}

const pinOf = (mail: ReceivedMail) => /your code is (\d{4})\./.exec(mail.parsed.text ?? '')?.[1] ?? assert.fail(`no PIN in ${mail.parsed.text}`);

describe('email PINs over SMTP (smtp-server, STARTTLS + AUTH)', () => {
  before(() => { cert = makeSelfSignedCert(); });

  test('stored content with placeholders, PIN verified from the mail, opt-out link and headers, resend, landing page, refusal', async (t) => {
    const { h, peer, send } = await setup(t);
    const to = 'alice@example.test';
    const sent = await sendEmail(h, { ...send, to, placeholders: { name: 'Alice & <Bob>' } });
    assert.equal(sent.emailStatus.name, 'PENDING_ACCEPTED');
    const delivery = await lastDelivery(h, sent.pinId);
    assert.equal(delivery.emailStatus, 'DELIVERED');
    assert.equal(delivery.final, true);
    assert.equal(delivery.resultCode, 'SMTP 250');
    assert.equal(delivery.attempts, 1);

    assert.equal(peer.received.length, 1);
    const mail = peer.received[0]!;
    assert.equal(mail.secure, true, 'STARTTLS');
    assert.equal(mail.authMethod, 'PLAIN');
    assert.deepEqual(mail.rcptTo, [to]);
    assert.equal(mail.parsed.from?.value[0]?.address, 'security@acme.example.test');
    assert.equal(mail.parsed.subject, 'Code for Alice & <Bob>', 'subject: placeholder as typed');
    const pin = pinOf(mail);
    assert.ok(mail.parsed.text?.startsWith(`Hello Alice & <Bob>, your code is ${pin}.`), mail.parsed.text);
    const html = String(mail.parsed.html);
    assert.ok(html.includes(`<p>Hello Alice &amp; &lt;Bob&gt;, your code is <b>${pin}</b>.</p>`), `html: placeholder escaped: ${html}`);

    // The opt-out link: List-Unsubscribe (+ one-click, the URL is https), and in both bodies.
    const list = mail.parsed.headers.get('list') as { unsubscribe?: { url?: string }; 'unsubscribe-post'?: { name?: string } };
    const link = list.unsubscribe?.url ?? assert.fail('no List-Unsubscribe header');
    assert.match(link, /^https:\/\/verify\.example\.test\/optout\/1\/[A-Za-z0-9_-]+$/);
    assert.equal(list['unsubscribe-post']?.name, 'List-Unsubscribe=One-Click');
    assert.ok(mail.parsed.text?.includes(link), 'link in the text');
    assert.ok(html.includes(`<a href="${link}">unsubscribe</a>`), 'link in the html');
    assert.doesNotMatch(link, /alice/i, 'the address is not readable from the link');

    // Resend over email: the same PIN in a second mail.
    const resent = await h.call('POST', `/2fa/2/pin/${sent.pinId}/resend/email`, {});
    assert.equal(resent.body.pinId, sent.pinId);
    await h.o2.worker.drain();
    assert.equal(peer.received.length, 2);
    assert.equal(pinOf(peer.received[1]!), pin, 'resend repeats the PIN');

    const verified = await h.call('POST', `/2fa/2/pin/${sent.pinId}/verify`, { pin });
    assert.deepEqual(verified.body, { pinId: sent.pinId, msisdn: to, verified: true, attemptsRemaining: 9 });

    // Follow the link as a person (GET page, POST the form) on this server.
    const path = new URL(link).pathname;
    const shown = await fetch(`${h.url}${path}`);
    assert.equal(shown.status, 200);
    assert.match(shown.headers.get('content-type') ?? '', /^text\/html/);
    assert.ok((await shown.text()).includes(`<strong>${to}</strong>`));
    const oneClick = await fetch(`${h.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    assert.equal(oneClick.status, 200);
    assert.match(await oneClick.text(), /You are unsubscribed/);

    const refused = await sendEmail(h, { ...send, to, placeholders: { name: 'Alice' } });
    assert.equal(refused.emailStatus.name, 'REJECTED_DESTINATION');
    assert.match(refused.emailStatus.description, /opted out/);
    assert.equal((await lastDelivery(h, refused.pinId)).emailStatus, 'REJECTED_DESTINATION');
    assert.equal(peer.received.length, 2, 'the relay received nothing more');
  });

  test('a 550 recipient ends in a failed final status; nothing is retried', async (t) => {
    const { h, peer, send } = await setup(t);
    const sent = await sendEmail(h, { ...send, to: 'nobody@example.test', placeholders: { name: 'N' } });
    const delivery = await lastDelivery(h, sent.pinId);
    assert.equal(delivery.emailStatus, 'UNDELIVERABLE_REJECTED_OPERATOR');
    assert.equal(delivery.final, true);
    assert.equal(delivery.resultCode, 'SMTP 550');
    assert.equal(delivery.attempts, 1);
    assert.doesNotMatch(delivery.detail ?? '', /nobody@/, 'the relay text is shown without the address');
    assert.equal(peer.received.length, 0);
  });

  test('a 451 deferral is retried by the queue and then delivered', async (t) => {
    const { h, peer, send } = await setup(t);
    peer.deferRcpt = 2;
    const sent = await sendEmail(h, { ...send, to: 'grey@example.test', placeholders: { name: 'G' } });
    const delivery = await lastDelivery(h, sent.pinId);
    assert.equal(delivery.emailStatus, 'DELIVERED');
    assert.equal(delivery.attempts, 3, 'two deferrals, then accepted');
    assert.equal(peer.deferRcpt, 0);
    assert.equal(peer.received.length, 1);
    const pin = pinOf(peer.received[0]!);
    assert.equal((await h.call('POST', `/2fa/2/pin/${sent.pinId}/verify`, { pin })).body.verified, true);
  });
});
