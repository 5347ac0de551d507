/**
 * One pacer per process for every RTP sender: a single timer that, at each 1 ms boundary, sends
 * the due frames of the calls whose 20 ms grid starts in that sub-slot.
 *
 * Why: with one setTimeout chain per call, 1,000 calls are 50,000 timer callbacks a second, and
 * calls answered together fire together. Here a call joins the sub-slot (of the 20 in a frame
 * period) that has the fewest calls, soonest first, so the sends of 1,000 calls are spread over
 * the period (≈ 50 per millisecond) and there are at most 1,000 timer wake-ups a second. A call's
 * first frame is therefore sent up to 19 ms after it asked (never later than one frame period).
 *
 * Time is performance.now(); sub-slot boundaries are whole milliseconds, so a call whose grid
 * starts at boundary B is due at B, B+20, B+40… and lives in bucket B mod 20.
 */
import { performance } from 'node:perf_hooks';
import { FRAME_MS } from './g711-frames.ts';

const SUB_SLOTS = FRAME_MS;
/** A frame may leave this much before its slot (see tick). Senders use the same tolerance. */
export const EARLY_MS = 1;
const TIMER_LEAD_MS = 0.5;

export interface PacedSender {
  /** Send every frame that is due now (and catch up after a stall). Must not throw. */
  sendDue(): void;
}

export class RtpPacer {
  private readonly buckets: Array<Set<PacedSender>> = Array.from({ length: SUB_SLOTS }, () => new Set());
  private size = 0;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private ticking = false;
  /** The next whole-millisecond boundary not served yet. */
  private nextBoundary = 0;

  /** Adds a sender; returns its grid origin (ms on performance.now()): when its first frame is due. */
  add(sender: PacedSender): number {
    // Never a boundary already served this round, or the first frame would wait a whole period.
    const first = this.size === 0 ? Math.ceil(performance.now()) : Math.max(Math.ceil(performance.now()), this.nextBoundary);
    let bucket = 0;
    let origin = first;
    let fewest = Infinity;
    for (let at = first; at < first + SUB_SLOTS; at++) {
      const count = (this.buckets[at % SUB_SLOTS] as Set<PacedSender>).size;
      if (count < fewest) { fewest = count; bucket = at % SUB_SLOTS; origin = at; }
    }
    (this.buckets[bucket] as Set<PacedSender>).add(sender);
    if (this.size++ === 0) this.nextBoundary = first;
    if (origin < this.timerAt) this.schedule();
    return origin;
  }

  remove(sender: PacedSender, origin: number): void {
    if (!(this.buckets[origin % SUB_SLOTS] as Set<PacedSender>).delete(sender)) return;
    if (--this.size === 0) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.timerAt = Infinity;
    }
  }

  /**
   * Sends what is due if the timer has not got to it yet. The event loop runs timers only between
   * its phases, so a long synchronous stretch of other work (the answers of hundreds of calls
   * arriving together, read in one poll phase) would hold every call's frames back; the SIP
   * transports call this before each message they read or send. Costs one clock read when
   * nothing is due.
   */
  poll(): void {
    if (this.ticking || this.timerAt > performance.now() + EARLY_MS) return;
    this.tick();
  }

  /** Senders registered (tests, metrics). */
  get senders(): number {
    return this.size;
  }

  private readonly tick = (): void => {
    if (this.ticking) return;
    this.ticking = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
    try {
      this.serveDue();
    } finally {
      this.ticking = false;
    }
    this.schedule();
  };

  private serveDue(): void {
    // Boundaries up to EARLY_MS ahead are served now, so a wake-up a little ahead of its boundary
    // (TIMER_LEAD_MS, or libuv's cached loop time) sends instead of waiting another round.
    const last = Math.floor(performance.now() + EARLY_MS);
    // After a stall longer than a period, one pass over every bucket catches all calls up.
    if (last - this.nextBoundary >= SUB_SLOTS) this.nextBoundary = last - SUB_SLOTS + 1;
    for (; this.nextBoundary <= last; this.nextBoundary++) {
      for (const sender of this.buckets[this.nextBoundary % SUB_SLOTS] as Set<PacedSender>) sender.sendDue();
    }
  }

  /** (Re)arms the timer for the next boundary that has senders. */
  private schedule(): void {
    if (this.ticking) return; // the running tick re-arms the timer when it is done
    clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
    if (this.size === 0) return;
    let at = this.nextBoundary;
    while ((this.buckets[at % SUB_SLOTS] as Set<PacedSender>).size === 0) at++;
    this.timerAt = at;
    // Node timers wake 0.2–1.2 ms after their due time; aiming half a millisecond early centres
    // the wake-ups on the boundary (EARLY_MS covers the ones that come in ahead of it).
    this.timer = setTimeout(this.tick, Math.max(0, at - TIMER_LEAD_MS - performance.now()));
  }
}

/** The process's pacer, shared by every RtpSession. */
export const rtpPacer = new RtpPacer();
