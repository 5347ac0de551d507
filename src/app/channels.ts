import type { DeliveryChannel, DeliveryReport, Medium, OutboundMessage } from '../channels/contract.ts';
import { createSandboxChannel } from '../channels/sandbox/sandbox-channel.ts';
import type { Clock, Store } from '../domain/ports.ts';
import { newId } from '../domain/ids.ts';

export interface ChannelSet {
  channelFor(medium: Medium): DeliveryChannel;
  /** "sandbox" or the configured channel's id, per medium (for start-up logs and /readyz). */
  describe(): Record<Medium, string>;
  close(): Promise<void>;
}

export interface ChannelBuildDeps {
  store: Store;
  clock: Clock;
  renderAudio?: (message: OutboundMessage) => Promise<{ file: string; durationMs: number }>;
  configured: Partial<Record<Medium, DeliveryChannel>>;
}

/** One channel per medium, built once at start: the configured one, else the sandbox. */
export function buildChannelSet(deps: ChannelBuildDeps): ChannelSet {
  const capture = async (message: OutboundMessage, report: DeliveryReport) => {
    const delivery = await deps.store.getDelivery(message.deliveryId);
    if (!delivery) return;
    await deps.store.insertSandboxMessage({
      id: newId(), accountId: delivery.accountId, deliveryId: delivery.id, pinId: delivery.pinId, medium: delivery.medium,
      to: delivery.to, from: report.sender ?? delivery.sender, content: delivery.content, status: report.status,
      audioFile: report.audioFile ?? null, createdAt: deps.clock.now(),
    });
  };
  const sandboxDeps = { now: () => deps.clock.now(), capture, ...(deps.renderAudio ? { renderAudio: deps.renderAudio } : {}) };
  const channels: Record<Medium, DeliveryChannel> = {
    voice: deps.configured.voice ?? createSandboxChannel('voice', sandboxDeps),
    sms: deps.configured.sms ?? createSandboxChannel('sms', sandboxDeps),
    email: deps.configured.email ?? createSandboxChannel('email', sandboxDeps),
  };
  return {
    channelFor: (medium) => channels[medium],
    describe: () => ({ voice: channels.voice.id, sms: channels.sms.id, email: channels.email.id }),
    async close() { await Promise.allSettled(Object.values(channels).map((c) => c.close())); },
  };
}
