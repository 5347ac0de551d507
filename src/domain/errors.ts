/**
 * Errors the caller can act on. Each code maps to one HTTP status in http/errors.ts, and its
 * text is sent as is: write it so that it says what to fix. Wrong PINs are not errors (see
 * VerifyOutcome): they answer 200 with `pinError`.
 */
export type DomainErrorCode =
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'TOO_MANY_REQUESTS'
  | 'SERVICE_UNAVAILABLE';

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly details: { validationErrors?: Record<string, string[]>; retryAfterMs?: number } = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const badRequest = (text: string, field?: string) =>
  new DomainError('BAD_REQUEST', text, field ? { validationErrors: { [field]: [text] } } : {});
export const notFound = (text: string) => new DomainError('NOT_FOUND', text);
