import { z } from 'zod';

/**
 * The `voice` section of the configuration: SIP trunks, routes by destination prefix, caller IDs,
 * call timers, answering-machine detection and prices. Without it, voice runs in the sandbox.
 */
const digits = z.string().regex(/^\+?\d{1,15}$/, 'must be a numeric caller ID: digits, optionally with a leading +');

export const trunkSchema = z.strictObject({
  name: z.string().min(1),
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(5060),
  transport: z.enum(['udp', 'tcp']).default('udp'),
  username: z.string().min(1).optional(),
  password: z.string().min(1).optional(),
  realm: z.string().min(1).optional(),
  fromDomain: z.string().min(1).optional(),
  /** Calls in progress at once on this trunk; more wait for a free slot. */
  maxConcurrentCalls: z.number().int().min(1).max(100_000).default(100),
  /** New calls started per second on this trunk (INVITE pacing). */
  callsPerSecond: z.number().min(0.1).max(10_000).default(10),
});

export const routeSchema = z.strictObject({
  /** Destination prefix in international digits; the longest matching prefix wins; "" matches all. */
  prefix: z.string().regex(/^\d*$/, 'must be digits (or "" for every destination)'),
  /** Trunk names in failover order: the next is tried when one fails (no response, 5xx). */
  trunks: z.array(z.string().min(1)).min(1),
  /** Caller ID when neither `from` nor the template's senderId is numeric (the seed's rule). */
  callerId: digits.optional(),
});

export const voiceConfigSchema = z.strictObject({
  trunks: z.array(trunkSchema).min(1),
  routes: z.array(routeSchema).min(1),
  /** Fallback caller ID for routes without one. */
  defaultCallerId: digits.default('0000000000'),
  /** Bind address for SIP and RTP sockets; default 127.0.0.1 for loopback trunks, else 0.0.0.0. */
  localAddress: z.string().optional(),
  ringTimeoutMs: z.number().int().min(1000).max(300_000).default(45_000),
  noResponseTimeoutMs: z.number().int().min(200).max(32_000).default(4_000),
  maxCallMs: z.number().int().min(5_000).max(3_600_000).default(180_000),
  listenAfterPromptMs: z.number().int().min(0).max(60_000).default(4_000),
  /** How often the repeatDTMF keys may replay the message (documented cap). */
  maxReplays: z.number().int().min(0).max(10).default(3),
  amd: z.strictObject({
    enabled: z.boolean().default(true),
    /** On a machine, wait for the greeting to end and still leave the message. */
    leaveMessageOnMachine: z.boolean().default(true),
    maxGreetingMs: z.number().int().min(1000).max(60_000).default(20_000),
  }).prefault({}),
  /** Price per started billing increment of an answered call, by destination prefix (longest wins). */
  prices: z.array(z.strictObject({
    prefix: z.string().regex(/^\d*$/),
    perMinute: z.number().min(0),
  })).default([]),
  billingIncrementSeconds: z.number().int().min(1).max(60).default(60),
}).superRefine((c, ctx) => {
  const names = new Set(c.trunks.map((t) => t.name));
  c.routes.forEach((r, i) => r.trunks.forEach((t, j) => {
    if (!names.has(t)) ctx.addIssue({ code: 'custom', path: ['routes', i, 'trunks', j], message: `no trunk named "${t}" (trunks: ${[...names].join(', ')})` });
  }));
});

export type VoiceConfig = z.infer<typeof voiceConfigSchema>;
export type TrunkConfig = z.infer<typeof trunkSchema>;
export type RouteConfig = z.infer<typeof routeSchema>;
