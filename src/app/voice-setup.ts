import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { OutboundMessage } from '../channels/contract.ts';
import { createCallPricing, type CallPricing } from '../channels/voice/call-pricing.ts';
import { decodePcmu, encodePcmu } from '../channels/voice/tts/g711.ts';
import { createPromptRenderer, type PromptRenderer, type PromptRequest } from '../channels/voice/tts/prompt-renderer.ts';
import { pcmToWav } from '../channels/voice/tts/wav.ts';
import type { VoiceConfig } from '../channels/voice/voice-config.ts';
import { longestPrefix } from '../channels/shared/prefix-match.ts';
import type { CallStatus } from '../domain/delivery-status.ts';
import type { Store } from '../domain/ports.ts';

/** One prompt renderer per process, created on first use (the engines take a moment to load). */
export function lazyRenderer(): { get(): Promise<PromptRenderer>; close(): Promise<void> } {
  let renderer: Promise<PromptRenderer> | undefined;
  return {
    get: () => (renderer ??= createPromptRenderer()),
    async close() { if (renderer) await (await renderer).close(); },
  };
}

/**
 * Sandbox voice: the WAV of exactly what a call would play — the prompt encoded to G.711 µ-law
 * (as sent in RTP) and decoded back, so what you hear is what the callee hears.
 */
export function sandboxAudioRenderer(renderer: () => Promise<PromptRenderer>, audioDir: string) {
  return async (message: OutboundMessage) => {
    if (!message.voice) throw new Error('voice delivery without voice options');
    const { wav, durationMs } = await renderCallAudio(renderer, { textParts: message.textParts, pin: message.pin, ...message.voice });
    await mkdir(audioDir, { recursive: true });
    const file = `${message.deliveryId}.wav`;
    await writeFile(join(audioDir, file), wav);
    return { file, durationMs };
  };
}

/** The WAV a call plays (through G.711 and back), in memory: the sandbox's file and the console's template preview. */
export async function renderCallAudio(renderer: () => Promise<PromptRenderer>, request: PromptRequest): Promise<{ wav: Buffer; durationMs: number }> {
  const prompt = await (await renderer()).render(request);
  return { wav: pcmToWav(decodePcmu(encodePcmu(prompt.pcm)), 8000), durationMs: prompt.durationMs };
}

/**
 * Send-time refusals of a voice PIN (decisions #9), answered as the final callStatus at once:
 * no route for the destination, or a balance that cannot pay the call's reservation.
 */
export function voicePreflight(voice: VoiceConfig | undefined, store: Store, pricing: CallPricing | undefined) {
  return async (accountId: string, to: string): Promise<CallStatus | undefined> => {
    if (voice && !longestPrefix(voice.routes, to)) return 'ERROR_ROUTE_NOT_AVAILABLE';
    const reserve = pricing?.reserveFor(to) ?? 0;
    if (reserve > 0) {
      const account = await store.getAccount(accountId);
      if (account && account.creditBalance !== null && account.creditBalance < reserve) return 'ERROR_NOT_ENOUGH_CREDITS';
    }
    return undefined;
  };
}

export function pricingFor(voice: VoiceConfig | undefined): CallPricing | undefined {
  return voice ? createCallPricing(voice) : undefined;
}
