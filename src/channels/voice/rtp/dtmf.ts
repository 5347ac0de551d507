/**
 * DTMF in: RFC 4733 (ex RFC 2833) telephone-events over RTP, and SIP INFO bodies
 * (application/dtmf-relay and application/dtmf, the de-facto formats trunks use).
 */

/** RFC 4733 §3.2 event codes 0-15. */
const EVENT_DIGITS = '0123456789*#ABCD';

export interface TelephoneEvent {
  digit: string;
  end: boolean;
  volume: number;
  durationSamples: number;
}

/** Payload layout (RFC 4733 §2.3): event (8 bits), E R volume(6), duration (16). */
export function parseTelephoneEvent(payload: Uint8Array): TelephoneEvent | undefined {
  if (payload.length < 4) return undefined;
  const digit = EVENT_DIGITS[payload[0]!];
  if (digit === undefined) return undefined; // flash, tones etc. are not digits
  return {
    digit,
    end: (payload[1]! & 0x80) !== 0,
    volume: payload[1]! & 0x3f,
    durationSamples: (payload[2]! << 8) | payload[3]!,
  };
}

/**
 * Turns the packet stream into digits, each counted once.
 *
 * One key press is one event with one RTP timestamp (RFC 4733 §2.5.1.2: all packets of an event
 * carry the event's start timestamp), sent as several updates and an end packet repeated 3×
 * (§2.5.1.4). We report the digit on the first packet we see for a (SSRC, timestamp, event):
 * the first update, or the first end packet when the updates were lost. Everything later with the
 * same key is a retransmission. A short history suffices: events do not interleave.
 */
export class TelephoneEventDeduplicator {
  private readonly seen: string[] = [];

  constructor(private readonly historySize = 32) {}

  /** Returns the digit when this packet starts a new event, otherwise undefined. */
  accept(packet: { ssrc: number; timestamp: number; payload: Uint8Array }): string | undefined {
    const event = parseTelephoneEvent(packet.payload);
    if (!event) return undefined;
    const key = `${packet.ssrc}:${packet.timestamp}:${event.digit}`;
    if (this.seen.includes(key)) return undefined;
    this.seen.push(key);
    if (this.seen.length > this.historySize) this.seen.shift();
    return event.digit;
  }
}

/**
 * Digits from a SIP INFO body. application/dtmf-relay: `Signal=5\r\nDuration=160`;
 * application/dtmf: the bare digit. Signal=10/11 are sometimes used for * and #.
 */
export function digitsFromInfoBody(contentType: string, body: string): string {
  const type = contentType.split(';')[0]?.trim().toLowerCase();
  if (type === 'application/dtmf-relay') {
    const m = /^\s*signal\s*=\s*(\S+)/im.exec(body);
    if (!m) return '';
    const signal = (m[1] ?? '').toUpperCase();
    if (signal === '10') return '*';
    if (signal === '11') return '#';
    return /^[0-9*#A-D]$/.test(signal) ? signal : '';
  }
  if (type === 'application/dtmf') {
    const s = body.trim().toUpperCase();
    return /^[0-9*#A-D]$/.test(s) ? s : '';
  }
  return '';
}

/**
 * Collects digits and says when the tail matches the repeat sequence. After a match the buffer
 * restarts, so "1#1#" asks for two replays and the second "1#" cannot reuse the first "#".
 */
export class RepeatSequenceMatcher {
  private pending = '';
  all = '';

  constructor(private readonly sequence: string | undefined) {}

  /** Adds a digit; returns true when the collected digits now end with the repeat sequence. */
  push(digit: string): boolean {
    this.all += digit;
    this.pending += digit;
    if (!this.sequence || !this.pending.endsWith(this.sequence)) return false;
    this.pending = '';
    return true;
  }
}
