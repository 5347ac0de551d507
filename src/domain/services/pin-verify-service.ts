import { notFound, DomainError } from '../errors.ts';
import { pinMatches } from '../pin-code.ts';
import type { Clock, Store } from '../ports.ts';
import type { RecentPins } from '../recent-pins.ts';
import { limitOf } from '../time-format.ts';
import type { ApplicationService } from './application-service.ts';

export type PinError = 'WRONG_PIN' | 'TTL_EXPIRED' | 'NO_MORE_PIN_ATTEMPTS' | 'PIN_ALREADY_VERIFIED';

/** A wrong PIN is an outcome (200 with pinError), not an exception. */
export interface VerifyOutcome {
  pinId: string;
  msisdn: string;
  verified: boolean;
  attemptsRemaining: number;
  pinError?: PinError;
}

export function createPinVerifyService(deps: { store: Store; clock: Clock; secret: Buffer; apps: ApplicationService; recentPins: RecentPins }) {
  const { store, clock, secret, recentPins } = deps;

  /**
   * Order matters for honesty under concurrency: an attempt is taken atomically *before* the
   * PIN is compared, so N concurrent wrong guesses consume exactly N attempts and a correct guess
   * after the last attempt is never compared at all.
   */
  async function verify(accountId: string, pinId: string, candidate: string): Promise<VerifyOutcome> {
    const now = clock.now();
    // A PIN remembered from its send is as it was then: its verifiedAt may be stale, which only
    // skips the early answer below (beginVerifyAttempt gives the same one atomically).
    const pin = recentPins.lookup(accountId, pinId, now) ?? await store.getPin(accountId, pinId);
    if (!pin) throw notFound(`PIN ${pinId} not found`);
    const base = { pinId: pin.id, msisdn: pin.to };
    const singleUse = !pin.multipleVerifications;
    const remaining = (used: number) => Math.max(0, pin.maxAttempts - used);

    if (singleUse && pin.verifiedAt !== null) return { ...base, verified: false, attemptsRemaining: 0, pinError: 'PIN_ALREADY_VERIFIED' };
    if (now >= pin.expiresAt) return { ...base, verified: false, attemptsRemaining: remaining(pin.attemptsUsed), pinError: 'TTL_EXPIRED' };

    const limit = limitOf(pin.verifyLimit);
    const attempt = await store.beginVerifyAttempt(pin.id, {
      key: `verify:${pin.applicationId}:${pin.to}`, max: limit.attempts, periodMs: limit.periodMs, label: `verifyPinLimit ${pin.verifyLimit}`,
    }, now);
    switch (attempt.kind) {
      case 'limited':
        throw new DomainError('TOO_MANY_REQUESTS', `${attempt.label} exceeded for this number; retry after ${Math.ceil(attempt.retryAfterMs / 1000)} s`, { retryAfterMs: attempt.retryAfterMs });
      case 'already_verified':
        return { ...base, verified: false, attemptsRemaining: 0, pinError: 'PIN_ALREADY_VERIFIED' };
      case 'exhausted':
        return { ...base, verified: false, attemptsRemaining: 0, pinError: 'NO_MORE_PIN_ATTEMPTS' };
      case 'attempt':
        break;
    }
    if (!pinMatches(secret, pin.id, candidate, pin.hash)) {
      return { ...base, verified: false, attemptsRemaining: remaining(attempt.attemptsUsed), pinError: 'WRONG_PIN' };
    }
    if (!(await store.markVerified(pin.id, now, singleUse))) {
      return { ...base, verified: false, attemptsRemaining: 0, pinError: 'PIN_ALREADY_VERIFIED' };
    }
    return { ...base, verified: true, attemptsRemaining: singleUse ? 0 : remaining(attempt.attemptsUsed) };
  }

  /** One entry per PIN sent to that destination, newest first (decisions #11). */
  async function verifications(accountId: string, applicationId: string, msisdn: string, filter: { verified?: boolean; sent?: boolean }) {
    await deps.apps.getApplication(accountId, applicationId);
    const rows = await store.listVerifications(accountId, applicationId, msisdn);
    return rows
      .filter((r) => filter.verified === undefined || r.verified === filter.verified)
      .filter((r) => filter.sent === undefined || r.delivered === filter.sent)
      .map((r) => ({ msisdn: r.msisdn, verified: r.verified, ...(r.verifiedAt !== null ? { verifiedAt: r.verifiedAt } : {}), sentAt: r.sentAt }));
  }

  async function deliveryStatus(accountId: string, pinId: string) {
    const pin = await store.getPin(accountId, pinId);
    if (!pin) throw notFound(`PIN ${pinId} not found`);
    return { pin, deliveries: await store.listDeliveries(accountId, pinId) };
  }

  return { verify, verifications, deliveryStatus };
}

export type PinVerifyService = ReturnType<typeof createPinVerifyService>;
