/**
 * How a call attempt ends, mapped to the seed's call status list (docs/voice-sip.md has the table).
 *
 * Pure on purpose: the SIP code paths are many and this is the one place a product decision
 * ("decline counts as busy") lives, so it is unit-tested in isolation.
 */
import type { CallStatus } from '../../../domain/delivery-status.ts';

export type CallOutcome =
  /** 2xx, then the media phase ran; `machine` from answering-machine detection. */
  | { kind: 'answered'; machine: boolean }
  /** A final non-2xx response to our INVITE. `cancelledByUs` when we sent CANCEL (ring timeout). */
  | { kind: 'rejected'; sipCode: number; q850Cause?: number; cancelledByUs?: boolean }
  /** A 2xx that raced our ring-timeout CANCEL: we ACK and BYE it, the person did not get the PIN. */
  | { kind: 'answered-after-cancel' }
  /** Ring timeout, CANCEL sent, but no final response to the INVITE ever came. */
  | { kind: 'ring-timeout' }
  /** Nothing at all came back before our own no-response timer. */
  | { kind: 'no-response' }
  /** ICMP port unreachable (ECONNREFUSED), TCP connect failure, DNS failure. */
  | { kind: 'transport-failure' }
  /** A second 401/407 after we answered one (bad credentials), or a challenge we cannot answer. */
  | { kind: 'auth-failed'; sipCode: number }
  /** Answered but the call could not proceed (no common codec in the SDP answer…). */
  | { kind: 'media-failure' }
  /** The caller aborted the attempt, or an internal error. */
  | { kind: 'aborted' }
  | { kind: 'internal-error' };

export interface MappedStatus {
  status: CallStatus;
  /** True when another trunk could succeed where this one failed. */
  trunkFailure: boolean;
}

/** Q.850 cause → status (ITU-T Q.850 Table 1; RFC 3398 §7.2.4 maps the same causes to SIP codes). */
function statusFromQ850(cause: number): CallStatus | undefined {
  switch (cause) {
    case 17: case 21: return 'ERROR_USER_BUSY'; // user busy, call rejected
    case 18: case 19: case 20: return 'ERROR_NO_ANSWER'; // no user responding, no answer, subscriber absent
    case 1: case 2: case 3: case 22: case 28: return 'ERROR_ROUTE_NOT_AVAILABLE'; // unallocated, no route, number changed, invalid format
    case 27: case 34: case 38: case 41: case 42: return 'ERROR_NETWORK_NOT_AVAILABLE'; // out of order, no circuit, congestion
    default: return undefined; // 16 normal clearing and the rest say nothing useful about a failure
  }
}

/** SIP final response code → status (RFC 3261 §21; decline 603/600 treated as busy). */
export function statusFromSipCode(code: number): CallStatus {
  switch (code) {
    case 486: case 600: case 603: return 'ERROR_USER_BUSY';
    // 487 answers our ring-timeout CANCEL; an unsolicited one still means "not answered".
    case 408: case 480: case 487: return 'ERROR_NO_ANSWER';
    case 404: case 410: case 484: case 485: case 604: return 'ERROR_ROUTE_NOT_AVAILABLE';
    case 500: case 502: case 503: case 504: return 'ERROR_NETWORK_NOT_AVAILABLE';
    default: return 'ERROR'; // 3xx we do not follow, 401/407 leftovers, 403, 488, 606, other 4xx-6xx
  }
}

/** 5xx that say "this server/trunk failed", so another trunk is worth a try (RFC 3261 §21.5). */
export function isTrunkFailureCode(code: number): boolean {
  return code === 500 || code === 502 || code === 503 || code === 504;
}

export function mapCallOutcome(outcome: CallOutcome): MappedStatus {
  switch (outcome.kind) {
    case 'answered':
      return { status: outcome.machine ? 'ANSWERED_MACHINE' : 'PROCESSED', trunkFailure: false };
    case 'rejected': {
      const fromCause = outcome.q850Cause !== undefined ? statusFromQ850(outcome.q850Cause) : undefined;
      return {
        status: fromCause ?? statusFromSipCode(outcome.sipCode),
        // A 503 whose cause says "user busy" is not fixed by another trunk.
        trunkFailure: isTrunkFailureCode(outcome.sipCode) && (fromCause === undefined || fromCause === 'ERROR_NETWORK_NOT_AVAILABLE'),
      };
    }
    case 'answered-after-cancel':
    case 'ring-timeout':
      return { status: 'ERROR_NO_ANSWER', trunkFailure: false };
    case 'no-response':
    case 'transport-failure':
      return { status: 'ERROR_NETWORK_NOT_AVAILABLE', trunkFailure: true };
    case 'auth-failed':
    case 'media-failure':
    case 'aborted':
    case 'internal-error':
      return { status: 'ERROR', trunkFailure: false };
  }
}
