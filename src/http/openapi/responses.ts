import { envelope } from '../errors.ts';
import type { Example, JsonSchema } from './json-schema.ts';
import type { ShapeName } from './shapes.ts';

/**
 * Response schemas for route `schema.response`: a component by reference plus named examples.
 * The reference sits in `allOf` because OpenAPI drops the siblings of a bare `$ref`.
 */
export function ok(shape: ShapeName, description: string, examples: Record<string, Example>): JsonSchema {
  return { description, allOf: [{ $ref: `${shape}#` }], 'x-examples': examples };
}

export function listOf(shape: ShapeName, description: string, examples: Record<string, Example>): JsonSchema {
  return { description, type: 'array', items: { $ref: `${shape}#` }, 'x-examples': examples };
}

export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 429 | 500 | 503;

const example = (summary: string, messageId: string, text: string, validationErrors?: Record<string, string[]>): Example =>
  ({ summary, value: envelope(messageId, text, validationErrors) });

/** Texts as the server writes them (errors.ts, auth.ts and the services). */
const ERRORS: Record<ErrorStatus, { description: string; examples: Record<string, Example> }> = {
  400: {
    description: 'Invalid request: malformed JSON, a wrong type or value (validationErrors names the fields), or a request the state does not allow',
    examples: {
      validation: example('A field is invalid', 'BAD_REQUEST', 'Invalid request. to: must be an international phone number of 7 to 15 digits, e.g. 41793026727',
        { to: ['must be an international phone number of 7 to 15 digits, e.g. 41793026727'] }),
      json: example('The body is not JSON', 'BAD_REQUEST', 'Request body is not valid JSON: Unexpected end of JSON input'),
    },
  },
  401: {
    description: 'Missing, malformed, unknown or revoked API key',
    examples: { missing: example('No Authorization header', 'UNAUTHORIZED', 'Missing credentials: send "Authorization: App <api key>"') },
  },
  403: {
    description: "The API key lacks the endpoint's scope",
    examples: { scope: example('A send-only key on a manage endpoint', 'FORBIDDEN', 'This API key lacks the scope for this endpoint: it needs 2fa:manage') },
  },
  404: {
    description: 'Unknown id, or an id of another account',
    examples: { unknown: example('Unknown id', 'NOT_FOUND', 'Application 0933F3BC087D2A617AC6DCB2EF5B8A61 not found. List yours with GET /2fa/2/applications') },
  },
  409: {
    description: 'The Idempotency-Key was used for another request within 24 h',
    examples: { reused: example('Key reused', 'CONFLICT', 'Idempotency-Key "3f1c9a6e-7b2d-4c1a-9e0f-5a8b7c6d5e4f" was already used with a different request; use a new key for a new request') },
  },
  413: {
    description: 'The body is larger than http.bodyLimitBytes',
    examples: { large: example('Too large', 'BAD_REQUEST', 'Request body is larger than the limit of 65536 bytes') },
  },
  415: {
    description: 'The body is not JSON',
    examples: { form: example('A form body', 'BAD_REQUEST', 'Unsupported Content-Type: send the body as JSON with Content-Type: application/json') },
  },
  429: {
    description: 'A send or verify limit of the application was reached; nothing was done. Retry-After says when to retry',
    examples: { limit: example('Per-number limit', 'TOO_MANY_REQUESTS', 'sendPinPerPhoneNumberLimit 3/1d exceeded; retry after 86400 s') },
  },
  500: {
    description: 'A bug: the text carries an error id that is in the server log',
    examples: { bug: example('Unexpected error', 'GENERAL_ERROR', 'Something went wrong. Please contact support with error id 5f0c3a52-3c1e-4e4b-9a53-0d8f1d0b6c11.') },
  },
  503: {
    description: 'Storage is unreachable; nothing was done. Retry-After says when to retry',
    examples: { store: example('Database down', 'SERVICE_UNAVAILABLE', 'Storage is unavailable right now; nothing was done. Retry shortly.') },
  },
};

const RETRY_AFTER = { 'Retry-After': { type: 'integer', description: 'Seconds to wait before retrying' } };

/** Error responses in Infobip's envelope, by status. 500 and 503 are added to every operation. */
export function errors(...statuses: ErrorStatus[]): Record<number, JsonSchema> {
  return Object.fromEntries([...new Set([...statuses, 500, 503] as ErrorStatus[])].sort().map((status) => [status, {
    description: ERRORS[status].description,
    allOf: [{ $ref: 'ApiError#' }],
    'x-examples': ERRORS[status].examples,
    ...(status === 429 || status === 503 ? { headers: RETRY_AFTER } : {}),
  }]));
}

/** 401 and 403 of an endpoint that needs one of `scopes` (auth.ts writes the 403 text the same way). */
export function authErrors(scopes: string[]): Record<number, JsonSchema> {
  const { 401: unauthorized, 403: forbidden } = errors(401, 403);
  const text = `This API key lacks the scope for this endpoint: it needs ${scopes.join(' or ')}`;
  return { 401: unauthorized as JsonSchema, 403: { ...forbidden, 'x-examples': { scope: example('A key without the scope', 'FORBIDDEN', text) } } };
}

/** The errors of a JSON body: invalid (400), too large (413), not JSON (415). */
export const BODY_ERRORS: ErrorStatus[] = [400, 413, 415];
