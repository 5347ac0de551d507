import type { Medium, OutboundMessage } from '../channels/contract.ts';
import type { Language } from '../domain/languages.ts';
import { joinParts } from '../domain/message-render.ts';
import { derivePin } from '../domain/pin-code.ts';
import type { ClaimedDelivery } from '../domain/ports.ts';

/** Joins a claimed delivery's PIN-less parts with the PIN derived again from its seed. */
export function toOutboundMessage(claimed: ClaimedDelivery, secret: Buffer): OutboundMessage {
  const { delivery: d, pin } = claimed;
  const code = derivePin(secret, pin.id, pin.seed, pin.pinType, pin.pinLength);
  const c = d.content;
  return {
    deliveryId: d.id, pinId: d.pinId, accountId: d.accountId, medium: d.medium, to: d.to,
    ...(d.sender ? { from: d.sender } : {}),
    textParts: c.textParts, pin: code, attempt: d.attempts,
    ...(c.voice ? { voice: { ...c.voice, language: c.voice.language as Language } } : {}),
    ...(d.medium === 'email' ? {
      email: {
        subject: joinParts(c.subjectParts ?? [''], code), text: joinParts(c.textParts, code),
        ...(c.htmlParts ? { html: joinParts(c.htmlParts, code) } : {}),
        ...(c.unsubscribeUrl ? { unsubscribeUrl: c.unsubscribeUrl } : {}),
      },
    } : {}),
  };
}

/** The final status a delivery gets when the channel could not give one. */
export function failureStatus(medium: Medium, reason: 'expired' | 'failed' | 'unavailable'): string {
  if (medium === 'voice') return reason === 'unavailable' ? 'ERROR_NETWORK_NOT_AVAILABLE' : 'ERROR';
  if (reason === 'expired') return 'EXPIRED_EXPIRED';
  return reason === 'unavailable' ? 'REJECTED_NETWORK' : 'UNDELIVERABLE_NOT_DELIVERED';
}
