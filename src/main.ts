import { createHmac, timingSafeEqual } from 'node:crypto';
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildChannelSet, type ChannelSet } from './app/channels.ts';
import { buildConfiguredChannels } from './app/configured-channels.ts';
import type { DeliveryReport } from './channels/contract.ts';
import type { DeliveryRecord } from './domain/records.ts';
import { createLogger } from './app/logger.ts';
import { resolveSecret } from './app/secret.ts';
import type { Config } from './config/schema.ts';
import { createDeliveryWorker, type DeliveryWorker } from './delivery/delivery-worker.ts';
import type { Clock, Store } from './domain/ports.ts';
import { createAccountService } from './domain/services/account-service.ts';
import { createApplicationService } from './domain/services/application-service.ts';
import { createPinSendService, type SendDeps } from './domain/services/pin-send-service.ts';
import { createDeliveryReports } from './delivery/delivery-reports.ts';
import { lazyRenderer, pricingFor, sandboxAudioRenderer, voicePreflight } from './app/voice-setup.ts';
import { voiceConfigSchema } from './channels/voice/voice-config.ts';
import { parseSection } from './config/load.ts';
import { createNumberLookup, numberLookupSchema } from './channels/lookup/number-lookup.ts';
import { createPinVerifyService } from './domain/services/pin-verify-service.ts';
import { createRecentPins, type RecentPins } from './domain/recent-pins.ts';
import { createSandboxInbox } from './domain/services/sandbox-inbox.ts';
import { createEmailSetup, publicBaseUrl } from './app/email-setup.ts';
import { buildHttpServer } from './http/server.ts';
import { createConsoleService } from './console/console-service.ts';
import { createMetrics, type Metrics } from './observability/metrics.ts';
import { createReadiness } from './observability/readiness.ts';
import { createPinObserver } from './app/observed-services.ts';
import { buildOpsServer } from './app/ops-server.ts';
import { createSqliteStore } from './storage/sqlite/sqlite-store.ts';
import { createThreadedSqliteStore } from './storage/sqlite/thread/sqlite-thread-store.ts';
import { createPostgresStore } from './storage/postgres/postgres-store.ts';
import { withReadCache } from './storage/read-cache.ts';

export interface Open2fa {
  config: Config;
  store: Store;
  http: FastifyInstance;
  worker: DeliveryWorker;
  channels: ChannelSet;
  services: ReturnType<typeof buildServices>;
  logger: Logger;
  /** This process's metrics (GET /metrics). */
  metrics: Metrics;
  /** The operations listener (/healthz, /readyz, /metrics) when `ops.port` is configured; `serve` starts it. */
  ops?: FastifyInstance;
  /** Set when this start created the first API key; printed once by `serve`. */
  bootstrapKey?: string;
  close(graceMs?: number): Promise<void>;
}

export interface Overrides {
  clock?: Clock;
  logger?: Logger;
  /** Skip the delivery worker loop (CLI commands that only read). */
  worker?: boolean;
  /** Ensure a first API key (serve only: a CLI command must not create a key nobody sees). */
  bootstrap?: boolean;
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
  const metrics = createMetrics({ sampleQueue: () => store.countQueued(clock.now()) });
  const recentPins = createRecentPins();
  const pins = createPinObserver(metrics, store, recentPins);
  const reports = createDeliveryReports({ store, clock, logger, telemetry: metrics.delivery }, { ...config.webhooks, pollMs: config.delivery.pollMs });
  const reportFinal = (d: DeliveryRecord) => void reports.enqueue(d).catch((err) => logger.error({ err }, 'queueing a delivery report failed'));
  const voice = config.voice === undefined ? undefined : parseSection(voiceConfigSchema, config.voice, 'voice');
  const pricing = pricingFor(voice);
  const renderer = lazyRenderer();
  const services = buildServices(config, {
    store, clock, secret, recentPins, voicePreflight: voicePreflight(voice, store, pricing),
    lookupNumber: createNumberLookup(parseSection(numberLookupSchema, config.numberLookup ?? { provider: 'builtin' }, 'numberLookup')),
    onAccepted: (delivery) => {
      pins.accepted(delivery);
      if (delivery.final) metrics.delivery.finalStatus(delivery.medium, delivery.status, 'send');
      if (delivery.final) reportFinal(delivery);
      else worker?.poke();
    },
  });
  const channelDeps = {
    now: () => clock.now(),
    report: (deliveryId: string, report: DeliveryReport) => {
      void worker?.report(deliveryId, report).catch((err) => logger.error({ err, deliveryId }, 'recording a late report failed'));
    },
  };
  const audioDir = join(dataDir, 'audio');
  const channels = buildChannelSet({
    store, clock, renderAudio: sandboxAudioRenderer(renderer.get, audioDir),
    configured: await buildConfiguredChannels(config, { channel: channelDeps, store, logger, telemetry: metrics.channels, renderer: renderer.get, ...(voice && pricing ? { voice, pricing } : {}) }),
  });
  worker = createDeliveryWorker(
    {
      store, clock, secret, logger, channelFor: (m) => channels.channelFor(m),
      onFinal: reportFinal, telemetry: metrics.delivery,
    },
    { ...config.delivery, retentionMs: config.retentionMs },
  );
  const publicUrl = config.publicUrl?.replace(/\/$/, '');
  const audioToken = (id: string) => createHmac('sha256', secret).update(`audio:${id}`).digest('hex').slice(0, 32);
  // API-only processes deliver nothing: their readiness is storage alone.
  const readiness = createReadiness({
    ping: () => store.ping(), storageKind: store.kind,
    ...(config.role === 'api' ? {} : { channels: () => ({ voice: channels.channelFor('voice'), sms: channels.channelFor('sms'), email: channels.channelFor('email') }) }),
  });
  const opsDeps = { readiness, metrics, ...(config.metrics.token ? { metricsToken: config.metrics.token } : {}) };
  const ops = config.ops.port === undefined ? undefined : buildOpsServer(opsDeps, logger);
  const http = buildHttpServer({
    ...services,
    verifier: pins.observeVerifier(services.verifier),
    ...(config.console.enabled ? {
      console: createConsoleService({ store, clock, apps: services.apps, renderer: renderer.get, channels: () => channels.describe() }),
    } : {}),
    audio: {
      dir: audioDir,
      urlFor: (id, requestBase) => `${publicUrl ?? requestBase}/sandbox/1/audio/${id}.wav?token=${audioToken(id)}`,
      verifyToken: (id, token) => typeof token === 'string' && token.length === 32 && timingSafeEqual(Buffer.from(token), Buffer.from(audioToken(id))),
    },
  }, { bodyLimitBytes: config.http.bodyLimitBytes, trustProxy: config.http.trustProxy, logger, ops: { ...opsDeps, http: metrics.http } });

  const { createdKey } = overrides.bootstrap === false ? {} : await services.accounts.bootstrap(config.bootstrapApiKey);
  if (overrides.worker !== false) { worker.start(); reports.start(); }

  return {
    config, store, http, worker, channels, services, logger, metrics, ...(ops ? { ops } : {}), ...(createdKey ? { bootstrapKey: createdKey } : {}),
    async close(graceMs = 10_000) {
      readiness.drain();
      await http.close();
      await worker?.stop(graceMs);
      reports.stop();
      await channels.close();
      await renderer.close();
      await store.close();
      await ops?.close();
    },
  };
}

function openStore(config: Config, dataDir: string): Store {
  const store = config.databaseUrl
    ? createPostgresStore(config.databaseUrl, { poolSize: config.databasePoolSize })
    // With sqliteThread, the WAL checkpoints get a thread too; without it (the CLI's one-shot
    // commands, or by choice) all of SQLite's work stays in the one thread.
    : config.sqliteThread ? createThreadedSqliteStore(join(dataDir, 'open2fa.sqlite'), { checkpointThread: true }) : createSqliteStore(join(dataDir, 'open2fa.sqlite'));
  return withReadCache(store, config.cacheTtlMs);
}

interface ServiceDeps {
  store: Store;
  clock: Clock;
  secret: Buffer;
  recentPins: RecentPins;
  voicePreflight: SendDeps['voicePreflight'];
  lookupNumber: SendDeps['lookupNumber'];
  onAccepted: SendDeps['onAccepted'];
}

function buildServices(config: Config, deps: ServiceDeps) {
  const { store, clock, secret, recentPins } = deps;
  const accounts = createAccountService({ store, clock });
  const apps = createApplicationService({ store, clock });
  const email = createEmailSetup({ store, clock, secret, publicUrl: publicBaseUrl(config) });
  const sender = createPinSendService({
    store, clock, apps, secret, idempotencyTtlMs: config.idempotencyTtlMs, recentPins,
    lookupNumber: deps.lookupNumber,
    voicePreflight: deps.voicePreflight,
    ...email.sendDeps,
    onAccepted: deps.onAccepted,
  });
  const verifier = createPinVerifyService({ store, clock, secret, apps, recentPins });
  const sandbox = createSandboxInbox({ store, secret });
  return { accounts, apps, sender, verifier, sandbox, emailContents: email.contents, optOut: email.optOut };
}
