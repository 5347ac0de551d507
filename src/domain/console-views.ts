import type { Medium } from '../channels/contract.ts';

/**
 * Read-only views the web console asks the store for. Each one is bounded twice: by a time
 * window or a row limit (never "everything"), and by an index whose leading column is the
 * account, so a year of history costs what the window holds, not what the tables hold.
 */

/** A stats window: [from, to) cut into buckets of bucketMs (to - from is a multiple of it). */
export interface ActivityWindow {
  from: number;
  to: number;
  bucketMs: number;
  /**
   * Upper edges of the send→verify histogram bins, ascending; one more open-ended bin follows.
   * @example [10_000, 30_000, 60_000] → bins ≤10 s, ≤30 s, ≤1 min, >1 min
   */
  verifyEdgesMs: readonly number[];
}

/** Counts of one account's PINs and deliveries created inside a window. */
export interface AccountActivity {
  /** PINs created, by bucket index ((created_at - from) / bucketMs); empty buckets absent. */
  sent: { bucket: number; count: number }[];
  /** Those PINs verified, by the bucket of their verification time. */
  verified: { bucket: number; count: number }[];
  /** Deliveries created in the window by medium and current status. */
  outcomes: { medium: Medium; status: string; count: number }[];
  /** Verified PINs by bin of (verified_at - created_at); bin i = index into verifyEdgesMs, or its length for the open bin. */
  verifyTimes: { bin: number; count: number }[];
}

/** One delivery attempt of a PIN, as the feed shows it. */
export interface RecentDelivery {
  id: string;
  medium: Medium;
  status: string;
  final: boolean;
  attempts: number;
  price: number | null;
  createdAt: number;
  updatedAt: number;
}

/** A PIN for the console feed: everything about it except the PIN (no seed, no hash). */
export interface RecentPin {
  id: string;
  applicationId: string;
  templateId: string;
  to: string;
  createdAt: number;
  expiresAt: number;
  verifiedAt: number | null;
  sentAt: number | null;
  attemptsUsed: number;
  maxAttempts: number;
  /** Oldest first. */
  deliveries: RecentDelivery[];
}
