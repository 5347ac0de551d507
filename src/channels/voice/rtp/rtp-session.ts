/**
 * One RTP audio session: a UDP socket on an even port (RFC 3550 §11: RTP even, RTCP the next odd
 * one), a paced 20 ms sender and a receiver. Symmetric RTP (RFC 4961): we send from the socket we
 * receive on, so NAT pinholes and trunks that latch onto our source address both work.
 *
 * Pacing: frame n is due at start + n·20 ms on the monotonic clock (performance.now); each timer is
 * set for the next due time, so timer lateness never accumulates into drift. When the event loop
 * stalls, the overdue frames are sent at once (timestamps stay exact; the far jitter buffer copes).
 */
import dgram from 'node:dgram';
import { randomInt } from 'node:crypto';
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import { buildRtpPacket, parseRtpPacket, type RtpPacket } from './rtp-packet.ts';
import { FRAME_MS, SAMPLES_PER_FRAME } from './g711-frames.ts';
import { recordPacingDeviation } from './pacing-stats.ts';

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

export class RtpSession {
  private sendTimer: NodeJS.Timeout | undefined;
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
      const socket = dgram.createSocket({ type });
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

  startSending(p: SendParams): void {
    if (this.sendTimer || this.closed) return;
    const startedAt = performance.now();
    let slot = 0;
    const tick = (): void => {
      if (this.closed) return;
      const now = performance.now();
      // Send every slot that is due; +0.5 ms so a timer firing a hair early does not wait a round.
      while (startedAt + slot * FRAME_MS <= now + 0.5) {
        const deviation = now - (startedAt + slot * FRAME_MS);
        recordPacingDeviation(deviation);
        this.sendFrame(p, p.nextPayload(slot * FRAME_MS), Math.max(0, deviation));
        slot++;
        if (this.closed || !this.sendTimer) return;
      }
      this.sendTimer = setTimeout(tick, Math.max(0, startedAt + slot * FRAME_MS - performance.now()));
    };
    this.sendTimer = setTimeout(tick, 0);
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
    clearTimeout(this.sendTimer);
    this.sendTimer = undefined;
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
