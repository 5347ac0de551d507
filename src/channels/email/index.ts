/**
 * Email channel: delivers rendered PIN messages over SMTP submission (RFC 6409) through a
 * nodemailer connection pool. See docs/email.md for configuration, status mapping and retries.
 */
import nodemailer from 'nodemailer';
import type { SMTPPoolOptions } from 'nodemailer';
import { z } from 'zod';
import { ChannelError, type ChannelDeps, type DeliveryChannel } from '../contract.ts';
import { SmtpEmailChannel } from './smtp-email-channel.ts';

const tlsSchema = z.strictObject({
  /** Verify the server certificate (default true). false only for a lab relay with a self-signed certificate. */
  rejectUnauthorized: z.boolean().optional(),
  /** PEM bundle to trust; like Node's tls `ca` it REPLACES the system roots for this connection. */
  ca: z.string().min(1).optional(),
});

const poolSchema = z.strictObject({
  /** Parallel SMTP sessions; relays often limit concurrent sessions per client, so keep it small. */
  maxConnections: z.number().int().min(1).max(50).default(2),
  /** Messages per session before it is replaced (some relays cap messages per session). */
  maxMessages: z.number().int().min(1).max(10_000).default(100),
});

export const emailConfigSchema = z
  .strictObject({
    host: z.string().min(1),
    /** 587 = submission with STARTTLS (RFC 6409), 465 = implicit TLS (RFC 8314), 25 = relay. */
    port: z.number().int().min(1).max(65_535).default(587),
    /** Implicit TLS from the first byte (port 465, RFC 8314 §3.3). */
    secure: z.boolean().default(false),
    /** Refuse to continue unless the server upgrades the session with STARTTLS (RFC 3207). */
    requireTLS: z.boolean().default(true),
    /** SMTP AUTH (RFC 4954); nodemailer picks PLAIN or LOGIN, whichever the server offers first. */
    auth: z.strictObject({ user: z.string().min(1), pass: z.string().min(1) }).optional(),
    tls: tlsSchema.optional(),
    pool: poolSchema.prefault({}),
    /** RFC 5322 mailbox, e.g. `open2fa <no-reply@example.com>`; used when a message has no sender. */
    defaultFrom: z.string().min(3).refine((v) => v.includes('@'), 'defaultFrom must contain an address'),
    /** TCP connect, greeting and DNS deadline; a dead relay must fail fast so the queue can retry. */
    connectionTimeoutMs: z.number().int().min(100).max(120_000).default(10_000),
    /** Deadline for one whole send (queue wait in the pool + SMTP transaction). */
    sendTimeoutMs: z.number().int().min(100).max(600_000).default(30_000),
  })
  .refine((c) => !(c.secure && c.requireTLS), {
    message: 'secure (implicit TLS) and requireTLS (STARTTLS) exclude each other; set requireTLS: false with secure: true',
    path: ['requireTLS'],
  })
  .refine((c) => !c.auth || c.secure || c.requireTLS, {
    // RFC 4954 §4 / RFC 8314: never send the password over an unencrypted session.
    message: 'auth needs secure: true or requireTLS: true, otherwise the password travels in clear text',
    path: ['auth'],
  });

export type EmailConfig = z.infer<typeof emailConfigSchema>;

/** Translate our config into nodemailer pool options. Exported for tests and docs only. */
export function toPoolOptions(config: EmailConfig): SMTPPoolOptions & { pool: true } {
  const timeout = config.connectionTimeoutMs;
  return {
    pool: true,
    host: config.host,
    port: config.port,
    secure: config.secure,
    requireTLS: config.requireTLS,
    auth: config.auth ? { user: config.auth.user, pass: config.auth.pass } : undefined,
    tls: {
      rejectUnauthorized: config.tls?.rejectUnauthorized ?? true,
      ...(config.tls?.ca ? { ca: config.tls.ca } : {}),
    },
    maxConnections: config.pool.maxConnections,
    maxMessages: config.pool.maxMessages,
    // One fresh try when a pooled session dies mid-send (a relay closed an idle session);
    // beyond that the delivery queue owns retry timing.
    maxRequeues: 1,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    dnsTimeout: timeout,
    // A stalled transaction is cut by the send deadline; the socket timeout only reaps dead sessions.
    socketTimeout: Math.max(config.sendTimeoutMs * 2, 60_000),
    socketCloseTimeout: 1_000,
    // nodemailer's logger would print recipients (and with debug, the body): keep it off.
    logger: false,
    debug: false,
    // Content arrives as strings; refuse file paths or URLs as content sources (defence in depth).
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}

/**
 * Create the SMTP email channel. Does not connect: a relay that is down at boot must not stop
 * the server; sends fail with a retryable error and check() reports it for /readyz.
 */
export async function createEmailChannel(config: EmailConfig, deps: ChannelDeps): Promise<DeliveryChannel> {
  const parsed = emailConfigSchema.safeParse(config);
  if (!parsed.success) {
    throw new ChannelError('INVALID_CONFIG', `email config: ${z.prettifyError(parsed.error)}`, false);
  }
  const transporter = nodemailer.createTransport(toPoolOptions(parsed.data));
  return new SmtpEmailChannel(transporter, parsed.data, deps);
}
