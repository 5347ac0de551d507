/**
 * Final and interim statuses of a delivery, per medium.
 * Voice uses the seed's call status list verbatim ("PIN: Send over voice"): it is the contract.
 */
export const CALL_STATUSES = [
  'BAD_REQUEST', 'PROCESSING', 'PROCESSED', 'ANSWERED_MACHINE', 'ERROR', 'ERROR_NOT_ENOUGH_CREDITS',
  'ERROR_NETWORK_NOT_AVAILABLE', 'ERROR_ROUTE_NOT_AVAILABLE', 'ERROR_USER_BUSY', 'ERROR_NO_ANSWER', 'UNDEFINED',
] as const;
export type CallStatus = (typeof CALL_STATUSES)[number];

/** Every call status but PROCESSING is final. */
export function isFinalCallStatus(status: string): boolean {
  return status !== 'PROCESSING' && (CALL_STATUSES as readonly string[]).includes(status);
}

/** A voice delivery "reached the person" (counts as sent) when a human or a machine answered. */
export function callReached(status: string): boolean {
  return status === 'PROCESSED' || status === 'ANSWERED_MACHINE';
}

/**
 * SMS and email final statuses use Infobip's general status names (group_name), as its SMS and
 * email delivery reports do.
 */
export const MESSAGE_STATUSES = {
  PENDING_ACCEPTED: 'Message accepted, pending for delivery.',
  PENDING_ENROUTE: 'Message sent to next instance.',
  DELIVERED_TO_HANDSET: 'Message delivered to handset.',
  DELIVERED: 'Message delivered.',
  UNDELIVERABLE_NOT_DELIVERED: 'Message sent, not delivered.',
  UNDELIVERABLE_REJECTED_OPERATOR: 'Message rejected by the operator or mail server.',
  EXPIRED_EXPIRED: 'Message expired before it could be delivered.',
  REJECTED_DESTINATION: 'Destination refused: it opted out or is not reachable.',
  REJECTED_NOT_ENOUGH_CREDITS: 'Not enough credits to send the message.',
  REJECTED_NETWORK: 'Network not available for this destination.',
  UNKNOWN: 'Delivery status unknown.',
} as const;
export type MessageStatus = keyof typeof MESSAGE_STATUSES;
