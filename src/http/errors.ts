import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ZodError } from 'zod';
import { DomainError, type DomainErrorCode } from '../domain/errors.ts';
import { newUuid } from '../domain/ids.ts';

/**
 * The one mapping from errors to Infobip's envelope:
 *   { requestError: { serviceException: { messageId, text[, validationErrors] } } }
 * Exactly these fields (the Java client fails on unknown ones). Texts say what to fix; internal
 * messages never reach the caller.
 */
const STATUS: Record<DomainErrorCode, number> = {
  BAD_REQUEST: 400, UNAUTHORIZED: 401, FORBIDDEN: 403, NOT_FOUND: 404, CONFLICT: 409, TOO_MANY_REQUESTS: 429, SERVICE_UNAVAILABLE: 503,
};

export function envelope(messageId: string, text: string, validationErrors?: Record<string, string[]>) {
  return { requestError: { serviceException: { messageId, text, ...(validationErrors ? { validationErrors } : {}) } } };
}

export function sendError(reply: FastifyReply, status: number, messageId: string, text: string, validationErrors?: Record<string, string[]>) {
  return reply.code(status).type('application/json; charset=utf-8').send(envelope(messageId, text, validationErrors));
}

export function validationErrorsOf(error: ZodError, context?: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const path = issue.path.map(String).join('.') || (context === 'querystring' ? 'query' : 'body');
    (out[path] ??= []).push(issue.message);
  }
  return out;
}

function describe(errors: Record<string, string[]>): string {
  return Object.entries(errors).map(([field, msgs]) => `${field}: ${msgs.join('; ')}`).join('. ');
}

/** Fastify's own request errors, by code, with texts a caller can act on. */
function frameworkError(err: FastifyError, bodyLimit: number): [number, string, string] | undefined {
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE': return [413, 'BAD_REQUEST', `Request body is larger than the limit of ${bodyLimit} bytes`];
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE': return [415, 'BAD_REQUEST', 'Unsupported Content-Type: send the body as JSON with Content-Type: application/json'];
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH': return [400, 'BAD_REQUEST', 'Content-Length does not match the body sent'];
    case 'FST_ERR_CTP_EMPTY_JSON_BODY': return [400, 'BAD_REQUEST', 'Request body is empty: send a JSON object'];
    case 'FST_ERR_BAD_URL': return [400, 'BAD_REQUEST', 'The request URL is malformed'];
    case 'FST_ERR_MAX_PARAM_LENGTH': return [400, 'BAD_REQUEST', 'A path parameter is too long: ids in this API are 32 characters'];
    case 'FST_ERR_ASYNC_CONSTRAINT': return [400, 'BAD_REQUEST', 'The request could not be routed'];
    default: return undefined;
  }
}

export function errorHandler(bodyLimit: number) {
  return (err: FastifyError | DomainError | ZodError | Error, request: FastifyRequest, reply: FastifyReply) => {
    if (err instanceof DomainError) {
      if (err.details.retryAfterMs !== undefined) reply.header('Retry-After', String(Math.max(1, Math.ceil(err.details.retryAfterMs / 1000))));
      return sendError(reply, STATUS[err.code], err.code, err.message, err.details.validationErrors);
    }
    if (err instanceof ZodError) {
      const errors = validationErrorsOf(err, (err as unknown as { validationContext?: string }).validationContext);
      return sendError(reply, 400, 'BAD_REQUEST', `Invalid request. ${describe(errors)}`, errors);
    }
    const fe = err as FastifyError;
    const mapped = frameworkError(fe, bodyLimit);
    if (mapped) return sendError(reply, mapped[0], mapped[1], mapped[2]);
    if ((fe as { type?: string }).type === 'invalid-json') return sendError(reply, 400, 'BAD_REQUEST', fe.message);
    if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
      return sendError(reply, fe.statusCode, 'BAD_REQUEST', 'The request could not be processed; check its method, headers and body');
    }
    if ((fe as { code?: string }).code === 'STORE_UNAVAILABLE') {
      reply.header('Retry-After', '5');
      return sendError(reply, 503, 'SERVICE_UNAVAILABLE', 'Storage is unavailable right now; nothing was done. Retry shortly.');
    }
    const errorId = newUuid();
    request.log.error({ err, errorId }, 'unhandled error');
    return sendError(reply, 500, 'GENERAL_ERROR', `Something went wrong. Please contact support with error id ${errorId}.`);
  };
}
