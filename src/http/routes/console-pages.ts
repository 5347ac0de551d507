import type {} from '@fastify/swagger';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CONSOLE_CSP } from '../../console/console-html.ts';
import { consoleBundle, etagOf } from '../../console/ui-bundle.ts';
import { notFound } from '../../domain/errors.ts';

/**
 * The console's page and assets. Public: they hold no data (the page asks for an API key and
 * keeps it in sessionStorage; every JSON call sends it). Hidden from the OpenAPI document.
 */
export function registerConsolePageRoutes(app: FastifyInstance): void {
  const ui = consoleBundle();
  const page = { config: { access: 'public' as const }, schema: { hide: true } };

  const shell = async (req: FastifyRequest, reply: FastifyReply) => {
    const { html } = await ui.get();
    const etag = etagOf(html);
    securityHeaders(reply).header('etag', etag);
    if (req.headers['if-none-match'] === etag) return reply.code(304).send();
    return reply.type('text/html; charset=utf-8').send(html);
  };
  app.get('/console', page, shell);

  app.get<{ Params: { file: string } }>('/console/assets/:file', page, async (req, reply) => {
    const asset = (await ui.get()).assets.get(req.params.file);
    if (!asset) throw notFound('No such console asset: reload the console page to get the current ones');
    // Names carry a content hash: a name never changes content, so it may be cached for good.
    reply.header('cache-control', 'public, max-age=31536000, immutable').header('x-content-type-options', 'nosniff').header('vary', 'accept-encoding');
    reply.type(asset.type);
    if (/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) return reply.header('content-encoding', 'gzip').send(asset.gzip);
    return reply.send(asset.body);
  });
}

function securityHeaders(reply: FastifyReply): FastifyReply {
  return reply
    .header('content-security-policy', CONSOLE_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY');
}
