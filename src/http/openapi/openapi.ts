import { readFileSync } from 'node:fs';
import { fastifySwagger, type SwaggerTransform } from '@fastify/swagger';
import { fastifySwaggerUi, type FastifySwaggerUiOptions } from '@fastify/swagger-ui';
import type { FastifyInstance, FastifySchema } from 'fastify';
import type { RouteAccess } from '../auth.ts';
import { authErrors, errors } from './responses.ts';
import { componentSchemas } from './shapes.ts';

/**
 * The OpenAPI 3.1 document at /openapi.json, generated from the route schemas (@fastify/swagger,
 * dynamic mode), and Swagger UI at /docs with its assets served from node_modules (no CDN).
 *
 * Call before any route is declared: swagger collects routes with an onRoute hook, and root
 * routes are declared synchronously, before a plugin registered with app.register() would load.
 * So the plugin function is applied to the root instance directly (it only adds hooks and a
 * decorator) instead of through register().
 */
export function registerOpenApi(app: FastifyInstance): void {
  for (const schema of componentSchemas()) app.addSchema(schema);
  const { version } = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };

  fastifySwagger(app, {
    mode: 'dynamic',
    openapi: {
      openapi: '3.1.0',
      info: { ...DOCUMENT_INFO, version },
      servers: [{ url: '/', description: 'This open2fa server' }],
      tags: TAGS,
      components: {
        securitySchemes: {
          AppKey: {
            type: 'apiKey', in: 'header', name: 'Authorization',
            description: "Infobip's scheme: `Authorization: App <api key>`. In the Authorize dialog, enter the whole value, `App ` included.",
          },
          Bearer: { type: 'http', scheme: 'bearer', description: 'The same API key as a bearer token: `Authorization: Bearer <api key>`.' },
        },
      },
      security: [{ AppKey: [] }, { Bearer: [] }],
    },
    // Shared schemas keep their names: #/components/schemas/Application, not def-3.
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
    transform,
    transformObject: (doc) => ('openapiObject' in doc ? withOptionalBodies(doc.openapiObject as Document) : doc.swaggerObject) as never,
  }, (err) => { if (err) throw err; });

  // Applied directly too: its dependency check looks for a swagger registered through register().
  void app.register(async (scope) => (fastifySwaggerUi as unknown as UiPlugin)(scope, {
    routePrefix: '/docs',
    theme: { title: 'open2fa API' },
    uiConfig: { deepLinking: true, docExpansion: 'list', defaultModelsExpandDepth: 0, displayRequestDuration: true },
    // Everything comes from this server: no CDN, no validator badge, no inline scripts.
    staticCSP: "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'",
  }));

  app.get('/openapi.json', { config: { access: 'public' }, schema: openApiRouteSchema }, async () => app.swagger());
}

const openApiRouteSchema: FastifySchema = {
  operationId: 'get-openapi-document',
  tags: ['Operations'],
  summary: 'This OpenAPI document',
  description: 'The OpenAPI 3.1 description of every endpoint of this server, generated from the route schemas. Swagger UI at /docs renders it. No API key needed.',
  response: { 200: { description: 'OpenAPI 3.1 document', type: 'object' }, ...errors() },
};

/** The plugin function is async (index.js), its type says callback. */
type UiPlugin = (instance: FastifyInstance, opts: FastifySwaggerUiOptions) => Promise<void>;

const SCOPES: Record<Exclude<RouteAccess, 'public'>, string[]> = {
  manage: ['2fa:manage'], send: ['2fa:manage', '2fa:pin:send'], any: ['2fa:manage', '2fa:pin:send'],
};

/**
 * What the auth hook decides (auth.ts), per route from `config.access`: public routes need no
 * key; the others list their scopes (`x-scopes`, as Infobip's document does) and answer 401/403.
 * A wildcard segment gets the name of its documented parameter.
 * Routes documented without an operationId get one from method and path (get-healthz).
 */
const transform: SwaggerTransform = ({ schema, url, route }) => {
  const access = route.config?.access ?? 'public';
  const doc = { ...(schema ?? {}) } as FastifySchema & Record<string, unknown>;
  if (access === 'public') doc.security ??= [];
  else {
    doc['x-scopes'] ??= SCOPES[access];
    if (doc.response) doc.response = { ...authErrors(SCOPES[access]), ...(doc.response as object) };
  }
  if (typeof route.method === 'string') doc.operationId ??= `${route.method}${url}`.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/-+$/, '');
  const wildcard = Object.keys((doc.params as { properties?: object } | undefined)?.properties ?? {}).find((name) => !url.includes(`:${name}`));
  return { schema: doc, url: wildcard ? url.replace(/\*$/, `{${wildcard}}`) : url };
};

type Operation = { requestBody?: { required?: boolean }; 'x-optional-body'?: boolean };
type Document = { paths?: Record<string, Record<string, Operation>> };

/** Swagger marks every request body required; resends take none (Infobip's SDKs send `{}` or nothing). */
function withOptionalBodies(document: Document): Document {
  for (const item of Object.values(document.paths ?? {})) {
    for (const op of Object.values(item)) {
      if (op && typeof op === 'object' && 'x-optional-body' in op) {
        if (op.requestBody) op.requestBody.required = false;
        delete op['x-optional-body'];
      }
    }
  }
  return document;
}

/** The document's `info` (the version comes from package.json) and its tags, in display order. */
const DOCUMENT_INFO = {
  title: 'open2fa',
  license: { name: 'GPL-3.0-or-later', identifier: 'GPL-3.0-or-later' },
  description: `Self-hosted phone verification speaking [Infobip's 2FA HTTP API](https://www.infobip.com/docs/api/platform/2fa):
send a PIN by voice call, SMS or email, then verify it. Infobip's clients and SDKs work unchanged
against this server; point their base URL here.

**Authentication.** Every endpoint except the opt-out pages, the sandbox audio links and the
operational ones needs an API key: \`Authorization: App <api key>\` (Infobip's scheme) or
\`Authorization: Bearer <api key>\`. Keys carry scopes: \`2fa:manage\` for applications, templates
and email contents; \`2fa:manage\` or \`2fa:pin:send\` for sending and verifying (\`x-scopes\` on
each operation). Create keys with \`open2fa keys create\`.

**Requests.** JSON bodies (\`Content-Type: application/json\`, at most 64 KiB by default); unknown
fields are ignored; a trailing \`/\` is accepted on every path. Send and resend accept an
\`Idempotency-Key\` header.

**Errors** are Infobip's envelope and nothing else:
\`{"requestError":{"serviceException":{"messageId":"BAD_REQUEST","text":"…","validationErrors":{"field":["…"]}}}}\`.
A wrong or expired PIN is not an error: verify answers 200 with \`pinError\`.

Endpoints marked *Extension* are open2fa's own; the others are Infobip's, with Infobip's
operationIds. More in docs/api.md.`,
};

const TAGS = [
  { name: 'Applications', description: "Infobip endpoints 1–4: an application holds the PIN rules and limits of one use case." },
  { name: 'Message templates', description: 'Infobip endpoints 5–10: the text around the PIN (SMS and voice) or the email content, and the PIN shape.' },
  { name: 'PIN sending', description: 'Infobip endpoints 11–16: send a PIN by SMS, voice call or email, and resend the same PIN.' },
  { name: 'PIN verification', description: 'Infobip endpoints 17–18, and the delivery status of a PIN (extension).' },
  { name: 'Email contents', description: 'Extension: the subject and bodies behind an email template\'s emailTemplateId.' },
  { name: 'Email opt-out', description: 'Extension: the unsubscribe page every PIN email links to (HTML, for people).' },
  { name: 'Sandbox', description: 'Extension: what each phone or inbox would have received, PINs included (sandbox channels).' },
  { name: 'Voices', description: "Infobip's Voice API voice list, for a template's voiceName." },
  { name: 'Console', description: 'The web console.' },
  { name: 'Operations', description: 'Health, metrics and this document; no API key needed.' },
];
