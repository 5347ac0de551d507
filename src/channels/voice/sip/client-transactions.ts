/**
 * Client transactions (RFC 3261 §17.1): INVITE (retransmitted with Timer A until any response,
 * ACK for non-2xx finals) and non-INVITE (CANCEL, BYE, INFO: Timer E capped at T2).
 *
 * Deviation on purpose: instead of Timer B/F (64·T1 = 32 s) an INVITE gives up after the caller's
 * own no-response timeout, because a trunk that says nothing for a few seconds is down and the
 * next trunk should be tried while the user still waits.
 */
import type { SipResponse } from './sip-message.ts';

/** §17.1.1.1 defaults. */
export const T1_MS = 500;
export const T2_MS = 4000;

export type TransactionResult = { kind: 'final'; response: SipResponse } | { kind: 'timeout' } | { kind: 'stopped' };

interface TransactionBase {
  send(text: string): void;
  /** Reliable transports do not retransmit (§17.1.1.2, §17.1.2.2). */
  reliable: boolean;
}

export interface InviteTransactionOptions extends TransactionBase {
  inviteText: string;
  noResponseTimeoutMs: number;
  buildNon2xxAck(response: SipResponse): string;
  onProvisional(response: SipResponse): void;
}

export class InviteClientTransaction {
  private retransmitTimer: NodeJS.Timeout | undefined;
  private noResponseTimer: NodeJS.Timeout | undefined;
  private ackText: string | undefined;
  private settle: ((r: TransactionResult) => void) | undefined;
  readonly result: Promise<TransactionResult>;
  /** True once any response arrived: from then on a CANCEL may be sent (§9.1). */
  gotResponse = false;

  constructor(private readonly opts: InviteTransactionOptions) {
    this.result = new Promise((resolve) => { this.settle = resolve; });
  }

  start(): void {
    this.opts.send(this.opts.inviteText);
    if (!this.opts.reliable) this.scheduleRetransmit(T1_MS);
    this.noResponseTimer = setTimeout(() => this.finish({ kind: 'timeout' }), this.opts.noResponseTimeoutMs);
  }

  /** Timer A: T1, 2·T1, 4·T1… while no response at all has arrived (§17.1.1.2). */
  private scheduleRetransmit(delay: number): void {
    this.retransmitTimer = setTimeout(() => {
      this.opts.send(this.opts.inviteText);
      this.scheduleRetransmit(delay * 2);
    }, delay);
  }

  private stopTimers(): void {
    clearTimeout(this.retransmitTimer);
    clearTimeout(this.noResponseTimer);
  }

  handleResponse(response: SipResponse): void {
    this.gotResponse = true;
    this.stopTimers();
    if (response.status < 200) {
      if (this.settle) this.opts.onProvisional(response);
      return;
    }
    if (response.status >= 300) {
      // §17.1.1.3: ACK every copy of the final (retransmissions included) within the transaction.
      this.ackText ??= this.opts.buildNon2xxAck(response);
      this.opts.send(this.ackText);
    }
    this.finish({ kind: 'final', response });
  }

  stop(): void {
    this.finish({ kind: 'stopped' });
  }

  private finish(r: TransactionResult): void {
    this.stopTimers();
    const settle = this.settle;
    this.settle = undefined;
    settle?.(r);
  }
}

export interface NonInviteTransactionOptions extends TransactionBase {
  requestText: string;
  /** Timer F replacement: how long to wait for a final response. */
  timeoutMs: number;
}

/** §17.1.2: retransmit at T1 doubling up to T2 until a final response; provisionals do not stop it. */
export class NonInviteClientTransaction {
  private retransmitTimer: NodeJS.Timeout | undefined;
  private timeoutTimer: NodeJS.Timeout | undefined;
  private settle: ((r: TransactionResult) => void) | undefined;
  readonly result: Promise<TransactionResult>;

  constructor(private readonly opts: NonInviteTransactionOptions) {
    this.result = new Promise((resolve) => { this.settle = resolve; });
  }

  start(): void {
    this.opts.send(this.opts.requestText);
    if (!this.opts.reliable) this.scheduleRetransmit(T1_MS);
    this.timeoutTimer = setTimeout(() => this.finish({ kind: 'timeout' }), this.opts.timeoutMs);
  }

  private scheduleRetransmit(delay: number): void {
    this.retransmitTimer = setTimeout(() => {
      this.opts.send(this.opts.requestText);
      this.scheduleRetransmit(Math.min(delay * 2, T2_MS));
    }, delay);
  }

  handleResponse(response: SipResponse): void {
    if (response.status >= 200) this.finish({ kind: 'final', response });
  }

  stop(): void {
    this.finish({ kind: 'stopped' });
  }

  private finish(r: TransactionResult): void {
    clearTimeout(this.retransmitTimer);
    clearTimeout(this.timeoutTimer);
    const settle = this.settle;
    this.settle = undefined;
    settle?.(r);
  }
}
