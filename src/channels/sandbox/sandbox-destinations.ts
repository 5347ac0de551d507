import type { CallStatus } from '../../domain/delivery-status.ts';

/**
 * Sandbox destinations: numbers that end a delivery in a chosen final status, so every outcome
 * of the seed's call status list (and of SMS and email) can be tried without a phone.
 * Documented in docs/sandbox.md; any other destination succeeds.
 */
export const SANDBOX_VOICE: Readonly<Record<string, CallStatus>> = {
  '15550000001': 'ANSWERED_MACHINE',
  '15550000002': 'ERROR_USER_BUSY',
  '15550000003': 'ERROR_NO_ANSWER',
  '15550000004': 'ERROR_NETWORK_NOT_AVAILABLE',
  '15550000005': 'ERROR_ROUTE_NOT_AVAILABLE',
  '15550000006': 'ERROR_NOT_ENOUGH_CREDITS',
  '15550000007': 'ERROR',
  '15550000008': 'BAD_REQUEST',
  '15550000009': 'UNDEFINED',
};

export const SANDBOX_SMS: Readonly<Record<string, string>> = {
  '15550000002': 'UNDELIVERABLE_NOT_DELIVERED',
  '15550000003': 'EXPIRED_EXPIRED',
  '15550000005': 'UNDELIVERABLE_REJECTED_OPERATOR',
  '15550000007': 'UNKNOWN',
};

export const SANDBOX_EMAIL: Readonly<Record<string, string>> = {
  'bounce@sandbox.open2fa.test': 'UNDELIVERABLE_REJECTED_OPERATOR',
};

/** Deliveries to this number stay PROCESSING for SLOW_DELAY_MS, then end PROCESSED. */
export const SANDBOX_SLOW_NUMBER = '15550000010';
export const SLOW_DELAY_MS = 3000;

const SIP_CODES: Partial<Record<CallStatus, string>> = {
  PROCESSED: 'SIP 200', ANSWERED_MACHINE: 'SIP 200', ERROR_USER_BUSY: 'SIP 486', ERROR_NO_ANSWER: 'SIP 480',
  ERROR_NETWORK_NOT_AVAILABLE: 'SIP 503', ERROR_ROUTE_NOT_AVAILABLE: 'SIP 404', ERROR: 'SIP 500', BAD_REQUEST: 'SIP 400',
};

export function sandboxSipCode(status: CallStatus): string | undefined {
  return SIP_CODES[status];
}
