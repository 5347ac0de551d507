import type { ChannelDeps, DeliveryChannel, Medium } from '../channels/contract.ts';
import { createEmailChannel, emailConfigSchema } from '../channels/email/index.ts';
import { createSmsChannel, smsConfigSchema } from '../channels/sms/index.ts';
import type { CallPricing } from '../channels/voice/call-pricing.ts';
import type { PromptRenderer } from '../channels/voice/tts/prompt-renderer.ts';
import { createVoiceChannel } from '../channels/voice/voice-channel.ts';
import type { VoiceConfig } from '../channels/voice/voice-config.ts';
import { parseSection } from '../config/load.ts';
import type { Config } from '../config/schema.ts';
import type { Store } from '../domain/ports.ts';
import type { ChannelTelemetry } from '../channels/telemetry.ts';

export interface ConfiguredChannelDeps {
  channel: ChannelDeps;
  store: Store;
  renderer(): Promise<PromptRenderer>;
  logger: { info(o: object, m?: string): void; warn(o: object, m?: string): void };
  voice?: VoiceConfig;
  pricing?: CallPricing;
  /** SIP codes, calls, RTP lateness, SMPP windows (/metrics). */
  telemetry?: ChannelTelemetry;
}

/**
 * Builds the channels the configuration asks for; a medium without a section stays in the
 * sandbox. Each section is validated by its channel's own schema, so a bad value stops the start
 * with a message naming the key (e.g. `email.port`).
 */
export async function buildConfiguredChannels(config: Config, deps: ConfiguredChannelDeps): Promise<Partial<Record<Medium, DeliveryChannel>>> {
  const out: Partial<Record<Medium, DeliveryChannel>> = {};
  if (config.email !== undefined) out.email = await createEmailChannel(parseSection(emailConfigSchema, config.email, 'email'), deps.channel);
  if (config.sms !== undefined) {
    // Receipts are matched through the store: any process on the database, or one started since
    // the submit, can settle a receipt its bind receives (docs/sms.md).
    out.sms = await createSmsChannel(parseSection(smsConfigSchema, config.sms, 'sms'), {
      ...deps.channel, logger: deps.logger, receipts: deps.store, ...(deps.telemetry ? { telemetry: deps.telemetry } : {}),
    });
  }
  if (deps.voice && deps.pricing) {
    const { store } = deps;
    out.voice = createVoiceChannel(deps.voice, {
      renderer: await deps.renderer(),
      pricing: deps.pricing,
      ...(deps.telemetry ? { telemetry: deps.telemetry } : {}),
      credits: {
        reserve: (accountId, amount) => store.reserveCredits(accountId, amount),
        refund: async (accountId, amount) => { if (amount > 0) await store.addCredits(accountId, amount); },
      },
    });
  }
  return out;
}
