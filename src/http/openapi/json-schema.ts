import type { FastifySchema } from 'fastify';
import { z } from 'zod';

/**
 * zod → JSON Schema for the OpenAPI document. The routes keep validating with zod in their
 * handlers (the error texts are part of the contract); these schemas only describe them, and
 * Fastify neither validates nor serializes with them (see server.ts).
 *
 * `io: 'input'` documents what a caller sends: a transform is described by its input ("+41…"
 * before the + is stripped), a default makes a field optional. Refinements (a {{pin}} in the
 * text, a time string's range) have no JSON Schema form; the field descriptions say them.
 */
export type JsonSchema = { [key: string]: unknown };

export interface FieldDoc {
  description: string;
  default?: unknown;
  examples?: unknown[];
  enum?: readonly string[];
}
/** Dotted paths into the schema's properties ("configuration.pinAttempts") → documentation. */
export type FieldDocs = Record<string, string | FieldDoc>;

/** A named example (OpenAPI Example Object). */
export interface Example { summary: string; value: unknown }

export function jsonSchemaOf(schema: z.ZodType, fields: FieldDocs = {}, io: 'input' | 'output' = 'input'): JsonSchema {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  for (const [path, doc] of Object.entries(fields)) {
    Object.assign(fieldAt(json, path, path), typeof doc === 'string' ? { description: doc } : doc);
  }
  return json;
}

/** Documentation can only name fields the schema has: a renamed field fails at startup. */
function fieldAt(schema: JsonSchema, path: string, fullPath: string): JsonSchema {
  const [head, ...rest] = path.split('.');
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const field = head === undefined ? undefined : properties[head];
  if (!field) throw new Error(`OpenAPI: the documentation names "${fullPath}", which the schema does not have`);
  return rest.length === 0 ? field : fieldAt(field, rest.join('.'), fullPath);
}

export interface ParamDoc { description: string; example: string; pattern?: string }

/** Path parameters (strings, every one required), or headers (made optional by the caller). */
export function paramsSchema(params: Record<string, ParamDoc>): JsonSchema {
  const properties = Object.fromEntries(Object.entries(params).map(([name, p]) => [name, {
    type: 'string', description: p.description, examples: [p.example], ...(p.pattern ? { pattern: p.pattern } : {}),
  }]));
  return { type: 'object', properties, required: Object.keys(params) };
}

export interface OperationSpec {
  operationId: string;
  tags: string[];
  summary: string;
  description: string;
  params?: Record<string, ParamDoc>;
  headers?: Record<string, ParamDoc>;
  querystring?: { schema: z.ZodType; fields?: FieldDocs; examples?: Record<string, unknown> };
  body?: { schema: z.ZodType; description: string; fields?: FieldDocs; examples: Record<string, Example>; optional?: boolean };
  /** Per status code; build them with the helpers of responses.ts. */
  responses: Record<number, JsonSchema>;
}

/**
 * The request schemas each operation validates with, by operationId: the OpenAPI test parses
 * every documented example with them, so the documentation cannot drift from the behaviour.
 */
export const requestSchemas = new Map<string, { body?: z.ZodType; querystring?: z.ZodType }>();

/** A route's `schema`: OpenAPI metadata plus JSON Schemas generated from the zod schemas. */
export function operation(spec: OperationSpec): FastifySchema {
  if (requestSchemas.has(spec.operationId)) throw new Error(`OpenAPI: operationId ${spec.operationId} is used twice`);
  requestSchemas.set(spec.operationId, {
    ...(spec.body ? { body: spec.body.schema } : {}), ...(spec.querystring ? { querystring: spec.querystring.schema } : {}),
  });
  const { body, querystring } = spec;
  return {
    operationId: spec.operationId,
    tags: spec.tags,
    summary: spec.summary,
    description: spec.description,
    ...(spec.params ? { params: paramsSchema(spec.params) } : {}),
    ...(spec.headers ? { headers: { ...paramsSchema(spec.headers), required: [] } } : {}),
    ...(querystring ? { querystring: withParamExamples(jsonSchemaOf(querystring.schema, querystring.fields), querystring.examples) } : {}),
    ...(body ? {
      body: { ...jsonSchemaOf(body.schema, body.fields), description: body.description, 'x-examples': body.examples },
      // Fastify's swagger marks every body required; openapi.ts clears the flag for these.
      ...(body.optional ? { 'x-optional-body': true } : {}),
    } : {}),
    response: spec.responses,
  } as FastifySchema;
}

/** Query parameters carry their example on the parameter itself. */
function withParamExamples(schema: JsonSchema, examples: Record<string, unknown> = {}): JsonSchema {
  for (const [name, value] of Object.entries(examples)) fieldAt(schema, name, name).examples = [value];
  return schema;
}
