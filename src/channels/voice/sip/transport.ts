/**
 * The SIP transport seen by the user agent: one connection (or connected UDP socket) to the trunk,
 * which acts as our outbound proxy: every request and response goes to it (RFC 3261 §8.1.2 allows
 * a configured outbound proxy; §18 transport layer).
 */
import { isIP } from 'node:net';
import type { SipMessage } from './sip-message.ts';
import { openUdpTransport } from './transport-udp.ts';
import { openTcpTransport } from './transport-tcp.ts';

export type SipTransportProtocol = 'UDP' | 'TCP';

export interface SipTransport {
  readonly protocol: SipTransportProtocol;
  /** Reliable transports do not retransmit requests (§17.1.1.2: Timer A only on unreliable ones). */
  readonly reliable: boolean;
  /** Address and port the far end sees us at: goes into Via sent-by and Contact. */
  readonly local: { address: string; port: number };
  send(text: string): void;
  close(): void;
}

export interface TransportHandlers {
  onMessage(message: SipMessage): void;
  /** Socket-level failure: ECONNREFUSED (ICMP port unreachable), ECONNRESET, EPIPE… */
  onError(error: NodeJS.ErrnoException): void;
}

export interface TransportTarget {
  host: string;
  port: number;
  localAddress: string;
  /** Give up connecting (TCP) or resolving after this long. */
  connectTimeoutMs: number;
}

export function openTransport(protocol: 'udp' | 'tcp', target: TransportTarget, handlers: TransportHandlers): Promise<SipTransport> {
  return protocol === 'tcp' ? openTcpTransport(target, handlers) : openUdpTransport(target, handlers);
}

/** Default bind address: loopback for a loopback trunk (tests, local SBC), any otherwise. */
export function defaultLocalAddress(trunkHost: string): string {
  if (trunkHost === 'localhost' || /^127\./.test(trunkHost)) return '127.0.0.1';
  if (trunkHost === '::1') return '::1';
  return isIP(trunkHost) === 6 ? '::' : '0.0.0.0';
}

/** An Error carrying an errno-style code, for failures we detect ourselves. */
export function transportError(code: string, message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code });
}
