import type { Medium } from '../channels/contract.ts';

/**
 * What the delivery worker and the delivery-report outbox report for /metrics (implemented in
 * observability/metrics.ts, a no-op by default). Called once per attempt or event, never per request.
 */
export interface DeliveryTelemetry {
  /** A delivery reached its final status; `stage` says who decided: refused at send time, by a channel, by the worker. */
  finalStatus(medium: Medium, status: string, stage: FinalStage): void;
  /** A channel attempt ended (report or error) after `seconds`. */
  attempt(medium: Medium, outcome: 'report' | 'retry' | 'failed', seconds: number): void;
  /** A delivery report POST: accepted, will be retried, or given up after the last attempt. */
  webhook(outcome: 'delivered' | 'retry' | 'gave_up'): void;
}

export type FinalStage = 'send' | 'channel' | 'worker';

export const noDeliveryTelemetry: DeliveryTelemetry = {
  finalStatus() {},
  attempt() {},
  webhook() {},
};
