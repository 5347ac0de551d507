/**
 * Maps SMTP replies and nodemailer failures to the channel contract:
 * a final DeliveryReport (the relay decided) or a ChannelError (the queue decides).
 *
 * RFC 5321 §4.2.1: 2yz accepted, 4yz transient (try again later), 5yz permanent.
 * 503 "bad sequence" is a session-state problem, so it is retried like a 4yz (nodemailer agrees).
 */
import { ChannelError, type ChannelErrorCode, type DeliveryReport } from '../contract.ts';
import type { MessageStatus } from '../../domain/delivery-status.ts';

const MAX_DETAIL = 300;

/** The properties nodemailer sets on its errors (see nodemailer's NodemailerError). */
interface SmtpFailure {
  code?: string;
  responseCode?: number;
  response?: string;
  command?: string;
  originalCode?: string;
  name?: string;
  message?: string;
}

/** RFC 4954 §6 / RFC 3463: reply codes that say the credentials (not the message) are wrong. */
const AUTH_REPLY_CODES = new Set([530, 534, 535, 538]);

/** Node TLS verification failures: the relay's certificate, or our trust settings, are wrong. */
const CERT_ERROR = /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ALTNAME|HOSTNAME/;

/**
 * Server text without reply codes, line breaks and any email address (RFC 5321 replies often
 * echo the recipient: "550 5.1.1 <bob@example.com>: Recipient address rejected").
 */
export function redactReply(reply: string | undefined): string {
  if (!reply) return '';
  const text = reply
    .split(/\r?\n/)
    .map((line) => line.replace(/^\d{3}[ -]/, '').trim())
    .filter(Boolean)
    .join(' ')
    .replace(/[^\s<>"'()[\],;]+@[^\s<>"'()[\],;]+/g, '[address]')
    .replace(/[\x00-\x1f\x7f]/g, ' ');
  return text.length > MAX_DETAIL ? `${text.slice(0, MAX_DETAIL - 1)}…` : text;
}

/** RFC 3463 enhanced status code ("4.7.1") at the start of the reply text, if any. */
export function enhancedStatus(reply: string | undefined): string | undefined {
  return reply?.match(/^\d{3}[ -]([245]\.\d{1,3}\.\d{1,3})\b/)?.[1];
}

/**
 * A 4yz reply that asks us to slow down (RFC 3463 class X.7 policy: greylisting, rate limits;
 * X.5.3 / 452 too many recipients) is THROTTLED; anything else transient is UNAVAILABLE.
 */
function transientCode(responseCode: number, reply: string | undefined): ChannelErrorCode {
  // RFC 4954 §6: 454 4.7.0 is a temporary authentication failure on the relay's side, not a limit.
  if (responseCode === 454) return 'UNAVAILABLE';
  const enhanced = enhancedStatus(reply) ?? '';
  if (responseCode === 452 || enhanced.startsWith('4.7.') || enhanced === '4.5.3') return 'THROTTLED';
  if (/rate|too many|throttl|grey ?list|gray ?list/i.test(reply ?? '')) return 'THROTTLED';
  return 'UNAVAILABLE';
}

function describe(f: SmtpFailure): string {
  const where = f.command ? ` at ${f.command}` : '';
  const text = redactReply(f.response);
  return `SMTP ${f.responseCode ?? f.code ?? 'error'}${where}${text ? `: ${text}` : ''}`;
}

/** Only the non-personal facts go into `cause`: a logger serialising it must not leak addresses. */
function safeCause(f: SmtpFailure): Record<string, unknown> {
  return { code: f.code, originalCode: f.originalCode, responseCode: f.responseCode, command: f.command };
}

function rejected(f: SmtpFailure & { responseCode: number }): DeliveryReport {
  const status: MessageStatus = 'UNDELIVERABLE_REJECTED_OPERATOR';
  const text = redactReply(f.response);
  const detail = f.command === 'MAIL FROM' ? `sender refused: ${text}` : text;
  return { status, final: true, reached: false, resultCode: `SMTP ${f.responseCode}`, detail };
}

/**
 * Classify a failed send. Returns the final report for a permanent rejection, otherwise the
 * ChannelError to throw. Caller-side aborts are handled by the channel before this is called.
 */
export function classifySmtpFailure(err: unknown): DeliveryReport | ChannelError {
  const f: SmtpFailure = typeof err === 'object' && err !== null ? (err as SmtpFailure) : { message: String(err) };
  const rc = typeof f.responseCode === 'number' ? f.responseCode : undefined;
  const cause = safeCause(f);

  if (rc !== undefined && rc >= 400 && (rc < 500 || rc === 503)) {
    return new ChannelError(transientCode(rc, f.response), describe(f), true, cause);
  }
  // Wrong credentials are a configuration fault, not the recipient's: the message itself is
  // fine, so it stays retryable (the queue's attempt limit and the PIN expiry bound it) and
  // check() reports the channel unready until an operator fixes the password.
  if (f.code === 'EAUTH' || f.code === 'ENOAUTH' || (rc !== undefined && AUTH_REPLY_CODES.has(rc))) {
    return new ChannelError('INVALID_CONFIG', `SMTP authentication failed: ${describe(f)}`, true, cause);
  }
  if (rc !== undefined && rc >= 500) return rejected({ ...f, responseCode: rc });

  if (f.code === 'ETLS' || CERT_ERROR.test(f.originalCode ?? '')) {
    const certProblem = CERT_ERROR.test(`${f.originalCode ?? ''} ${f.message ?? ''}`);
    return certProblem
      ? new ChannelError('INVALID_CONFIG', `SMTP TLS certificate not trusted (${f.originalCode ?? f.code}); check tls.ca`, true, cause)
      : new ChannelError('UNAVAILABLE', `SMTP TLS failed: ${f.message ?? f.code}`, true, cause);
  }
  if (f.code === 'EENVELOPE') {
    // No reply code: nodemailer refused the envelope locally (no valid recipient).
    return new ChannelError('INVALID_RECIPIENT', 'SMTP envelope refused before sending', false, cause);
  }
  if (f.code === 'ECONFIG') {
    return new ChannelError('INVALID_CONFIG', `nodemailer configuration: ${f.message ?? ''}`, true, cause);
  }
  if (f.code === 'EABORT' || f.name === 'AbortError') {
    return new ChannelError('TIMEOUT', 'SMTP send aborted', true, cause);
  }
  // ECONNECTION, ESOCKET (refused/reset), ETIMEDOUT, EDNS, EPROTOCOL, pool closed, unknown.
  const reason = f.originalCode ?? f.code ?? 'error';
  const text = redactReply(f.message);
  return new ChannelError('UNAVAILABLE', `SMTP relay unavailable (${reason})${text ? `: ${text}` : ''}`, true, cause);
}
