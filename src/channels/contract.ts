import type { Language } from '../domain/languages.ts';

export type Medium = 'voice' | 'sms' | 'email';

/**
 * What the domain hands a channel: everything already rendered. Channels transport; they never
 * see templates or applications. The PIN lives only in memory while this object does.
 *
 * @example
 * { medium: 'voice', to: '41793026727', textParts: ['Your PIN is ', '.'], pin: '1234',
 *   voice: { language: 'en', voiceName: 'Joanna', speechRate: 1, repeatDTMF: '1#' } }
 */
export interface OutboundMessage {
  deliveryId: string;
  pinId: string;
  accountId: string;
  medium: Medium;
  /** Digits only (no '+') for sms and voice, an address for email. */
  to: string;
  /** Sender as the domain chose it; for voice a numeric caller ID or undefined (route default). */
  from?: string;
  /** The rendered message split where the PIN goes: text = textParts.join(pin). */
  textParts: string[];
  pin: string;
  voice?: VoiceOptions;
  email?: EmailContent;
  /** 1 for the first attempt of this delivery, 2.. for retries after a retryable failure. */
  attempt: number;
}

export interface VoiceOptions {
  language: Language;
  /** Canonical voice name from the voice catalog. */
  voiceName: string;
  /** 0.5 to 2; 1 is normal speed. */
  speechRate: number;
  /** DTMF sequence that replays the message, e.g. "1#". */
  repeatDTMF?: string;
}

export interface EmailContent {
  subject: string;
  text: string;
  html?: string;
  /** Opt-out link for the List-Unsubscribe header and the body. */
  unsubscribeUrl?: string;
}

/**
 * What a channel answers. `final: false` means the outcome arrives later through
 * {@link ChannelDeps.report} (an SMS delivery receipt, say).
 */
export interface DeliveryReport {
  /** CallStatus for voice; a MessageStatus name for sms and email. */
  status: string;
  final: boolean;
  /** True when the message reached the person (or their machine/inbox): counts as "sent". */
  reached: boolean;
  /** Protocol result, e.g. "SIP 486", "SMPP 0x00000058", "SMTP 550". */
  resultCode?: string;
  detail?: string;
  /** Sender actually used (caller ID for voice). */
  sender?: string;
  ringingAt?: number;
  answeredAt?: number;
  endedAt?: number;
  dtmfRepeats?: number;
  amdVerdict?: 'HUMAN' | 'MACHINE' | 'UNKNOWN';
  /** Price charged in the account's currency units. */
  price?: number;
  providerMessageId?: string;
  /** Sandbox voice: a file name under the audio directory with exactly the audio of the call. */
  audioFile?: string;
}

export type ChannelErrorCode = 'INVALID_CONFIG' | 'INVALID_RECIPIENT' | 'REJECTED' | 'THROTTLED' | 'UNAVAILABLE' | 'TIMEOUT';

/** A failure a channel could not turn into a final status itself; `retryable` drives the queue. */
export class ChannelError extends Error {
  constructor(
    readonly code: ChannelErrorCode,
    message: string,
    readonly retryable: boolean,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'ChannelError';
  }
}

export interface ChannelDeps {
  /** Late reports (delivery receipts) for a delivery this channel accepted earlier. */
  report(deliveryId: string, report: DeliveryReport): void;
  now(): number;
}

export interface DeliveryChannel {
  readonly id: string;
  readonly medium: Medium;
  send(message: OutboundMessage, signal: AbortSignal): Promise<DeliveryReport>;
  /** For /readyz: bound, registered, reachable. */
  check?(): Promise<{ ok: boolean; detail: string }>;
  close(): Promise<void>;
}
