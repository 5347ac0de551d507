import pino, { type Logger } from 'pino';

/**
 * Structured JSON logs. Credentials never appear (the Authorization header is redacted), and
 * request URLs are logged without their query string, which can carry phone numbers and addresses.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({
    level,
    redact: { paths: ['req.headers.authorization', 'headers.authorization', '*.password', '*.pass', 'password'], censor: '[redacted]' },
    serializers: {
      req: (req: { method: string; url: string; id?: string }) => ({ method: req.method, path: req.url.split('?')[0], id: req.id }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  }, destination);
}

/** 41793026727 → 4179*****27: enough to recognise, not enough to call. */
export function maskNumber(value: string): string {
  if (value.includes('@')) {
    const [user, domain] = value.split('@');
    return `${(user ?? '').slice(0, 1)}***@${domain ?? ''}`;
  }
  return value.length <= 6 ? '*'.repeat(value.length) : `${value.slice(0, 4)}${'*'.repeat(value.length - 6)}${value.slice(-2)}`;
}
