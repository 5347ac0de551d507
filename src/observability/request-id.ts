import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** What a caller-supplied X-Request-Id may look like: an id, not a payload (no spaces, bounded). */
const USABLE = /^[A-Za-z0-9._:-]{8,128}$/;

/**
 * The id of a request, carried by every log line written while handling it and echoed in the
 * X-Request-Id response header: the caller's X-Request-Id when it looks like an id (a proxy or
 * client correlating its own logs), else a new UUID. Anything else (long, spaces, a phone number
 * or an email address smuggled into a header) is replaced, so it never reaches the logs.
 */
export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && USABLE.test(given) && !/^\+?\d{7,}$/.test(given) ? given : randomUUID();
}
