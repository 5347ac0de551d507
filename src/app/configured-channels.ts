import type { ChannelDeps, DeliveryChannel, Medium } from '../channels/contract.ts';
import { createEmailChannel, emailConfigSchema } from '../channels/email/index.ts';
import { parseSection } from '../config/load.ts';
import type { Config } from '../config/schema.ts';

/**
 * Builds the channels the configuration asks for; a medium without a section stays in the
 * sandbox. Each section is validated by its channel's own schema, so a bad value stops the start
 * with a message naming the key (e.g. `email.port`).
 */
export async function buildConfiguredChannels(config: Config, deps: ChannelDeps): Promise<Partial<Record<Medium, DeliveryChannel>>> {
  const out: Partial<Record<Medium, DeliveryChannel>> = {};
  if (config.email !== undefined) out.email = await createEmailChannel(parseSection(emailConfigSchema, config.email, 'email'), deps);
  return out;
}
