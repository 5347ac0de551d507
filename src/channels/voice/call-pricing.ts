import { longestPrefix } from '../shared/prefix-match.ts';
import type { VoiceConfig } from './voice-config.ts';

/**
 * What a call costs. Answered calls are charged per started billing increment; a call is
 * reserved at its longest possible length before dialing, so concurrent calls can never spend
 * more than the balance, and the unused part is refunded when the call ends.
 */
export interface CallPricing {
  /** Reservation before dialing; 0 when the destination has no price. */
  reserveFor(to: string): number;
  /** Charge for an answered call of `durationMs`. */
  chargeFor(to: string, durationMs: number): number;
}

export function createCallPricing(config: Pick<VoiceConfig, 'prices' | 'billingIncrementSeconds' | 'maxCallMs'>): CallPricing {
  const perMinute = (to: string) => longestPrefix(config.prices, to)?.perMinute ?? 0;
  const charge = (to: string, durationMs: number) => {
    const rate = perMinute(to);
    if (rate === 0 || durationMs <= 0) return 0;
    const increments = Math.ceil(durationMs / 1000 / config.billingIncrementSeconds);
    return round(rate * (increments * config.billingIncrementSeconds) / 60);
  };
  return { reserveFor: (to) => charge(to, config.maxCallMs), chargeFor: charge };
}

/** Money in the balance's units, kept to 1/10000 to avoid float drift. */
export function round(amount: number): number {
  return Math.round(amount * 10_000) / 10_000;
}
