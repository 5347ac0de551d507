import { createHmac, timingSafeEqual } from 'node:crypto';
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildChannelSet, type ChannelSet } from './app/channels.ts';
import { buildConfiguredChannels } from './app/configured-channels.ts';
import type { DeliveryReport } from './channels/contract.ts';
import { createLogger } from './app/logger.ts';
import { resolveSecret } from './app/secret.ts';
import type { Config } from './config/schema.ts';
import { createDeliveryWorker, type DeliveryWorker } from './delivery/delivery-worker.ts';
import type { Clock, Store } from './domain/ports.ts';
import { createAccountService } from './domain/services/account-service.ts';
import { createApplicationService } from './domain/services/application-service.ts';
import { createPinSendService } from './domain/services/pin-send-service.ts';
import { createPinVerifyService } from './domain/services/pin-verify-service.ts';
import { createSandboxInbox } from './domain/services/sandbox-inbox.ts';
import { buildHttpServer } from './http/server.ts';
import { createSqliteStore } from './storage/sqlite/sqlite-store.ts';

export interface Open2fa {
  config: Config;
  store: Store;
  http: FastifyInstance;
  worker: DeliveryWorker;
  channels: ChannelSet;
  services: ReturnType<typeof buildServices>;
  logger: Logger;
  /** Set when this start created the first API key; printed once by `serve`. */
  bootstrapKey?: string;
  close(graceMs?: number): Promise<void>;
}

export interface Overrides {
  clock?: Clock;
  logger?: Logger;
  /** Skip the delivery worker loop (CLI commands that only read). */
  worker?: boolean;
}

const systemClock: Clock = { now: () => Date.now() };

/**
 * The composition root: config → store (migrated) → services → channels → worker → HTTP.
 * Everything is wired here and nowhere else; close() takes it down in reverse order.
 */
export async function createOpen2fa(config: Config, overrides: Overrides = {}): Promise<Open2fa> {
  const clock = overrides.clock ?? systemClock;
  const logger = overrides.logger ?? createLogger(config.logLevel);
  const dataDir = resolve(config.dataDir);
  const store = openStore(config, dataDir);
  await store.migrate();
  const secret = resolveSecret(config.secret, dataDir, store.kind === 'postgres');

  let worker: DeliveryWorker | undefined;
  const services = buildServices(config, { store, clock, secret, poke: () => worker?.poke() });
  const channelDeps = {
    now: () => clock.now(),
    report: (deliveryId: string, report: DeliveryReport) => {
      void worker?.report(deliveryId, report).catch((err) => logger.error({ err, deliveryId }, 'recording a late report failed'));
    },
  };
  const channels = buildChannelSet({ store, clock, configured: await buildConfiguredChannels(config, channelDeps) });
  worker = createDeliveryWorker(
    { store, clock, secret, logger, channelFor: (m) => channels.channelFor(m) },
    { ...config.delivery, retentionMs: config.retentionMs },
  );
  const publicUrl = (config.publicUrl ?? `http://localhost:${config.port}`).replace(/\/$/, '');
  const audioToken = (id: string) => createHmac('sha256', secret).update(`audio:${id}`).digest('hex').slice(0, 32);
  const http = buildHttpServer({
    ...services,
    audio: {
      dir: join(dataDir, 'audio'),
      urlFor: (id) => `${publicUrl}/sandbox/1/audio/${id}.wav?token=${audioToken(id)}`,
      verifyToken: (id, token) => typeof token === 'string' && token.length === 32 && timingSafeEqual(Buffer.from(token), Buffer.from(audioToken(id))),
    },
  }, { bodyLimitBytes: config.http.bodyLimitBytes, trustProxy: config.http.trustProxy, logger });

  const { createdKey } = await services.accounts.bootstrap(config.bootstrapApiKey);
  if (overrides.worker !== false) worker.start();

  return {
    config, store, http, worker, channels, services, logger, ...(createdKey ? { bootstrapKey: createdKey } : {}),
    async close(graceMs = 10_000) {
      await http.close();
      await worker?.stop(graceMs);
      await channels.close();
      await store.close();
    },
  };
}

function openStore(config: Config, dataDir: string): Store {
  if (config.databaseUrl) throw new Error('databaseUrl: PostgreSQL storage is not available in this build yet; unset DATABASE_URL to use SQLite');
  return createSqliteStore(join(dataDir, 'open2fa.sqlite'));
}

function buildServices(config: Config, deps: { store: Store; clock: Clock; secret: Buffer; poke(): void }) {
  const { store, clock, secret } = deps;
  const accounts = createAccountService({ store, clock });
  const apps = createApplicationService({ store, clock });
  const sender = createPinSendService({
    store, clock, apps, secret, idempotencyTtlMs: config.idempotencyTtlMs,
    lookupNumber: async () => 'NC_NOT_CONFIGURED',
    voicePreflight: async () => undefined,
    emailBody: async () => undefined,
    unsubscribeUrl: () => undefined,
    optedOut: async () => false,
    onAccepted: deps.poke,
  });
  const verifier = createPinVerifyService({ store, clock, secret, apps });
  const sandbox = createSandboxInbox({ store, secret });
  return { accounts, apps, sender, verifier, sandbox };
}
