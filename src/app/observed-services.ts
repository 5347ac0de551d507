import type { Store } from '../domain/ports.ts';
import type { RecentPins } from '../domain/recent-pins.ts';
import type { DeliveryRecord } from '../domain/records.ts';
import type { PinVerifyService } from '../domain/services/pin-verify-service.ts';
import type { Metrics } from '../observability/metrics.ts';

/**
 * PIN metrics at the seams of the domain services, which know nothing of metrics: sends are
 * counted where main.ts already hears of them (onAccepted), verify answers by wrapping verify().
 *
 * "Verified per channel" needs the channel of a PIN, which the verify path does not read. The
 * channel of a PIN is that of its first delivery: remembered with the PIN when the send was
 * accepted by this process (domain/recent-pins.ts), else read from storage after the answer has been sent,
 * only for verified PINs. On one process that read never happens; behind a load balancer it costs
 * one indexed read per successful verification.
 */
export function createPinObserver(metrics: Metrics, store: Store, recentPins: RecentPins) {
  function accepted(delivery: DeliveryRecord): void {
    metrics.pinSent(delivery.medium);
  }

  function verified(accountId: string, pinId: string): void {
    const known = recentPins.mediumOf(pinId);
    if (known) return void metrics.pinVerified(known);
    setImmediate(() => {
      store.listDeliveries(accountId, pinId).then((deliveries) => {
        const first = deliveries.reduce<DeliveryRecord | undefined>((a, d) => (a && a.createdAt <= d.createdAt ? a : d), undefined);
        metrics.pinVerified(first?.medium ?? 'unknown');
      }, () => metrics.pinVerified('unknown'));
    });
  }

  function observeVerifier(verifier: PinVerifyService): PinVerifyService {
    return {
      ...verifier,
      verify: (accountId, pinId, candidate) => verifier.verify(accountId, pinId, candidate).then((outcome) => {
        metrics.pinVerify(outcome.verified ? 'verified' : outcome.pinError ?? 'WRONG_PIN');
        if (outcome.verified) verified(accountId, pinId);
        return outcome;
      }),
    };
  }

  return { accepted, observeVerifier };
}
