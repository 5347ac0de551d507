import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertError, type Harness, newApiKey, sandboxMessages, startServer } from '../helpers/harness.ts';

/** Extension endpoints /email/1/contents and how a send renders them (sandbox email channel). */

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

async function emailTemplate(h: Harness, emailTemplateId: number, key?: string) {
  const opts = key ? { key } : {};
  const app = await h.call('POST', '/2fa/2/applications', { name: 'mail', configuration: { sendPinPerPhoneNumberLimit: '100/1d' } }, opts);
  const tpl = await h.call('POST', `/2fa/2/applications/${app.body.applicationId}/email/messages`, { emailTemplateId, from: 'Acme <no-reply@acme.example>' }, opts);
  assert.equal(tpl.status, 200, JSON.stringify(tpl.body));
  return { applicationId: app.body.applicationId as string, messageId: tpl.body.messageId as string };
}

describe('email contents: CRUD', () => {
  test('POST numbers contents per account (1, 2, …); GET one, GET list, PUT merges', async (t) => {
    const h = await startServer(t);
    const first = await h.call('POST', '/email/1/contents', { name: 'login', subject: 'Your code', text: 'Code: {{pin}}' });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(first.body.id, 1);
    assert.match(first.body.createdAt, ISO);
    assert.equal(first.body.updatedAt, first.body.createdAt);
    assert.deepEqual(first.body, { id: 1, name: 'login', subject: 'Your code', text: 'Code: {{pin}}', createdAt: first.body.createdAt, updatedAt: first.body.createdAt });

    const second = await h.call('POST', '/email/1/contents', { subject: 'Hello {{name}}', html: '<p>{{pin}}</p>' });
    assert.equal(second.body.id, 2);
    assert.equal(second.body.name, 'Hello {{name}}', 'name defaults to the subject');
    assert.equal('text' in second.body, false, 'absent parts are omitted, never null');

    // Another account starts at 1 too and never sees these.
    const other = await newApiKey(h);
    const foreign = await h.call('POST', '/email/1/contents', { subject: 'x', text: '{{pin}}' }, { key: other.key });
    assert.equal(foreign.body.id, 1);
    assert.equal((await h.call('GET', '/email/1/contents', undefined, { key: other.key })).body.length, 1);
    assertError(await h.call('GET', '/email/1/contents/2', undefined, { key: other.key }), 404, 'NOT_FOUND');
    assertError(await h.call('PUT', '/email/1/contents/2', { subject: 'stolen' }, { key: other.key }), 404, 'NOT_FOUND');

    assert.deepEqual((await h.call('GET', '/email/1/contents/1')).body, first.body);
    assert.deepEqual((await h.call('GET', '/email/1/contents')).body.map((c: any) => c.id), [1, 2]);

    const put = await h.call('PUT', '/email/1/contents/1', { html: '<b>{{pin}}</b>' });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.deepEqual({ ...put.body, updatedAt: undefined }, { ...first.body, html: '<b>{{pin}}</b>', updatedAt: undefined }, 'absent fields keep their values');
    const cleared = await h.call('PUT', '/email/1/contents/1', { text: null });
    assert.equal('text' in cleared.body, false, 'null removes the text part');
    assert.deepEqual((await h.call('GET', '/email/1/contents/1')).body, cleared.body);
  });

  test('validation: subject required and one line, a body part, {{pin}} in text or html, sizes', async (t) => {
    const h = await startServer(t);
    const post = (body: unknown) => h.call('POST', '/email/1/contents', body);
    assertError(await post({ text: '{{pin}}' }), 400, 'BAD_REQUEST', { fields: ['subject'] });
    assertError(await post({ subject: 'a'.repeat(999), text: '{{pin}}' }), 400, 'BAD_REQUEST', { fields: ['subject'], text: /998/ });
    assertError(await post({ subject: 'two\nlines', text: '{{pin}}' }), 400, 'BAD_REQUEST', { fields: ['subject'] });
    assertError(await post({ subject: 'no body' }), 400, 'BAD_REQUEST', { fields: ['text', 'html'] });
    assertError(await post({ subject: 's', text: 'no pin here', html: '<p>none</p>' }), 400, 'BAD_REQUEST', { fields: ['text', 'html'], text: /\{\{pin\}\}/ });
    assertError(await post({ subject: 's', text: `{{pin}}${'x'.repeat(20_000)}` }), 400, 'BAD_REQUEST', { fields: ['text'] });
    assertError(await post({ subject: 's', text: 12 }), 400, 'BAD_REQUEST', { fields: ['text'] });
    assertError(await post({ subject: 's', name: '', text: '{{pin}}' }), 400, 'BAD_REQUEST', { fields: ['name'] });
    assertError(await post([]), 400, 'BAD_REQUEST');
    assert.equal((await post({ subject: 'ok', html: '<a title="{{pin}}">x</a>' })).status, 200, '{{pin}} anywhere in the HTML counts');

    // PUT validates the merged record: removing the only part that holds {{pin}} is refused.
    const c = await post({ subject: 's', text: 'plain {{pin}}', html: '<p>no pin</p>' });
    assertError(await h.call('PUT', `/email/1/contents/${c.body.id}`, { text: null }), 400, 'BAD_REQUEST', { fields: ['text'] });
    assertError(await h.call('PUT', `/email/1/contents/${c.body.id}`, { text: null, html: null }), 400, 'BAD_REQUEST', { fields: ['text', 'html'] });
    assert.equal((await h.call('GET', `/email/1/contents/${c.body.id}`)).body.text, 'plain {{pin}}', 'a refused PUT changed nothing');
    for (const bad of ['0', 'abc', '-1', '1.5', '99999999999999999999']) assertError(await h.call('GET', `/email/1/contents/${bad}`), 404, 'NOT_FOUND');
  });

  test('scope: 2fa:manage only; no key → 401', async (t) => {
    const h = await startServer(t);
    const sender = await newApiKey(h, { scopes: ['2fa:pin:send'] });
    assertError(await h.call('GET', '/email/1/contents', undefined, { key: sender.key }), 403, 'FORBIDDEN');
    assertError(await h.call('POST', '/email/1/contents', { subject: 's', text: '{{pin}}' }, { key: sender.key }), 403, 'FORBIDDEN');
    assertError(await h.call('GET', '/email/1/contents', undefined, { key: null }), 401, 'UNAUTHORIZED');
  });
});

describe('email contents in a send', () => {
  test('placeholders fill subject, text and html; values are HTML-escaped in the html only', async (t) => {
    const h = await startServer(t);
    const content = await h.call('POST', '/email/1/contents', {
      subject: 'Code for {{name}}', text: 'Hi {{name}}, your code is {{pin}}.', html: '<html><body><p>Hi {{name}}, code <b>{{pin}}</b></p></body></html>',
    });
    const tpl = await emailTemplate(h, content.body.id);
    const to = 'jo@example.com';
    const sent = await h.call('POST', '/2fa/2/pin/email', { ...tpl, to, placeholders: { name: 'Jo <b>&</b> "Co"' } });
    assert.equal(sent.status, 200, JSON.stringify(sent.body));
    const [mail] = await sandboxMessages(h, to);
    assert.equal(mail.subject, 'Code for Jo <b>&</b> "Co"');
    const pin = /code is (\d{4})\./.exec(mail.text)?.[1] ?? assert.fail(mail.text);
    assert.ok(mail.text.startsWith(`Hi Jo <b>&</b> "Co", your code is ${pin}.`), mail.text);
    assert.ok(mail.html.startsWith(`<html><body><p>Hi Jo &lt;b&gt;&amp;&lt;/b&gt; &quot;Co&quot;, code <b>${pin}</b></p>`), mail.html);
    // The opt-out footer: in the text, and in the html before </body>.
    assert.match(mail.text, /To stop receiving verification emails from this sender, open http:\/\/localhost:0\/optout\/1\/[A-Za-z0-9_-]+\n$/);
    assert.match(mail.html, /<a href="http:\/\/localhost:0\/optout\/1\/[A-Za-z0-9_-]+">unsubscribe<\/a>\.<\/p><\/body><\/html>$/);
  });

  test('a missing placeholder is a 400 naming it, and nothing is sent', async (t) => {
    const h = await startServer(t);
    const content = await h.call('POST', '/email/1/contents', { subject: 'Hi {{first}}', text: '{{pin}} {{second}}' });
    const tpl = await emailTemplate(h, content.body.id);
    const res = await h.call('POST', '/2fa/2/pin/email', { ...tpl, to: 'a@example.com', placeholders: { first: 'A' } });
    assertError(res, 400, 'BAD_REQUEST', { fields: ['placeholders'], text: /second/ });
    assert.deepEqual(await sandboxMessages(h, 'a@example.com'), []);
  });

  test('an emailTemplateId with no stored content sends the default body', async (t) => {
    const h = await startServer(t);
    const tpl = await emailTemplate(h, 4242);
    await h.call('POST', '/2fa/2/pin/email', { ...tpl, to: 'b@example.com' });
    const [mail] = await sandboxMessages(h, 'b@example.com');
    assert.equal(mail.subject, 'Your verification code');
    assert.match(mail.text, /^Your verification code is \d{4}\./);
    assert.match(mail.html, /^<p>Your verification code is <strong>\d{4}<\/strong>\.<\/p><p /);
  });

  test('HTML-only content gets a plain-text part derived from it; PUT takes effect on the next send', async (t) => {
    const h = await startServer(t);
    const content = await h.call('POST', '/email/1/contents', { subject: 'S', html: '<style>p{}</style><p>Your code:&nbsp;<b>{{pin}}</b></p><p>Bye &amp; thanks</p>' });
    const tpl = await emailTemplate(h, content.body.id);
    await h.call('POST', '/2fa/2/pin/email', { ...tpl, to: 'c@example.com' });
    const [mail] = await sandboxMessages(h, 'c@example.com');
    assert.match(mail.text, /^Your code: \d{4}\nBye & thanks\n\nTo stop receiving/);

    await h.call('PUT', `/email/1/contents/${content.body.id}`, { subject: 'Changed', text: 'New {{pin}}' });
    await h.call('POST', '/2fa/2/pin/email', { ...tpl, to: 'c@example.com' });
    const [latest] = await sandboxMessages(h, 'c@example.com');
    assert.equal(latest.subject, 'Changed');
    assert.match(latest.text, /^New \d{4}\n\nTo stop/);
  });

  test('a template of another account cannot use this account\'s content id (falls back to the default body)', async (t) => {
    const h = await startServer(t);
    await h.call('POST', '/email/1/contents', { subject: 'Private subject', text: 'secret {{pin}}' });
    const other = await newApiKey(h);
    const tpl = await emailTemplate(h, 1, other.key);
    await h.call('POST', '/2fa/2/pin/email', { ...tpl, to: 'd@example.com' }, { key: other.key });
    const [mail] = await sandboxMessages(h, 'd@example.com', other.key);
    assert.equal(mail.subject, 'Your verification code');
  });
});
