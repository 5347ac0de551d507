import Fastify, { type FastifyInstance } from 'fastify';
import { errorHandler, sendError } from '../http/errors.ts';
import { registerHealthRoutes, type OpsRoutesDeps } from '../http/routes/health.ts';
import { requestIdOf } from '../observability/request-id.ts';

/**
 * The operations listener (`ops.port`): /healthz, /readyz and /metrics only, no API. A worker
 * process (--role worker) serves no API, so this is how it is probed and scraped; on API
 * processes it keeps scrapes and probes off the port the load balancer exposes.
 */
export function buildOpsServer(deps: OpsRoutesDeps, logger: unknown): FastifyInstance {
  const app = Fastify({ loggerInstance: logger as never, requestIdHeader: false, genReqId: requestIdOf }) as unknown as FastifyInstance;
  app.addHook('onRequest', async (req, reply) => { reply.header('cache-control', 'no-store').header('x-request-id', req.id); });
  app.setErrorHandler(errorHandler(1024));
  app.setNotFoundHandler((req, reply) => {
    sendError(reply, 404, 'NOT_FOUND', `No endpoint ${req.method} ${req.url.split('?')[0]} on the operations port: it serves /healthz, /readyz and /metrics`);
  });
  registerHealthRoutes(app, deps);
  return app;
}
