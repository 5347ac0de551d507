import type { Medium } from '../channels/contract.ts';
import { FifoMap } from './fifo-map.ts';
import type { PinRecord } from './records.ts';

/**
 * The PINs this process sent lately, as they were when sent, so that verifying one needs no
 * read before its attempt is taken (one store round trip instead of two; with SQLite on its own
 * thread that is a fifth of a verify's server-thread time).
 *
 * Only what never changes after a send is relied on: the PIN's account, application, number,
 * hash, limits and expiry. Its attempts and verification do change, and the store decides on
 * them atomically anyway (beginVerifyAttempt answers already_verified / exhausted); the one
 * answer that reports them from the record (TTL_EXPIRED's attemptsRemaining) reads the PIN
 * afresh, and retention only removes expired PINs, so a remembered PIN is never gone from the
 * store. PINs sent by another process are simply not here and are read as before.
 *
 * The channel of its first delivery is kept too: the "verified per channel" metric needs it and
 * the verify path does not read deliveries (app/observed-services.ts).
 *
 * Bounded: the oldest entry goes first once `max` are held (a FifoMap: a plain Map's oldest entry
 * costs ever more to find once entries are deleted at its front).
 */
export interface RecentPins {
  remember(pin: PinRecord, medium: Medium): void;
  /** The PIN as sent, when it is remembered, belongs to the account and has not expired at `now`. */
  lookup(accountId: string, id: string, now: number): PinRecord | undefined;
  /** The channel the PIN was first sent over, when it is remembered. */
  mediumOf(id: string): Medium | undefined;
}

export function createRecentPins(max = 50_000): RecentPins {
  const entries = new FifoMap<string, { pin: PinRecord; medium: Medium }>();
  return {
    remember(pin, medium) {
      entries.set(pin.id, { pin, medium });
      entries.trimTo(max);
    },
    lookup(accountId, id, now) {
      const pin = entries.get(id)?.pin;
      if (!pin || now >= pin.expiresAt) return undefined;
      return pin.accountId === accountId ? pin : undefined;
    },
    mediumOf: (id) => entries.get(id)?.medium,
  };
}
