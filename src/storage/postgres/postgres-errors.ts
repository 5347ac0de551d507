/**
 * Telling "PostgreSQL is not there right now" apart from "this statement is wrong".
 *
 * The first kind is mapped to one error with `code = 'STORE_UNAVAILABLE'`; the HTTP layer turns
 * it into a 503 with Retry-After (nothing was done, the client may simply retry), the worker
 * backs off. Everything else (constraint violations, bugs) passes through unchanged.
 */

// Socket-level failures of the pg driver while connecting or talking to the server.
const NETWORK_ERRNO = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE',
]);

// SQLSTATEs of a server that is going away or not accepting us: admin_shutdown, crash_shutdown,
// cannot_connect_now (starting up / recovering), too_many_connections. Class 08 (connection
// exception) is matched by prefix.
const UNAVAILABLE_SQLSTATE = new Set(['57P01', '57P02', '57P03', '53300']);

// pg and pg-pool report these without a code.
const UNAVAILABLE_MESSAGE = /timeout exceeded when trying to connect|Connection terminated|connection timeout|not queryable|server closed the connection/i;

export class StoreUnavailableError extends Error {
  readonly code = 'STORE_UNAVAILABLE';
  constructor(cause: unknown) {
    super(`PostgreSQL is unavailable: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'StoreUnavailableError';
  }
}

/** True for a raw pg/socket error that means the database cannot be reached or went away. */
export function isConnectionFailure(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (NETWORK_ERRNO.has(code) || UNAVAILABLE_SQLSTATE.has(code) || /^08[0-9A-Z]{3}$/.test(code)) return true;
  }
  // AggregateError: every address of a host name refused (IPv4 and IPv6 localhost).
  if (err instanceof AggregateError && err.errors.some(isConnectionFailure)) return true;
  return UNAVAILABLE_MESSAGE.test(err.message);
}

/**
 * True when `err` means the store is unavailable: an error already mapped to
 * `STORE_UNAVAILABLE`, or a raw connection failure that was not mapped yet.
 */
export function isStoreUnavailable(err: unknown): boolean {
  if (err instanceof Error && (err as { code?: unknown }).code === 'STORE_UNAVAILABLE') return true;
  return isConnectionFailure(err);
}

/** Maps connection failures to StoreUnavailableError; returns any other error as it is. */
export function toStoreError(err: unknown): unknown {
  if (err instanceof StoreUnavailableError) return err;
  return isConnectionFailure(err) ? new StoreUnavailableError(err) : err;
}

/** Deadlock or serialization failure: the transaction did nothing and may simply run again. */
export function isRetryableConflict(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === '40P01' || code === '40001';
}
