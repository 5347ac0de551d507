import pino, { type Logger } from 'pino';

/**
 * Structured JSON logs, one object per line. What never appears (docs/operations.md):
 * - PINs: the domain never hands one to a logger; `pin` fields are redacted anyway.
 * - API keys and other credentials: the Authorization header is never serialised (the request
 *   serializer keeps method, path and id), and credential-named fields are redacted wherever a
 *   caller nests them (`password`, `pass`, `token`, `secret`, `apiKey`, SMTP `auth`).
 * - Full phone numbers and addresses: code that logs one masks it with maskNumber; request URLs
 *   are logged without their query string (it can carry msisdn, to, a signed audio token).
 * - Driver error details (`err.detail`, `err.parameters`, `err.query`), which can echo values.
 *
 * Every line written while handling a request carries its `reqId` (Fastify's request logger);
 * lines of the delivery worker carry `deliveryId`, `pinId` and `channel` instead.
 */
const REDACT = [
  'req.headers.authorization', 'headers.authorization', 'authorization', '*.authorization',
  'password', '*.password', '*.*.password', 'pass', '*.pass', '*.*.pass',
  'pin', '*.pin', 'apiKey', '*.apiKey', 'bootstrapApiKey', '*.bootstrapApiKey',
  'token', '*.token', 'secret', '*.secret', 'auth', '*.auth', 'databaseUrl', '*.databaseUrl',
  'err.detail', 'err.parameters', 'err.query', 'err.cause.detail',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({
    level,
    redact: { paths: REDACT, censor: '[redacted]' },
    serializers: {
      req: (req: { method: string; url: string; id?: string }) => ({ method: req.method, path: req.url.split('?')[0], id: req.id }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  }, destination);
}

/**
 * For logs: a phone number keeps its first 4 and last 2 digits (41793026727 → 4179*****27, a
 * leading + is kept); an email address its first character and domain (a***@example.com).
 * Enough to recognise, not enough to call or write to.
 */
export function maskNumber(value: string): string {
  if (value.includes('@')) {
    const at = value.lastIndexOf('@');
    return `${value.slice(0, 1)}***@${value.slice(at + 1)}`;
  }
  const plus = value.startsWith('+') ? '+' : '';
  const digits = plus ? value.slice(1) : value;
  if (digits.length <= 6) return plus + '*'.repeat(digits.length);
  return `${plus}${digits.slice(0, 4)}${'*'.repeat(digits.length - 6)}${digits.slice(-2)}`;
}
