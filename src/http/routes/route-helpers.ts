import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { AccountService } from '../../domain/services/account-service.ts';
import type { ApplicationService } from '../../domain/services/application-service.ts';
import type { PinSendService } from '../../domain/services/pin-send-service.ts';
import type { PinVerifyService } from '../../domain/services/pin-verify-service.ts';
import type { SandboxInbox } from '../../domain/services/sandbox-inbox.ts';
import type { EmailContentService, OptOutService } from '../../domain/services/email-content-service.ts';
import { DomainError } from '../../domain/errors.ts';
import type { ConsoleService } from '../../console/console-service.ts';

export interface HttpServices {
  accounts: AccountService;
  apps: ApplicationService;
  sender: PinSendService;
  verifier: PinVerifyService;
  sandbox: SandboxInbox;
  /** Extension: email bodies that email templates point at (/email/1/contents). */
  emailContents: EmailContentService;
  /** The opt-out landing page behind the link of every PIN email (/optout/1/{token}). */
  optOut: OptOutService;
  /** The web console at /console (docs/console.md); absent when `console.enabled` is false. */
  console?: ConsoleService;
  /** Where sandbox audio files live and how clients fetch them. */
  audio: { dir: string; urlFor(deliveryId: string, requestBase: string): string; verifyToken(deliveryId: string, token: string | undefined): boolean };
}

/** Parses with a request schema; a ZodError reaches the one error handler as a 400. */
export function parse<S extends z.ZodType>(schema: S, value: unknown, context: 'body' | 'querystring' | 'params'): z.output<S> {
  if (context === 'body' && (value === null || typeof value !== 'object' || Array.isArray(value))) {
    throw new DomainError('BAD_REQUEST', 'Request body must be a JSON object', { validationErrors: { body: ['must be a JSON object'] } });
  }
  const result = schema.safeParse(value);
  if (!result.success) throw Object.assign(result.error, { validationContext: context });
  return result.data;
}

/**
 * The Idempotency-Key of a send, with a hash of what was asked: same key + same request replays
 * the first answer; same key + another request is a 409.
 */
export function idempotencyOf(request: FastifyRequest, body: unknown): { key: string; requestHash: string } | undefined {
  const raw = request.headers['idempotency-key'];
  if (raw === undefined) return undefined;
  const key = Array.isArray(raw) ? raw[0] : raw;
  if (!key || key.length > 255 || !/^[\x21-\x7e]+$/.test(key)) {
    throw new DomainError('BAD_REQUEST', 'Idempotency-Key must be 1 to 255 visible ASCII characters, e.g. a UUID', { validationErrors: { 'Idempotency-Key': ['must be 1 to 255 visible ASCII characters'] } });
  }
  const path = request.url.split('?')[0]?.replace(/\/+$/, '');
  const query = (request.query as Record<string, unknown>)?.ncNeeded === 'false' ? 'nc=false' : '';
  const requestHash = createHash('sha256').update(`${request.method} ${path} ${query}\n${canonicalJson(body)}`).digest('hex');
  return { key, requestHash };
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}
