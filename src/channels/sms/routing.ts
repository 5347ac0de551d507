/**
 * Destination routing and SMPP addressing (TON/NPI) for the SMS channel. Pure functions.
 */
import { longestPrefix } from '../shared/prefix-match.ts';

export interface SmsRoute {
  /** Leading digits of the international number ('' matches every destination). */
  prefix: string;
  /** SMSC names in order of preference: the first is tried first, the next on failure. */
  smscs: string[];
}

/**
 * Longest matching prefix wins.
 *
 * @example
 * const route = createRouter([{ prefix: '', smscs: ['a'] }, { prefix: '4179', smscs: ['b', 'a'] }]);
 * route('41793026727')  // ['b', 'a']
 * route('4930123456')   // ['a']
 */
export function createRouter(routes: readonly SmsRoute[]): (destination: string) => string[] | undefined {
  return (destination) => longestPrefix(routes, destination)?.smscs;
}

/** An SMPP address with its type of number and numbering plan (SMPP v3.4 §5.2.5, §5.2.6). */
export interface SmppAddress {
  ton: number;
  npi: number;
  addr: string;
}

/** SMPP v3.4 §5.2.5 TON and §5.2.6 NPI values used here. */
export const TON = { UNKNOWN: 0, INTERNATIONAL: 1, NETWORK_SPECIFIC: 3, ALPHANUMERIC: 5 } as const;
export const NPI = { UNKNOWN: 0, ISDN_E164: 1 } as const;

/** Numeric senders up to this many digits are short codes, not E.164 numbers. */
export const SHORT_CODE_MAX_DIGITS = 8;

/**
 * The source address for a sender as the domain or the configuration gives it:
 * - alphanumeric ("open2fa") → TON 5 (alphanumeric), NPI 0 (unknown);
 * - digits with an optional '+', more than 8 digits → TON 1 (international), NPI 1 (E.164);
 * - up to 8 digits (a short code such as "40404") → TON 3 (network specific), NPI 0 (unknown):
 *   a short code only has meaning inside its operator's network, so calling it international
 *   would make the SMSC prefix a country code or reject it;
 * - absent → empty address, TON 0 / NPI 0: the SMSC fills in the account's default sender.
 */
export function senderAddress(sender: string | undefined): SmppAddress {
  if (!sender) return { ton: TON.UNKNOWN, npi: NPI.UNKNOWN, addr: '' };
  if (/^\+?\d+$/.test(sender)) {
    const digits = sender.replace(/^\+/, '');
    return digits.length <= SHORT_CODE_MAX_DIGITS
      ? { ton: TON.NETWORK_SPECIFIC, npi: NPI.UNKNOWN, addr: digits }
      : { ton: TON.INTERNATIONAL, npi: NPI.ISDN_E164, addr: digits };
  }
  return { ton: TON.ALPHANUMERIC, npi: NPI.UNKNOWN, addr: sender };
}

/**
 * The destination: always international E.164 digits, TON 1 / NPI 1. A leading '+' is stripped;
 * anything else that is not a digit makes the address invalid (undefined).
 */
export function destinationAddress(to: string): SmppAddress | undefined {
  const digits = to.replace(/^\+/, '');
  if (!/^\d{1,20}$/.test(digits)) return undefined; // destination_addr: ≤ 21 octets with the NUL (§4.4.1)
  return { ton: TON.INTERNATIONAL, npi: NPI.ISDN_E164, addr: digits };
}

/**
 * For logs: phone numbers keep their first 4 and last 2 digits ("4179*****27"); alphanumeric
 * senders are not personal data and stay readable.
 */
export function maskNumber(value: string): string {
  if (!/^\+?\d+$/.test(value)) return value;
  if (value.length <= 6) return '*'.repeat(value.length);
  return `${value.slice(0, 4)}${'*'.repeat(value.length - 6)}${value.slice(-2)}`;
}
