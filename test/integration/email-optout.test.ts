import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type Harness, newApiKey, sandboxMessages, startServer } from '../helpers/harness.ts';

/** The opt-out link of PIN emails: landing page, confirmation, one-click, refused sends. */

async function emailTemplate(h: Harness, key?: string, extra: Record<string, unknown> = {}) {
  const opts = key ? { key } : {};
  const app = await h.call('POST', '/2fa/2/applications', { name: 'mail', configuration: { sendPinPerPhoneNumberLimit: '100/1d' } }, opts);
  const tpl = await h.call('POST', `/2fa/2/applications/${app.body.applicationId}/email/messages`, { emailTemplateId: 1, ...extra }, opts);
  assert.equal(tpl.status, 200, JSON.stringify(tpl.body));
  return { applicationId: app.body.applicationId as string, messageId: tpl.body.messageId as string };
}

/** Sends a PIN email and answers the path of its opt-out link (publicUrl is localhost:0 here). */
async function optOutPath(h: Harness, tpl: { applicationId: string; messageId: string }, to: string, key?: string): Promise<string> {
  const sent = await h.call('POST', '/2fa/2/pin/email', { ...tpl, to }, key ? { key } : {});
  assert.equal(sent.status, 200, JSON.stringify(sent.body));
  const [mail] = await sandboxMessages(h, to, key);
  const link = /http:\/\/localhost:0(\/optout\/1\/[A-Za-z0-9_-]+)/.exec(mail.text)?.[1] ?? assert.fail(`no link in ${mail.text}`);
  assert.ok(mail.html.includes(`http://localhost:0${link}`), 'the same link is in the HTML');
  return link;
}

const page = async (h: Harness, method: string, path: string, body?: string, type?: string) => {
  const res = await fetch(`${h.url}${path}`, { method, ...(body !== undefined ? { body, headers: { 'content-type': type ?? 'application/x-www-form-urlencoded' } } : {}) });
  return { status: res.status, headers: res.headers, html: await res.text() };
};

describe('opt-out landing page', () => {
  test('GET shows the address and a confirm form and changes nothing; POST opts out; the next send is refused', async (t) => {
    const h = await startServer(t);
    const tpl = await emailTemplate(h);
    const to = "Jo.O'Neil&Co@Example.com";
    const link = await optOutPath(h, tpl, to);
    assert.ok(link.length < 300);

    const shown = await page(h, 'GET', link);
    assert.equal(shown.status, 200);
    assert.match(shown.headers.get('content-type') ?? '', /^text\/html; charset=utf-8/);
    assert.match(shown.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    assert.equal(shown.headers.get('referrer-policy'), 'no-referrer');
    assert.match(shown.html, /^<!doctype html>\n<html lang="en">/);
    assert.ok(shown.html.includes('<strong>Jo.O&#39;Neil&amp;Co@Example.com</strong>'), 'the address, HTML-escaped');
    assert.match(shown.html, /<form method="post"><button type="submit">Unsubscribe<\/button><\/form>/);
    assert.doesNotMatch(shown.html, /<script|src=|<link/i, 'no scripts, no external assets');

    // A GET (link scanner, preview) must not opt out.
    const again = await h.call('POST', '/2fa/2/pin/email', { ...tpl, to });
    assert.equal(again.body.emailStatus.name, 'PENDING_ACCEPTED');

    const confirmed = await page(h, 'POST', link, 'confirm=1');
    assert.equal(confirmed.status, 200);
    assert.match(confirmed.html, /<h1>You are unsubscribed<\/h1>/);
    assert.ok(confirmed.html.includes('Jo.O&#39;Neil&amp;Co@Example.com'));
    assert.match((await page(h, 'GET', link)).html, /<h1>Already unsubscribed<\/h1>/);

    const before = (await sandboxMessages(h, to)).length;
    // Addresses compare without case, as mailbox providers treat them.
    const refused = await h.call('POST', '/2fa/2/pin/email', { ...tpl, to: to.toUpperCase() });
    assert.equal(refused.status, 200, JSON.stringify(refused.body));
    assert.equal(refused.body.emailStatus.name, 'REJECTED_DESTINATION');
    assert.match(refused.body.emailStatus.description, /opted out/);
    const status = await h.call('GET', `/2fa/2/pin/${refused.body.pinId}/status`);
    assert.equal(status.body.deliveries[0].emailStatus, 'REJECTED_DESTINATION');
    assert.equal(status.body.deliveries[0].final, true);
    // A resend of a PIN sent before the opt-out is refused as well.
    const resent = await h.call('POST', `/2fa/2/pin/${again.body.pinId}/resend/email`, {});
    assert.equal(resent.body.emailStatus.name, 'REJECTED_DESTINATION');
    assert.equal((await sandboxMessages(h, to)).length, before, 'nothing more was sent');
  });

  test('RFC 8058 one-click POST (form-urlencoded and multipart) opts out; opt-outs are per account', async (t) => {
    const h = await startServer(t);
    const tpl = await emailTemplate(h);
    const other = await newApiKey(h);
    const otherTpl = await emailTemplate(h, other.key);

    const oneClick = await page(h, 'POST', await optOutPath(h, tpl, 'a@example.com'), 'List-Unsubscribe=One-Click');
    assert.equal(oneClick.status, 200);
    const boundary = 'XyZ';
    const multipart = `--${boundary}\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--${boundary}--\r\n`;
    const viaMultipart = await page(h, 'POST', await optOutPath(h, tpl, 'b@example.com'), multipart, `multipart/form-data; boundary=${boundary}`);
    assert.equal(viaMultipart.status, 200, viaMultipart.html);

    for (const to of ['a@example.com', 'b@example.com']) {
      const res = await h.call('POST', '/2fa/2/pin/email', { ...tpl, to });
      assert.equal(res.body.emailStatus.name, 'REJECTED_DESTINATION', to);
      const elsewhere = await h.call('POST', '/2fa/2/pin/email', { ...otherTpl, to }, { key: other.key });
      assert.equal(elsewhere.body.emailStatus.name, 'PENDING_ACCEPTED', `${to} opted out of account 1 only`);
    }
  });

  test('forged, damaged or foreign tokens answer an HTML 400 and record nothing', async (t) => {
    const h = await startServer(t);
    const tpl = await emailTemplate(h);
    const to = 'victim@example.com';
    const link = await optOutPath(h, tpl, to);
    const token = link.slice('/optout/1/'.length);
    const flipped = token.slice(0, 40) + (token[40] === 'A' ? 'B' : 'A') + token.slice(41);
    const foreign = await startServer(t); // another data dir, so another secret
    const foreignLink = await optOutPath(foreign, await emailTemplate(foreign), to);
    for (const path of [`/optout/1/${flipped}`, `/optout/1/${token.slice(0, -4)}`, '/optout/1/x', '/optout/1/not*a*token!', `/optout/1/${'A'.repeat(5000)}`, foreignLink, `${link}/extra`]) {
      for (const method of ['GET', 'POST']) {
        const res = await page(h, method, path, method === 'POST' ? 'List-Unsubscribe=One-Click' : undefined);
        assert.equal(res.status, 400, `${method} ${path.slice(0, 60)}`);
        assert.match(res.html, /<h1>This unsubscribe link is not valid<\/h1>/);
      }
    }
    const still = await h.call('POST', '/2fa/2/pin/email', { ...tpl, to });
    assert.equal(still.body.emailStatus.name, 'PENDING_ACCEPTED', 'no bad token opted the address out');
  });

  test('a long address still makes a working link (longer than the router\'s parameter limit); trailing slash accepted', async (t) => {
    const h = await startServer(t);
    const tpl = await emailTemplate(h, undefined, { landingPageId: '1_23456' });
    const to = `${'l'.repeat(64)}@${'d'.repeat(60)}.${'e'.repeat(60)}.example.com`;
    const link = await optOutPath(h, tpl, to);
    assert.ok(link.length > 200, `token length ${link.length}`);
    // The token carries the template's landingPageId (recorded with the opt-out), not in clear text.
    assert.equal(h.o2.services.optOut.read(link.slice('/optout/1/'.length))?.landingPageId, '1_23456');
    assert.equal(link.includes('example'), false, 'the address cannot be read from the link');
    assert.equal((await page(h, 'GET', `${link}/`)).status, 200);
    assert.equal((await page(h, 'POST', link)).status, 200, 'a POST without any body works too');
    assert.equal((await h.call('POST', '/2fa/2/pin/email', { ...tpl, to })).body.emailStatus.name, 'REJECTED_DESTINATION');
  });

  test('the JSON API keeps refusing form bodies (the form parsers live in the opt-out scope only)', async (t) => {
    const h = await startServer(t);
    const res = await h.call('POST', '/2fa/2/applications', undefined, { raw: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(res.status, 415);
  });
});
