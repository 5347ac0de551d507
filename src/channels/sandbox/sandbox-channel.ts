import { callReached } from '../../domain/delivery-status.ts';
import type { DeliveryChannel, DeliveryReport, Medium, OutboundMessage } from '../contract.ts';
import {
  SANDBOX_EMAIL, SANDBOX_SLOW_NUMBER, SANDBOX_SMS, SANDBOX_VOICE, SLOW_DELAY_MS, sandboxSipCode,
} from './sandbox-destinations.ts';

export interface SandboxDeps {
  now(): number;
  /** Stores what the phone or inbox would have received. */
  capture(message: OutboundMessage, report: DeliveryReport): Promise<void>;
  /** Renders a voice message to a WAV file of exactly the call's audio; answers its file name. */
  renderAudio?(message: OutboundMessage): Promise<{ file: string; durationMs: number }>;
}

/**
 * The channel used when none is configured: nothing leaves the machine. Every delivery is
 * captured for GET /sandbox/1/messages, and its final status follows sandbox-destinations.ts.
 */
export function createSandboxChannel(medium: Medium, deps: SandboxDeps): DeliveryChannel {
  return {
    id: `sandbox-${medium}`,
    medium,
    async send(message, signal) {
      const report = medium === 'voice' ? await voice(message, signal) : medium === 'sms' ? sms(message) : email(message);
      await deps.capture(message, report);
      return report;
    },
    async check() { return { ok: true, detail: 'sandbox: deliveries are captured, nothing is sent' }; },
    async close() {},
  };

  async function voice(message: OutboundMessage, signal: AbortSignal): Promise<DeliveryReport> {
    const status = SANDBOX_VOICE[message.to] ?? 'PROCESSED';
    if (message.to === SANDBOX_SLOW_NUMBER) await sleep(SLOW_DELAY_MS, signal);
    const start = deps.now();
    const answered = callReached(status);
    const audio = answered && deps.renderAudio ? await deps.renderAudio(message) : undefined;
    const sipCode = sandboxSipCode(status);
    return {
      status, final: true, reached: answered, ...(sipCode ? { resultCode: sipCode } : {}),
      sender: message.from ?? 'sandbox', ringingAt: start,
      ...(answered ? { answeredAt: start, endedAt: start + Math.round(audio?.durationMs ?? 0), dtmfRepeats: 0, amdVerdict: status === 'PROCESSED' ? 'HUMAN' : 'MACHINE' } : { endedAt: start }),
      ...(audio ? { audioFile: audio.file } : {}),
      price: 0,
    };
  }

  function sms(message: OutboundMessage): DeliveryReport {
    const status = SANDBOX_SMS[message.to] ?? 'DELIVERED_TO_HANDSET';
    return { status, final: true, reached: status === 'DELIVERED_TO_HANDSET', resultCode: 'sandbox', sender: message.from ?? 'sandbox' };
  }

  function email(message: OutboundMessage): DeliveryReport {
    const status = SANDBOX_EMAIL[message.to.toLowerCase()] ?? 'DELIVERED';
    return { status, final: true, reached: status === 'DELIVERED', resultCode: status === 'DELIVERED' ? 'SMTP 250' : 'SMTP 550', sender: message.from ?? 'sandbox' };
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => { clearTimeout(timer); reject(signal.reason); }, { once: true });
  });
}
