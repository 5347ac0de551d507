import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifySchema } from 'fastify';
import { DomainError } from '../../domain/errors.ts';

/** What the operations routes need; built in main.ts (observability/). */
export interface OpsRoutesDeps {
  readiness: { check(): Promise<{ ready: boolean; checks: Record<string, unknown>; reasons: string[] }> };
  metrics: { render(): Promise<string>; contentType: string };
  /** When set, GET /metrics needs `Authorization: Bearer <token>`. */
  metricsToken?: string;
}

/** OpenAPI metadata only (no body or response schemas): the generator reads tags, summary, description. */
const doc = (summary: string, description: string) => ({ tags: ['Operations'], summary, description }) as FastifySchema;

/**
 * Operations endpoints, outside Infobip's API and its API keys: liveness, readiness with
 * reasons, and Prometheus metrics. See docs/operations.md.
 */
export function registerHealthRoutes(app: FastifyInstance, deps: OpsRoutesDeps): void {
  app.get('/healthz', {
    config: { access: 'public' },
    schema: doc('Liveness', 'Answers 200 while the process runs and its event loop turns. Touches nothing else (no storage, no channels): use it as the liveness probe.'),
  }, async () => ({ status: 'ok' }));

  app.get('/readyz', {
    config: { access: 'public' },
    schema: doc('Readiness, with reasons', 'Answers 200 when storage answers a ping and every channel this process delivers with is usable (SMPP routes bound, SIP trunks not failing, SMTP relay reachable), else 503. The body lists each check with its detail and the reasons for a 503.'),
  }, async (_req, reply) => {
    const report = await deps.readiness.check();
    return reply.code(report.ready ? 200 : 503).send({ status: report.ready ? 'ready' : 'not ready', ...(report.ready ? {} : { reasons: report.reasons }), checks: report.checks });
  });

  const expected = deps.metricsToken ? digest(deps.metricsToken) : undefined;
  app.get('/metrics', {
    config: { access: 'public' },
    schema: doc('Prometheus metrics', 'Metrics of this process in the Prometheus text format: HTTP requests and latency per route and status, PINs sent and verified, final statuses, SIP codes, calls in progress, late RTP frames, queue depth and age, SMPP windows, webhook retries, refused credits, Node.js process figures. Needs "Authorization: Bearer <metrics.token>" when that is configured.'),
  }, async (req, reply) => {
    if (expected) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
      if (!match || !timingSafeEqual(digest(match[1] as string), expected)) {
        reply.header('www-authenticate', 'Bearer realm="metrics"');
        throw new DomainError('UNAUTHORIZED', 'GET /metrics needs "Authorization: Bearer <metrics.token>" (the token set in the configuration)');
      }
    }
    const text = await deps.metrics.render();
    return reply.type(deps.metrics.contentType).send(text);
  });
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
