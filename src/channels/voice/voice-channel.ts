import type { CallStatus } from '../../domain/delivery-status.ts';
import { callReached } from '../../domain/delivery-status.ts';
import type { DeliveryChannel, DeliveryReport, OutboundMessage } from '../contract.ts';
import { noChannelTelemetry, type ChannelTelemetry } from '../telemetry.ts';
import { longestPrefix } from '../shared/prefix-match.ts';
import { round, type CallPricing } from './call-pricing.ts';
import { placeCall, type CallRequest, type CallResult } from './sip/place-call.ts';
import { encodePcma, encodePcmu } from './tts/g711.ts';
import type { PromptRenderer } from './tts/prompt-renderer.ts';
import { TrunkGate } from './trunk-gate.ts';
import { TrunkHealth } from './trunk-health.ts';
import type { TrunkConfig, VoiceConfig } from './voice-config.ts';

export interface CreditLedger {
  /** Takes `amount` from the balance if it can pay it; true also when the balance is unlimited. */
  reserve(accountId: string, amount: number): Promise<boolean>;
  refund(accountId: string, amount: number): Promise<void>;
}

export interface VoiceChannelDeps {
  renderer: PromptRenderer;
  pricing: CallPricing;
  credits: CreditLedger;
  /** Test and metrics hook: every call result, per trunk tried. */
  onCall?(trunk: string, result: CallResult): void;
  /** Test hook: passed to placeCall. */
  onRtpPacket?: CallRequest['onRtpPacket'];
  /** SIP codes, calls in progress, late RTP frames (/metrics); default no-op. */
  telemetry?: ChannelTelemetry;
}

/**
 * Voice delivery: speaks the message (TTS) and places the call over the route's trunks,
 * failing over to the next trunk when one does not answer at all or answers 5xx. The caller ID
 * follows the seed's rule: the domain passes `from` when it is numeric; else the route's
 * caller ID, else the configured default. Credits are reserved before dialing and settled after.
 */
export function createVoiceChannel(config: VoiceConfig, deps: VoiceChannelDeps): DeliveryChannel & { gates: Map<string, TrunkGate> } {
  const trunks = new Map(config.trunks.map((t) => [t.name, t]));
  const gates = new Map(config.trunks.map((t) => [t.name, new TrunkGate(t.maxConcurrentCalls, t.callsPerSecond)]));
  const health = new TrunkHealth(config.trunks.map((t) => t.name), config.routes);
  const telemetry = deps.telemetry ?? noChannelTelemetry;

  async function send(message: OutboundMessage, signal: AbortSignal): Promise<DeliveryReport> {
    const start = Date.now();
    const route = longestPrefix(config.routes, message.to);
    if (!route) return refused('ERROR_ROUTE_NOT_AVAILABLE', `no voice route for destination prefix of ${message.to.slice(0, 4)}…`, start);
    const callerId = message.from ?? route.callerId ?? config.defaultCallerId;
    const voice = message.voice;
    if (!voice) throw new Error('voice delivery without voice options');

    const prompt = await deps.renderer.render({ textParts: message.textParts, pin: message.pin, ...voice });
    const audio = { pcmu: encodePcmu(prompt.pcm), pcma: encodePcma(prompt.pcm) };
    const reserved = deps.pricing.reserveFor(message.to);
    if (reserved > 0 && !(await deps.credits.reserve(message.accountId, reserved))) {
      return { ...refused('ERROR_NOT_ENOUGH_CREDITS', 'the credit balance cannot pay this call', start), sender: callerId };
    }

    let result: CallResult | undefined;
    let trunkUsed: TrunkConfig | undefined;
    try {
      for (const name of route.trunks) {
        trunkUsed = trunks.get(name) as TrunkConfig;
        result = await callOver(trunkUsed, message, callerId, audio, voice.repeatDTMF, signal);
        health.record(name, result);
        telemetry.sipResponse(name, result.sipCode);
        if (result.answeredAt) telemetry.rtpFrames(result.framesSent, result.lateFramesOver5ms);
        deps.onCall?.(name, result);
        if (!result.trunkFailure) break;
      }
    } finally {
      const charge = result?.answeredAt ? deps.pricing.chargeFor(message.to, result.endedAt - result.answeredAt) : 0;
      if (reserved > 0) await deps.credits.refund(message.accountId, round(reserved - charge));
      if (result) (result as CallResult & { charge?: number }).charge = charge;
    }
    return toReport(result as CallResult & { charge: number }, callerId, trunkUsed?.name ?? '');
  }

  async function callOver(trunk: TrunkConfig, message: OutboundMessage, callerId: string, prompt: CallRequest['prompt'], repeatDTMF: string | undefined, signal: AbortSignal) {
    const release = await (gates.get(trunk.name) as TrunkGate).acquire(signal);
    telemetry.callStarted(trunk.name);
    try {
      return await placeCall({
        trunk, to: message.to, callerId, prompt, maxReplays: config.maxReplays, ringTimeoutMs: config.ringTimeoutMs,
        noResponseTimeoutMs: config.noResponseTimeoutMs, maxCallMs: config.maxCallMs, listenAfterPromptMs: config.listenAfterPromptMs,
        amd: config.amd, signal,
        ...(repeatDTMF ? { repeatDTMF } : {}), ...(config.localAddress ? { localAddress: config.localAddress } : {}),
        ...(deps.onRtpPacket ? { onRtpPacket: deps.onRtpPacket } : {}),
      });
    } finally {
      telemetry.callEnded(trunk.name);
      release();
    }
  }

  return {
    id: 'voice-sip',
    medium: 'voice',
    gates,
    send,
    /** Trunk state from the calls placed (see trunk-health.ts): no probes, no registration. */
    async check() { return health.report(); },
    async close() { await deps.renderer.close(); },
  };
}

function refused(status: CallStatus, detail: string, at: number): DeliveryReport {
  return { status, final: true, reached: false, detail, endedAt: at };
}

function toReport(r: CallResult & { charge: number }, callerId: string, trunk: string): DeliveryReport {
  return {
    status: r.status, final: true, reached: callReached(r.status), sender: callerId,
    ...(r.sipCode ? { resultCode: `SIP ${r.sipCode}` } : {}),
    detail: [`trunk ${trunk}`, r.reason, r.codec].filter(Boolean).join('; '),
    ...(r.ringingAt ? { ringingAt: r.ringingAt } : {}), ...(r.answeredAt ? { answeredAt: r.answeredAt } : {}),
    endedAt: r.endedAt, dtmfRepeats: r.dtmfRepeats, ...(r.amdVerdict ? { amdVerdict: r.amdVerdict } : {}),
    price: r.charge, providerMessageId: r.callId,
  };
}
