import smpp from 'smpp';

/**
 * SMPP v3.4 §5.1.3 command_status values: naming them for logs, and deciding what a
 * submit_sm_resp status means for the delivery.
 */

/** The statuses the channel treats specially; every other non-zero status is a permanent rejection. */
export const ESME = {
  ROK: 0x00,
  /** Incorrect BIND status: the SMSC lost our bind; another connection may do. */
  RINVBNDSTS: 0x04,
  /** System error on the SMSC side. */
  RSYSERR: 0x08,
  RINVSRCADR: 0x0a,
  RINVDSTADR: 0x0b,
  /** Message queue full. */
  RMSGQFUL: 0x14,
  /** Throttling error: we exceeded the SMSC's allowed rate. */
  RTHROTTLED: 0x58,
} as const;

/**
 * - ACCEPTED: the SMSC took the message (PENDING_ENROUTE until the receipt).
 * - THROTTLED: retry later on the same bind, with backoff (a few times), then elsewhere or via the queue.
 * - TRANSIENT: this SMSC cannot take it now; fail over at once.
 * - PERMANENT: the message itself is refused (bad address, bad text…); retrying cannot help.
 */
export type SubmitVerdict = 'ACCEPTED' | 'THROTTLED' | 'TRANSIENT' | 'PERMANENT';

export function classifySubmitStatus(status: number): SubmitVerdict {
  switch (status) {
    case ESME.ROK:
      return 'ACCEPTED';
    case ESME.RTHROTTLED:
    case ESME.RMSGQFUL:
      return 'THROTTLED';
    case ESME.RSYSERR:
    case ESME.RINVBNDSTS:
      return 'TRANSIENT';
    default:
      return 'PERMANENT';
  }
}

const STATUS_NAMES = new Map(Object.entries(smpp.errors).map(([name, code]) => [code, name]));

/**
 * The resultCode form of a status.
 *
 * @example formatStatus(0x58)  // 'SMPP 0x00000058'
 */
export function formatStatus(status: number): string {
  return `SMPP 0x${status.toString(16).toUpperCase().padStart(8, '0')}`;
}

/**
 * The status with its §5.1.3 name, for logs and error texts.
 *
 * @example describeStatus(0x58)  // 'ESME_RTHROTTLED (0x00000058)'
 */
export function describeStatus(status: number): string {
  return `${STATUS_NAMES.get(status) ?? 'status'} (${formatStatus(status).slice(5)})`;
}
