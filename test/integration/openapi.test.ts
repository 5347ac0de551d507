import assert from 'node:assert/strict';
import diagnostics from 'node:diagnostics_channel';
import { after, test } from 'node:test';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { z } from 'zod';
import { requestSchemas } from '../../src/http/openapi/json-schema.ts';
import { shapes } from '../../src/http/openapi/shapes.ts';
import { createAppAndTemplate, startServer, type Harness } from '../helpers/harness.ts';

/**
 * /openapi.json describes every route of the fully built server (routes added later by anyone
 * are included automatically), is structurally valid OpenAPI 3.1, and its examples are accepted
 * by the zod schemas the handlers validate with; real answers carry only documented fields.
 */

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any
interface Seen { method: string; url: string; hide: boolean }
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** Boots the real server and records every route as Fastify adds it (diagnostics channel: before any route). */
async function bootAndCollect(): Promise<{ h: Harness; routes: Seen[]; doc: Json }> {
  const routes: Seen[] = [];
  const onInit = (message: unknown) => {
    (message as { fastify: FastifyInstance }).fastify.addHook('onRoute', (r: RouteOptions) => {
      for (const method of [r.method].flat()) routes.push({ method, url: r.url, hide: (r.schema as { hide?: boolean } | undefined)?.hide === true });
    });
  };
  diagnostics.subscribe('fastify.initialization', onInit);
  let h: Harness;
  try { h = await startServer(undefined); } finally { diagnostics.unsubscribe('fastify.initialization', onInit); }
  const res = await h.call('GET', '/openapi.json', undefined, { key: null });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  return { h, routes, doc: res.body };
}

/** One server for every test of this file. */
let booted: ReturnType<typeof bootAndCollect> | undefined;
const boot = () => (booted ??= bootAndCollect());
after(async () => { if (booted) await (await booted).h.close(); });

/** `/a/:id/b`, `/a/*` and `/a/{id}/b` alike: parameters become `{}`. */
const shapeOf = (path: string) => path.replace(/:[A-Za-z0-9_]+/g, '{}').replace(/\*$/, '{}').replace(/\{[^}]+\}/g, '{}').replace(/(.)\/$/, '$1');

function operations(doc: Json): Array<{ path: string; method: string; op: Json }> {
  return Object.entries(doc.paths as Record<string, Json>).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m]).map((method) => ({ path, method, op: item[method] })));
}

/** Example values of a media type object: `examples` (named) or `example`. */
const examplesOf = (media: Json): unknown[] => [
  ...Object.values((media?.examples ?? {}) as Record<string, { value: unknown }>).map((e) => e.value),
  ...(media && 'example' in media ? [media.example] : []),
];

test('every route of the full server is in /openapi.json with a summary and a description; only pages and static assets are hidden', async () => {
  const { routes, doc } = await boot();
  const documented = new Map(operations(doc).map(({ path, method, op }) => [`${method.toUpperCase()} ${shapeOf(path)}`, op]));
  const served = routes.filter((r) => r.method !== 'HEAD');
  assert.ok(served.length >= 30, `only ${served.length} routes seen`);
  for (const r of served) {
    if (r.hide) {
      // Only pages and their static assets (Swagger UI, the console) may be hidden: GET, outside
      // the versioned API paths (/{area}/{version}/…).
      assert.ok(r.method === 'GET' && !/^\/[^/]+\/\d+(\/|$)/.test(r.url), `${r.method} ${r.url} is hidden from the document but is not a page or static asset`);
      continue;
    }
    const op = documented.get(`${r.method} ${shapeOf(r.url)}`);
    assert.ok(op, `${r.method} ${r.url} is missing from /openapi.json`);
    assert.ok(typeof op.summary === 'string' && op.summary.trim(), `${r.method} ${r.url} has no summary`);
    assert.ok(typeof op.description === 'string' && op.description.trim(), `${r.method} ${r.url} has no description`);
  }
  const servedKeys = new Set(served.filter((r) => !r.hide).map((r) => `${r.method} ${shapeOf(r.url)}`));
  for (const key of documented.keys()) assert.ok(servedKeys.has(key), `${key} is documented but not served`);
  for (const required of ['GET /2fa/2/applications', 'POST /2fa/2/pin', 'POST /2fa/2/pin/{}/verify', 'GET /email/1/contents/{}', 'POST /optout/1/{}', 'GET /openapi.json']) {
    assert.ok(documented.has(required), `${required} is not documented`);
  }
});

test('the document is structurally valid OpenAPI 3.1', async () => {
  const { doc } = await boot();
  assert.match(doc.openapi, /^3\.1\.\d+$/);
  assert.ok(doc.info?.title && doc.info?.version);
  assert.deepEqual(Object.keys(doc.components.securitySchemes).sort(), ['AppKey', 'Bearer']);
  assert.deepEqual(doc.security, [{ AppKey: [] }, { Bearer: [] }]);
  const tags = new Set((doc.tags as Array<{ name: string }>).map((tag) => tag.name));
  const ids = new Set<string>();
  for (const { path, method, op } of operations(doc)) {
    const where = `${method.toUpperCase()} ${path}`;
    assert.ok(path.startsWith('/'), where);
    assert.ok(op.operationId, `${where}: no operationId`);
    assert.ok(!ids.has(op.operationId), `${where}: operationId ${op.operationId} is used twice`);
    ids.add(op.operationId);
    for (const tag of op.tags ?? []) assert.ok(tags.has(tag), `${where}: tag ${tag} is not declared in the document's tags`);
    const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
    const pathParams = (op.parameters ?? []).filter((p: Json) => p.in === 'path');
    assert.deepEqual(pathParams.map((p: Json) => p.name).sort(), templated, `${where}: path parameters`);
    for (const p of op.parameters ?? []) assert.ok(['path', 'query', 'header', 'cookie'].includes(p.in) && p.name && (p.schema || p.content), `${where}: parameter ${p.name}`);
    for (const p of pathParams) assert.equal(p.required, true, `${where}: path parameter ${p.name} must be required`);
    assert.ok(Object.keys(op.responses ?? {}).length > 0, `${where}: no responses`);
    for (const [status, response] of Object.entries(op.responses as Record<string, Json>)) {
      assert.match(status, /^([1-5]\d\d|[1-5]XX|default)$/, `${where}: status ${status}`);
      assert.ok(typeof response.description === 'string', `${where} ${status}: no description`);
    }
    for (const scheme of (op.security ?? []).flatMap((s: Json) => Object.keys(s))) assert.ok(doc.components.securitySchemes[scheme], `${where}: unknown security scheme ${scheme}`);
  }
  // Every $ref resolves within the document.
  const refs: string[] = [];
  (function walk(node: Json) {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) (k === '$ref' && typeof v === 'string' ? refs.push(v) : walk(v));
  })(doc);
  assert.ok(refs.length > 20);
  for (const ref of refs) {
    assert.match(ref, /^#\//, `${ref} is not a local reference`);
    const target = ref.slice(2).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~')).reduce((node: Json, key) => node?.[key], doc);
    assert.ok(target !== undefined, `${ref} does not resolve`);
  }
  // Public routes need no key; the others list their scopes and answer 401/403.
  const get = (path: string, method = 'get') => doc.paths[path][method];
  assert.deepEqual(get('/openapi.json').security, []);
  assert.deepEqual(get('/optout/1/{token}', 'post').security, []);
  assert.deepEqual(get('/2fa/2/applications')['x-scopes'], ['2fa:manage']);
  assert.deepEqual(get('/2fa/2/pin', 'post')['x-scopes'], ['2fa:manage', '2fa:pin:send']);
  assert.ok(get('/2fa/2/pin', 'post').responses['401'] && get('/2fa/2/pin', 'post').responses['403']);
  assert.equal(get('/2fa/2/pin/{pinId}/resend', 'post').requestBody.required, false);
  assert.equal(get('/2fa/2/pin', 'post').requestBody.required, true);
});

test('documented request examples are accepted by the schemas the handlers validate with', async () => {
  const { doc } = await boot();
  let bodies = 0;
  for (const { path, method, op } of operations(doc)) {
    const where = `${method.toUpperCase()} ${path}`;
    const schemas = requestSchemas.get(op.operationId);
    if (!schemas) continue; // a route documented without our helper (no zod schema to check against)
    if (schemas.body) {
      const examples = examplesOf(op.requestBody?.content?.['application/json']);
      assert.ok(examples.length > 0, `${where}: the request body has no example`);
      for (const example of examples) {
        const result = schemas.body.safeParse(example);
        assert.ok(result.success, `${where}: example ${JSON.stringify(example)} is refused: ${result.error?.message}`);
        bodies++;
      }
    }
    if (schemas.querystring) {
      const query = Object.fromEntries((op.parameters ?? []).filter((p: Json) => p.in === 'query' && 'example' in p).map((p: Json) => [p.name, String(p.example)]));
      const result = schemas.querystring.safeParse(query);
      assert.ok(result.success, `${where}: query example ${JSON.stringify(query)} is refused: ${result.error?.message}`);
    }
  }
  assert.ok(bodies >= 20, `only ${bodies} body examples checked`);
});

/** The component a response schema points at, as a zod schema. */
function shapeFor(schema: Json): z.ZodType | undefined {
  const name = (ref: string | undefined) => ref?.replace('#/components/schemas/', '') as keyof typeof shapes | undefined;
  const single = name(schema?.allOf?.[0]?.$ref);
  if (single) return shapes[single];
  const item = schema?.type === 'array' ? name(schema.items?.$ref) : undefined;
  return item ? z.array(shapes[item]) : undefined;
}

test('documented response examples match the documented response shapes', async () => {
  const { doc } = await boot();
  let checked = 0;
  for (const { path, method, op } of operations(doc)) {
    for (const [status, response] of Object.entries(op.responses as Record<string, Json>)) {
      const media = response.content?.['application/json'];
      const shape = shapeFor(media?.schema);
      if (!shape) continue;
      const examples = examplesOf(media);
      if (requestSchemas.has(op.operationId)) assert.ok(examples.length > 0, `${method.toUpperCase()} ${path} ${status}: no example`);
      for (const example of examples) {
        const result = shape.safeParse(example);
        assert.ok(result.success, `${method.toUpperCase()} ${path} ${status}: example does not match: ${result.error?.message}`);
        checked++;
      }
    }
  }
  assert.ok(checked >= 100, `only ${checked} response examples checked`);
});

/** Fields of `value` the component schema does not list (follows $ref, allOf, anyOf and items). */
function undocumented(doc: Json, schema: Json, value: unknown, at = '$'): string[] {
  if (!schema || value === null || typeof value !== 'object') return [];
  if (schema.$ref) return undocumented(doc, doc.components.schemas[schema.$ref.split('/').pop()], value, at);
  if (schema.allOf) return schema.allOf.flatMap((s: Json) => undocumented(doc, s, value, at));
  if (schema.anyOf) {
    const options = schema.anyOf.map((s: Json) => undocumented(doc, s, value, at));
    return options.find((o: string[]) => o.length === 0) ?? options[0];
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => undocumented(doc, schema.items, v, `${at}[${i}]`));
  if (!schema.properties) return [];
  return Object.entries(value).flatMap(([k, v]) => (k in schema.properties ? undocumented(doc, schema.properties[k], v, `${at}.${k}`) : [`${at}.${k}`]));
}

test('real answers match their documented shapes and carry no undocumented field', async () => {
  const { h, doc } = await boot();
  const check = (path: string, method: string, status: number, body: unknown) => {
    const media = doc.paths[path][method].responses[String(status)].content['application/json'];
    const shape = shapeFor(media.schema);
    assert.ok(shape, `${method} ${path} ${status} has no component`);
    const result = shape.safeParse(body);
    assert.ok(result.success, `${method} ${path} ${status}: ${JSON.stringify(body)} does not match: ${result.error?.message}`);
    assert.deepEqual(undocumented(doc, media.schema, body), [], `${method} ${path} ${status}: undocumented fields`);
  };
  const { appId, messageId } = await createAppAndTemplate(h);
  check('/2fa/2/applications', 'get', 200, (await h.call('GET', '/2fa/2/applications')).body);
  check('/2fa/2/applications/{appId}', 'get', 200, (await h.call('GET', `/2fa/2/applications/${appId}`)).body);
  check('/2fa/2/applications/{appId}/messages', 'get', 200, (await h.call('GET', `/2fa/2/applications/${appId}/messages`)).body);
  const email = await h.call('POST', `/2fa/2/applications/${appId}/email/messages`, { emailTemplateId: 1, from: 'company@example.com' });
  check('/2fa/2/applications/{appId}/email/messages', 'post', 200, email.body);
  const sent = await h.call('POST', '/2fa/2/pin', { applicationId: appId, messageId, to: '41793026727' });
  check('/2fa/2/pin', 'post', 200, sent.body);
  const wrong = await h.call('POST', `/2fa/2/pin/${sent.body.pinId}/verify`, { pin: 'nope' });
  check('/2fa/2/pin/{pinId}/verify', 'post', 200, wrong.body);
  assert.equal(wrong.body.pinError, 'WRONG_PIN');
  check('/2fa/2/applications/{appId}/verifications', 'get', 200, (await h.call('GET', `/2fa/2/applications/${appId}/verifications?msisdn=41793026727`)).body);
  check('/2fa/2/pin/{pinId}/status', 'get', 200, (await h.call('GET', `/2fa/2/pin/${sent.body.pinId}/status`)).body);
  check('/tts/3/voices/{language}', 'get', 200, (await h.call('GET', '/tts/3/voices/en')).body);
  check('/email/1/contents', 'post', 200, (await h.call('POST', '/email/1/contents', { subject: 'Code', text: 'Your code is {{pin}}' })).body);
  const invalid = await h.call('POST', '/2fa/2/pin', { applicationId: appId, messageId, to: '12' });
  check('/2fa/2/pin', 'post', 400, invalid.body);
  check('/2fa/2/pin', 'post', 401, (await h.call('POST', '/2fa/2/pin', {}, { key: null })).body);
});

test('Swagger UI at /docs loads with its assets from this server only', async () => {
  const { h, doc } = await boot();
  for (const path of ['/docs', '/docs/']) {
    const page = await fetch(`${h.url}${path}`);
    assert.equal(page.status, 200, path);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    const csp = page.headers.get('content-security-policy') ?? '';
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(csp, /https?:/, 'the CSP allows another origin');
    const html = await page.text();
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] as string);
    assert.ok(assets.some((a) => a.endsWith('swagger-ui-bundle.js')) && assets.some((a) => a.endsWith('swagger-ui.css')), 'no Swagger UI bundle');
    for (const asset of assets) {
      assert.doesNotMatch(asset, /^(https?:)?\/\//, `${asset} is not served by this server`);
      const res = await fetch(new URL(asset, `${h.url}${path}`));
      assert.equal(res.status, 200, `${asset} from ${path}`);
      const type = res.headers.get('content-type') ?? '';
      if (asset.endsWith('.js')) assert.match(type, /javascript/, asset);
      if (asset.endsWith('.css')) assert.match(type, /text\/css/, asset);
      await res.arrayBuffer();
    }
  }
  const initializer = await (await fetch(`${h.url}/docs/static/swagger-initializer.js`)).text();
  assert.match(initializer, /resolveUrl\('\.\/json'\)/);
  assert.match(initializer, /validatorUrl: null/);
  const uiDoc = await h.call('GET', '/docs/json', undefined, { key: null });
  assert.equal(uiDoc.status, 200);
  assert.deepEqual(uiDoc.body, doc);
});
