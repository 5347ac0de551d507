import { z } from 'zod';
import { ChannelError, type DeliveryChannel } from '../contract.ts';
import { startSmsChannel, type SmsChannelDeps } from './sms-channel.ts';

/**
 * SMS over SMPP v3.4: configuration, its schema, and the channel factory.
 * See docs/sms.md for routing, encoding, status mapping and retries.
 */

/**
 * One SMSC account, bound as transceiver.
 *
 * @example
 * { name: 'primary', host: 'smpp.example.net', port: 2775, systemId: 'open2fa', password: 'secret', windowSize: 20 }
 */
export interface SmscConnectionConfig {
  /** Unique name, used by routes and in logs. */
  name: string;
  host: string;
  port: number;
  /** bind system_id (SMPP v3.4 §4.1.1, at most 15 characters). */
  systemId: string;
  /** bind password (§4.1.1 allows 8 characters; longer ones are sent as they are, some SMSCs issue them). */
  password: string;
  /** bind system_type (§4.1.1, at most 12 characters); default empty. */
  systemType?: string;
  /** Interval of enquire_link keep-alives; default 30 000 ms. */
  enquireLinkMs?: number;
  /** Outstanding submit_sm at most (further submits wait for a slot); default 10. */
  windowSize?: number;
  /** First reconnect delay after a drop; doubles per failed attempt; default 1 000 ms. */
  reconnectMinMs?: number;
  /** Ceiling of the reconnect delay; default 60 000 ms. */
  reconnectMaxMs?: number;
  /** Wait for a submit_sm_resp (and for bind_transceiver_resp); default 10 000 ms. */
  submitTimeoutMs?: number;
}

export interface SmsConfig {
  smscs: SmscConnectionConfig[];
  /** Longest prefix wins; '' is the default route. No routes at all = one default route over every SMSC in order. */
  routes: { prefix: string; smscs: string[] }[];
  /** Sender when the message has none: alphanumeric (≤ 11) or a number (≤ 15 digits, optional '+'). */
  defaultSender?: string;
  /** How long a submitted message's receipt is awaited; default 48 h. Later receipts are ignored. */
  receiptTimeoutMs?: number;
}

/** SMPP C-octet strings are ASCII; control characters have no place in credentials. */
const printableAscii = /^[\x20-\x7e]*$/;
const positiveMs = z.number().int().positive();

const smscSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, "_", "." and "-" only'),
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535),
  systemId: z.string().min(1).max(15).regex(printableAscii, 'printable ASCII only'),
  password: z.string().max(64).regex(printableAscii, 'printable ASCII only'),
  systemType: z.string().max(12).regex(printableAscii, 'printable ASCII only').optional(),
  enquireLinkMs: positiveMs.optional(),
  windowSize: z.number().int().min(1).max(1000).optional(),
  reconnectMinMs: positiveMs.optional(),
  reconnectMaxMs: positiveMs.optional(),
  submitTimeoutMs: positiveMs.optional(),
});

const routeSchema = z.strictObject({
  prefix: z.string().regex(/^\d*$/, 'digits only (international format without "+")'),
  smscs: z.array(z.string()).min(1),
});

/**
 * Validates an {@link SmsConfig}: unique SMSC names and route prefixes, routes naming known SMSCs.
 *
 * @example
 * smsConfigSchema.parse({ smscs: [{ name: 'a', host: '127.0.0.1', port: 2775, systemId: 'x', password: 'y' }], routes: [] })
 */
export const smsConfigSchema: z.ZodType<SmsConfig> = z
  .strictObject({
    smscs: z.array(smscSchema).min(1),
    routes: z.array(routeSchema),
    defaultSender: z
      .string()
      .regex(/^(\+?\d{1,15}|[\x20-\x7e]{1,11})$/, 'alphanumeric up to 11 characters or a number up to 15 digits')
      .optional(),
    receiptTimeoutMs: positiveMs.optional(),
  })
  .superRefine((config, ctx) => {
    const names = new Set<string>();
    config.smscs.forEach((smsc, i) => {
      if (names.has(smsc.name)) ctx.addIssue({ code: 'custom', path: ['smscs', i, 'name'], message: `duplicate SMSC name "${smsc.name}"` });
      names.add(smsc.name);
      if ((smsc.reconnectMinMs ?? 1_000) > (smsc.reconnectMaxMs ?? 60_000)) {
        ctx.addIssue({ code: 'custom', path: ['smscs', i, 'reconnectMaxMs'], message: 'must not be below reconnectMinMs' });
      }
    });
    const prefixes = new Set<string>();
    config.routes.forEach((route, i) => {
      if (prefixes.has(route.prefix)) ctx.addIssue({ code: 'custom', path: ['routes', i, 'prefix'], message: `duplicate prefix "${route.prefix}"` });
      prefixes.add(route.prefix);
      route.smscs.forEach((name, j) => {
        if (!names.has(name)) ctx.addIssue({ code: 'custom', path: ['routes', i, 'smscs', j], message: `unknown SMSC "${name}"` });
      });
    });
  });

/**
 * Creates the SMS channel and waits for each SMSC's first bind attempt. A refused or failed bind
 * does not throw: check() reports it and the session keeps reconnecting with backoff.
 *
 * @throws ChannelError INVALID_CONFIG when `config` does not pass {@link smsConfigSchema}.
 * @example
 * const sms = await createSmsChannel(config, { report: (id, r) => worker.report(id, r), now: Date.now, logger, receipts: store });
 * await sms.send(message, AbortSignal.timeout(30_000));  // { status: 'PENDING_ENROUTE', final: false, … }
 */
export async function createSmsChannel(
  config: SmsConfig,
  deps: SmsChannelDeps,
): Promise<DeliveryChannel & { stats(): { windowInUse: number; connected: number } }> {
  const parsed = smsConfigSchema.safeParse(config);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${['sms', ...issue.path].join('.')}: ${issue.message}`);
    throw new ChannelError('INVALID_CONFIG', problems.join('; '), false);
  }
  return startSmsChannel(parsed.data, deps);
}

export { describeSmsText } from './encoding.ts';
export type { SmsLogger } from './smpp-session.ts';
