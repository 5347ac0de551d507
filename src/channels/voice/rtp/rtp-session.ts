/**
 * One RTP audio session: a UDP socket on an even port (RFC 3550 §11: RTP even, RTCP the next odd
 * one), a paced 20 ms sender and a receiver. Symmetric RTP (RFC 4961): we send from the socket we
 * receive on, so NAT pinholes and trunks that latch onto our source address both work.
 *
 * Pacing: frame n is due at origin + n·20 ms on the monotonic clock (performance.now). The timing
 * is done by the process's shared pacer (rtp-pacer.ts: one timer for all calls, each call on its
 * own 1 ms sub-slot of the 20 ms period), so lateness never accumulates into drift and many calls
 * do not wake the event loop once each per frame. When the event loop stalls, the overdue frames
 * are sent at once (timestamps stay exact; the far jitter buffer copes).
 */
import dgram from 'node:dgram';
import dns from 'node:dns';
import { randomInt } from 'node:crypto';
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import { buildRtpPacket, parseRtpPacket, type RtpPacket } from './rtp-packet.ts';
import { FRAME_MS, SAMPLES_PER_FRAME } from './g711-frames.ts';
import { recordPacingDeviation } from './pacing-stats.ts';
import { EARLY_MS, rtpPacer, type PacedSender } from './rtp-pacer.ts';

/** Frames sent this much after their slot count as late (reported in CallResult). */
const LATE_THRESHOLD_MS = 5;
const PORT_RANGE = { min: 20000, max: 39998 };
const BIND_ATTEMPTS = 50;

export type RtpTap = (direction: 'sent' | 'received', packet: RtpPacket) => void;

export interface RtpSendStats { framesSent: number; lateFramesOver5ms: number; maxLatenessMs: number }

export interface SendParams {
  address: string;
  port: number;
  payloadType: number;
  /** Called once per 20 ms slot; returns that slot's 160-byte payload. `mediaMs` = slot · 20. */
  nextPayload(mediaMs: number): Uint8Array;
}

/**
 * dgram resolves the destination of every send() with dns.lookup, which for an IP literal still
 * defers the send to process.nextTick. SDP addresses are IP literals: answer them synchronously.
 */
const literalLookup = (host: string, family: number, callback: (err: Error | null, address: string, family: number) => void): void => {
  const literal = isIP(host);
  if (literal) callback(null, host, literal);
  else dns.lookup(host, family, callback);
};

export class RtpSession implements PacedSender {
  private sending: { params: SendParams; origin: number; slot: number } | undefined;
  private closed = false;
  private readonly ssrc = randomInt(0, 2 ** 32);
  private sequence = randomInt(0, 2 ** 16);
  private timestamp = randomInt(0, 2 ** 32);
  private firstPacket = true;
  private readonly stats: RtpSendStats = { framesSent: 0, lateFramesOver5ms: 0, maxLatenessMs: 0 };
  onPacket: ((packet: RtpPacket) => void) | undefined;

  private constructor(private readonly socket: dgram.Socket, readonly localPort: number, private readonly tap?: RtpTap) {
    socket.on('message', (data) => {
      const packet = parseRtpPacket(data);
      if (!packet || this.closed) return;
      this.tap?.('received', packet);
      this.onPacket?.(packet);
    });
    // ICMP errors for RTP (far end not listening yet) must not crash or end the call.
    socket.on('error', () => {});
  }

  /** Bind a random even port on `localAddress`, retrying when it is taken. */
  static async open(localAddress: string, tap?: RtpTap): Promise<RtpSession> {
    const type = isIP(localAddress) === 6 ? 'udp6' : 'udp4';
    let lastError: unknown;
    for (let attempt = 0; attempt < BIND_ATTEMPTS; attempt++) {
      const port = PORT_RANGE.min + 2 * randomInt(0, (PORT_RANGE.max - PORT_RANGE.min) / 2 + 1);
      const socket = dgram.createSocket({ type, lookup: literalLookup as unknown as dgram.SocketOptions['lookup'] });
      try {
        await new Promise<void>((resolve, reject) => {
          socket.once('error', reject);
          socket.bind({ address: localAddress, port, exclusive: true }, () => { socket.off('error', reject); resolve(); });
        });
        return new RtpSession(socket, port, tap);
      } catch (err) {
        lastError = err;
        socket.close();
      }
    }
    throw new Error(`no free even RTP port on ${localAddress}: ${(lastError as Error | undefined)?.message}`);
  }

  /**
   * Starts the paced stream; returns its origin (ms on performance.now()): when frame 0 is due,
   * within one frame period from now. `nextPayload(mediaMs)` counts from that origin.
   */
  startSending(p: SendParams): number {
    if (this.sending) return this.sending.origin;
    if (this.closed) return performance.now();
    const sending = { params: p, origin: 0, slot: 0 };
    this.sending = sending;
    sending.origin = rtpPacer.add(this);
    return sending.origin;
  }

  /** Called by the pacer at this session's sub-slot: sends every due frame (catching up after a stall). */
  sendDue(): void {
    const s = this.sending;
    if (!s) return;
    try {
      for (let now = performance.now(); s.origin + s.slot * FRAME_MS <= now + EARLY_MS; now = performance.now()) {
        const deviation = now - (s.origin + s.slot * FRAME_MS);
        recordPacingDeviation(deviation);
        this.sendFrame(s.params, s.params.nextPayload(s.slot * FRAME_MS), Math.max(0, deviation));
        s.slot++;
        if (this.sending !== s) return;
      }
    } catch (err) {
      // A failing call must not stop the pacer for every other call: stop this stream, and
      // surface the bug as an uncaught error as a per-call timer would have.
      this.stopSending();
      setImmediate(() => { throw err; });
    }
  }

  private sendFrame(p: SendParams, payload: Uint8Array, latenessMs: number): void {
    const packet: RtpPacket = {
      payloadType: p.payloadType,
      marker: this.firstPacket, // RFC 3551 §4.1: marker on the first packet of a talkspurt
      sequence: this.sequence,
      timestamp: this.timestamp,
      ssrc: this.ssrc,
      payload,
    };
    this.firstPacket = false;
    this.sequence = (this.sequence + 1) & 0xffff;
    this.timestamp = (this.timestamp + SAMPLES_PER_FRAME) >>> 0;
    this.socket.send(buildRtpPacket(packet, payload), p.port, p.address);
    this.tap?.('sent', packet);
    this.stats.framesSent++;
    if (latenessMs > LATE_THRESHOLD_MS) this.stats.lateFramesOver5ms++;
    this.stats.maxLatenessMs = Math.max(this.stats.maxLatenessMs, latenessMs);
  }

  stopSending(): void {
    if (!this.sending) return;
    rtpPacer.remove(this, this.sending.origin);
    this.sending = undefined;
  }

  sendStats(): RtpSendStats {
    return { ...this.stats, maxLatenessMs: Math.round(this.stats.maxLatenessMs * 100) / 100 };
  }

  close(): void {
    if (this.closed) return;
    this.stopSending();
    this.closed = true;
    this.socket.close();
  }
}
