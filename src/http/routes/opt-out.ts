import type { FastifyInstance, FastifyReply } from 'fastify';
import type { OptOutClaim } from '../../domain/services/email-content-service.ts';
import { escapeHtml } from '../../domain/services/send-rules.ts';
import { optOutDocs } from '../openapi/docs-extensions.ts';
import type { HttpServices } from './route-helpers.ts';

/**
 * The opt-out landing page behind the link of every PIN email (`/optout/1/{token}`):
 *   GET  shows which address will be unsubscribed and a confirm button. It changes nothing,
 *        because mail scanners and link previews fetch links nobody clicked.
 *   POST records the opt-out: the page's form, or a mailbox provider's RFC 8058 one-click POST
 *        (`List-Unsubscribe=One-Click`, form-urlencoded or multipart). The token alone decides;
 *        the body is not needed, and RFC 8058 §3.1 forbids requiring cookies or credentials.
 * These are pages for people, so they answer HTML (no scripts, no external assets), including
 * for a bad link. The token sits in a wildcard segment because the router's 200-character limit
 * for parameters is shorter than a token for a long address.
 */

const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  // The token is in the URL: never hand it to another site.
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
};

type TokenParams = { '*': string };

export function registerOptOutRoutes(app: FastifyInstance, s: HttpServices): void {
  // An encapsulated scope: the form parsers exist only here, so the JSON API keeps refusing
  // form bodies with its 415.
  void app.register(async (scope) => {
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(String(body))));
    });
    // RFC 8058 §3.1 prefers multipart/form-data; its one field carries nothing we need.
    scope.addContentTypeParser('multipart/form-data', { parseAs: 'string' }, (_req, _body, done) => done(null, {}));

    const open = { config: { access: 'public' as const } };

    scope.get<{ Params: TokenParams }>('/optout/1/*', { ...open, schema: optOutDocs.show }, async (req, reply) => {
      const claim = s.optOut.read(tokenOf(req.params['*']));
      if (!claim) return invalidLink(reply);
      const already = await s.optOut.isOptedOut(claim.accountId, claim.address);
      return page(reply, 200, already ? 'Already unsubscribed' : 'Unsubscribe from verification emails', already ? doneBody(claim) : confirmBody(claim));
    });

    scope.post<{ Params: TokenParams }>('/optout/1/*', { ...open, schema: optOutDocs.confirm }, async (req, reply) => {
      const claim = await s.optOut.confirm(tokenOf(req.params['*']));
      if (!claim) return invalidLink(reply);
      return page(reply, 200, 'You are unsubscribed', doneBody(claim));
    });
  });
}

/** The wildcard keeps a trailing slash (the router ignores trailing slashes for routing only). */
const tokenOf = (raw: string | undefined) => (raw ?? '').replace(/\/+$/, '');

function confirmBody(claim: OptOutClaim): string {
  return `<p>Stop sending verification-code emails to <strong>${escapeHtml(claim.address)}</strong> from this sender?</p>
<p>You will no longer receive sign-in or confirmation codes by email from this sender, which may
keep you from verifying this address with them.</p>
<form method="post"><button type="submit">Unsubscribe</button></form>`;
}

function doneBody(claim: OptOutClaim): string {
  return `<p role="status"><strong>${escapeHtml(claim.address)}</strong> will no longer receive verification-code emails from this sender.</p>
<p>You can close this page.</p>`;
}

function invalidLink(reply: FastifyReply) {
  return page(reply, 400, 'This unsubscribe link is not valid', `<p>The link may be incomplete or damaged. Open the unsubscribe link of the email
again, or copy the whole link into the address bar. Nothing was changed.</p>`);
}

function page(reply: FastifyReply, status: number, title: string, body: string) {
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>
  body { font: 1rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; padding: 2rem 1rem; color: #1a1a1a; background: #f6f6f6; }
  main { max-width: 34rem; margin: 0 auto; background: #fff; padding: 1.5rem 2rem; border-radius: 8px; border: 1px solid #ddd; }
  h1 { font-size: 1.5rem; margin-top: 0; }
  strong { word-break: break-all; }
  button { font: inherit; padding: 0.6rem 1.2rem; border: 0; border-radius: 6px; background: #0b57d0; color: #fff; cursor: pointer; }
  button:focus-visible { outline: 3px solid #1a1a1a; outline-offset: 2px; }
</style>
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
${body}
</main>
</body>
</html>
`;
  return reply.code(status).headers(PAGE_HEADERS).send(html);
}
