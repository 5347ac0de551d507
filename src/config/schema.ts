import { z } from 'zod';

/**
 * The one configuration schema. Sources, lowest first: these defaults < the config file
 * (OPEN2FA_CONFIG or --config, YAML or JSON) < environment variables (see load.ts).
 * Channels (voice, sms, email) are off until configured; with none, open2fa runs in sandbox mode.
 */
const port = z.coerce.number().int().min(0).max(65535);

export const configSchema = z.object({
  /** all = HTTP API and delivery worker; api = HTTP only; worker = deliveries only (no HTTP). */
  role: z.enum(['all', 'api', 'worker']).default('all'),
  host: z.string().default('0.0.0.0'),
  port: port.default(3000),
  /** Where SQLite, rendered audio and the generated secret live. */
  dataDir: z.string().default('./data'),
  /** postgres://… switches storage to PostgreSQL. */
  databaseUrl: z.string().regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://').optional(),
  /** PostgreSQL connections each process may open (its pool). See docs/deployment.md for sizing. */
  databasePoolSize: z.number().int().min(1).max(1000).default(10),
  /** 32+ bytes as hex or base64; keys PIN hashes and derivation. Generated into dataDir when absent (SQLite only). */
  secret: z.string().min(32, 'must be at least 32 characters (hex or base64 of 32+ random bytes)').optional(),
  bootstrapApiKey: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Base URL clients reach this server at; used in audioUrl and opt-out links. Default http://localhost:PORT. */
  publicUrl: z.string().url().optional(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  http: z.object({
    bodyLimitBytes: z.number().int().min(1024).max(10 * 1024 * 1024).default(65536),
    trustProxy: z.boolean().default(false),
  }).prefault({}),
  delivery: z.object({
    concurrency: z.number().int().min(1).max(5000).default(64),
    maxAttempts: z.number().int().min(1).max(50).default(5),
    leaseMs: z.number().int().min(1000).default(60_000),
    pollMs: z.number().int().min(10).default(500),
    /** First retry delay; doubles per attempt. */
    retryBaseMs: z.number().int().min(1).default(5_000),
    /** An SMS waiting for its receipt longer than this ends as UNKNOWN. */
    receiptTimeoutMs: z.number().int().min(1000).default(48 * 3_600_000),
  }).prefault({}),
  /** Delivery reports to an application's notifyUrl (trackDelivery). */
  webhooks: z.object({
    maxAttempts: z.number().int().min(1).max(50).default(10),
    /** Infobip's retry schedule unit: the n-th retry waits unit + unit × n². */
    retryUnitMs: z.number().int().min(10).default(60_000),
    timeoutMs: z.number().int().min(100).default(10_000),
  }).prefault({}),
  idempotencyTtlMs: z.number().int().min(1000).default(24 * 3_600_000),
  /**
   * API keys, applications and templates are cached this long per process (0 = off). Changes made
   * through the same process apply at once; changes made by another process within this time.
   */
  cacheTtlMs: z.number().int().min(0).max(60_000).default(1000),
  /**
   * SQLite runs on its own thread (docs/storage.md#sqlite-thread): the event loop that serves HTTP
   * and paces RTP never waits on a statement or a commit, and WAL checkpoints run on a thread of
   * their own (docs/storage.md#checkpoints). false = all of it in the server's thread.
   */
  sqliteThread: z.boolean().default(true),
  /**
   * History kept: PINs expired longer ago, their finished deliveries, sandbox captures and sent
   * delivery reports are pruned once a minute by each worker; charges are kept (docs/storage.md#retention).
   */
  retentionMs: z.number().int().min(60_000).default(30 * 24 * 3_600_000),
  /** GET /metrics (Prometheus text format; docs/operations.md). */
  metrics: z.object({
    /** When set, /metrics needs `Authorization: Bearer <token>`; unset, anyone who reaches the port can read it. */
    token: z.string().min(16, 'must be at least 16 characters').optional(),
  }).prefault({}),
  /** A second listener with only /healthz, /readyz and /metrics: the way to reach them on --role worker. */
  ops: z.object({
    port: port.optional(),
    /** Default: `host`. */
    host: z.string().optional(),
  }).prefault({}),
  /** The web console at /console (docs/console.md): sign-in with a 2fa:manage API key. */
  console: z.object({
    enabled: z.boolean().default(true),
  }).prefault({}),
  /** Number lookup before an SMS: { provider: builtin | none | http } (channels/lookup). */
  numberLookup: z.unknown().optional(),
  /** Channels: each validated by its own module's schema when present (see main.ts). */
  voice: z.unknown().optional(),
  sms: z.unknown().optional(),
  email: z.unknown().optional(),
});

export type Config = z.infer<typeof configSchema>;

/** Environment variables and the config path they set. */
export const ENV_KEYS: Record<string, string[]> = {
  PORT: ['port'],
  HOST: ['host'],
  OPEN2FA_DATA_DIR: ['dataDir'],
  DATABASE_URL: ['databaseUrl'],
  DATABASE_POOL_SIZE: ['databasePoolSize'],
  OPEN2FA_SECRET: ['secret'],
  OPEN2FA_BOOTSTRAP_API_KEY: ['bootstrapApiKey'],
  OPEN2FA_PUBLIC_URL: ['publicUrl'],
  OPEN2FA_LOG_LEVEL: ['logLevel'],
  OPEN2FA_DELIVERY_CONCURRENCY: ['delivery', 'concurrency'],
  OPEN2FA_ROLE: ['role'],
  OPEN2FA_METRICS_TOKEN: ['metrics', 'token'],
  OPEN2FA_OPS_PORT: ['ops', 'port'],
};
