import Fastify, { type FastifyInstance } from 'fastify';
import { DomainError } from '../domain/errors.ts';
import { createAuthHook } from './auth.ts';
import { errorHandler, sendError } from './errors.ts';
import { healthDocs } from './openapi/docs-extensions.ts';
import { registerOpenApi } from './openapi/openapi.ts';
import { registerApplicationRoutes } from './routes/applications.ts';
import { registerEmailContentRoutes } from './routes/email-contents.ts';
import { registerOptOutRoutes } from './routes/opt-out.ts';
import { registerTemplateRoutes } from './routes/message-templates.ts';
import { registerPinSendRoutes } from './routes/pin-send.ts';
import { registerPinVerifyRoutes } from './routes/pin-verify.ts';
import type { HttpServices } from './routes/route-helpers.ts';
import { registerSandboxAndVoiceRoutes } from './routes/sandbox-and-voices.ts';
import { registerConsoleApiRoutes } from './routes/console-api.ts';
import { registerConsolePageRoutes } from './routes/console-pages.ts';
import { registerHealthRoutes, type OpsRoutesDeps } from './routes/health.ts';
import { instrumentHttp, type HttpMetrics } from '../observability/http-metrics.ts';
import { requestIdOf } from '../observability/request-id.ts';
import { lazyRequestLogger } from './request-logger.ts';

export interface HttpOptions {
  bodyLimitBytes: number;
  trustProxy: boolean;
  logger: unknown;
  /** /healthz, /readyz, /metrics and the request metrics (observability/); without it only /healthz. */
  ops?: OpsRoutesDeps & { http: HttpMetrics };
}

/** The HTTP server: Infobip's 2FA API and open2fa's extensions, one auth hook, one error mapping. */
export function buildHttpServer(services: HttpServices, options: HttpOptions): FastifyInstance {
  const app = Fastify({
    loggerInstance: options.logger as never,
    bodyLimit: options.bodyLimitBytes,
    trustProxy: options.trustProxy,
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: 200 },
    requestIdHeader: false,
    genReqId: requestIdOf,
    childLoggerFactory: lazyRequestLogger,
    // Bad URL encoding and over-long path parameters are answered by the router itself; route
    // them through the one error mapping so they get the envelope too.
    frameworkErrors: (err, req, reply) => errorHandler(options.bodyLimitBytes)(err, req, reply),
  }) as unknown as FastifyInstance;

  // Route schemas only document (OpenAPI at /openapi.json): handlers validate with zod, whose
  // texts are part of the contract, and answers are serialized as before.
  app.setValidatorCompiler(() => () => true);
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  registerOpenApi(app); // before any route: it collects each one as it is added

  // Our own JSON parser: an empty body counts as absent (v1 clients resend with no body), and a
  // malformed one gets a 400 that says where it broke. JSON.parse never assigns prototypes, and
  // the schemas copy known fields only.
  app.removeContentTypeParser('application/json');
  // Fastify tests the pattern against the normalised header with its parameters
  // ("application/json; charset=\"utf-8\""), so the media type must end at ";" or the end.
  app.addContentTypeParser(/^application\/([^;\s]+\+)?json\s*(;|$)/, { parseAs: 'string' }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (err) {
      done(new DomainError('BAD_REQUEST', `Request body is not valid JSON: ${(err as Error).message}`), undefined);
    }
  });

  if (options.ops) instrumentHttp(app, options.ops.http); // before any route: it hooks each one as it is added
  app.addHook('onRequest', (req, reply, done) => { reply.header('cache-control', 'no-store').header('x-request-id', req.id); done(); });
  app.addHook('onRequest', createAuthHook(services.accounts));
  app.setErrorHandler(errorHandler(options.bodyLimitBytes));
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0];
    sendError(reply, 404, 'NOT_FOUND', `No endpoint ${req.method} ${path}. The Infobip 2FA API lives under /2fa/2/ (see README)`);
  });

  registerApplicationRoutes(app, services);
  registerTemplateRoutes(app, services);
  registerPinSendRoutes(app, services);
  registerPinVerifyRoutes(app, services);
  registerSandboxAndVoiceRoutes(app, services);
  registerEmailContentRoutes(app, services);
  registerOptOutRoutes(app, services);
  if (services.console) {
    registerConsolePageRoutes(app);
    registerConsoleApiRoutes(app, { ...services, console: services.console });
  }
  if (options.ops) registerHealthRoutes(app, options.ops);
  else app.get('/healthz', { config: { access: 'public' }, schema: healthDocs.healthz }, async () => ({ status: 'ok' }));
  return app;
}
