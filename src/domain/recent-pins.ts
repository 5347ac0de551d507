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
 * Bounded: the oldest entry goes first once `max` are held (a Map keeps insertion order).
 */
export interface RecentPins {
  remember(pin: PinRecord): void;
  /** The PIN as sent, when it is remembered, belongs to the account and has not expired at `now`. */
  lookup(accountId: string, id: string, now: number): PinRecord | undefined;
}

export function createRecentPins(max = 50_000): RecentPins {
  const pins = new Map<string, PinRecord>();
  return {
    remember(pin) {
      pins.set(pin.id, pin);
      if (pins.size > max) pins.delete(pins.keys().next().value as string);
    },
    lookup(accountId, id, now) {
      const pin = pins.get(id);
      if (!pin) return undefined;
      if (now >= pin.expiresAt) { pins.delete(id); return undefined; }
      return pin.accountId === accountId ? pin : undefined;
    },
  };
}

/** For callers that keep no PINs in memory (tests of the store path, tools). */
export const NO_RECENT_PINS: RecentPins = { remember() {}, lookup() { return undefined; } };
