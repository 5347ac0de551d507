import smpp from 'smpp';
import { describeStatus } from './command-status.ts';
import { SubmitWindow } from './submit-window.ts';

/**
 * One SMPP v3.4 connection to one SMSC, bound as transceiver (§4.1.5) so that submit_sm goes out
 * and deliver_sm receipts come back on the same socket. Owns keep-alive (enquire_link, §4.11),
 * reconnection with exponential backoff and jitter, and the window of outstanding submit_sm.
 */

/** Connection settings with every default applied. */
export interface SmscSettings {
  name: string;
  host: string;
  port: number;
  systemId: string;
  password: string;
  systemType: string;
  enquireLinkMs: number;
  windowSize: number;
  reconnectMinMs: number;
  reconnectMaxMs: number;
  submitTimeoutMs: number;
}

export interface SmsLogger {
  info(o: object, m?: string): void;
  warn(o: object, m?: string): void;
}

export type LinkFailure = 'NOT_BOUND' | 'CONNECTION_LOST' | 'TIMEOUT' | 'ABORTED' | 'CLOSED';

/** A submit that got no answer from this SMSC; the caller may fail over to another one. */
export class SmppLinkError extends Error {
  constructor(readonly kind: LinkFailure, message: string) {
    super(message);
    this.name = 'SmppLinkError';
  }
}

export interface SubmitResponse {
  /** submit_sm_resp command_status (§5.1.3); 0 = accepted. */
  commandStatus: number;
  messageId: string;
}

/** bound: usable now; pending: (re)connecting after a healthy bind, worth a short wait; down: last attempt failed. */
export type Availability = 'bound' | 'pending' | 'down';

/** SMPP v3.4 §4.1.5 interface_version for 3.4 (the library would send 0x50, SMPP 5.0). */
const INTERFACE_VERSION_34 = 0x34;
const UNBIND_WAIT_MS = 1_000;

export class SmppSession {
  private link: smpp.Session | undefined;
  private state: 'connecting' | 'bound' | 'waiting' | 'closed' = 'waiting';
  private failedAttempts = 0;
  private problem = 'not connected yet';
  private nextAttemptAt = 0;
  private awaitingEnquireResp = false;
  private readonly window: SubmitWindow;
  private readonly inFlight = new Map<number, (error: SmppLinkError) => void>();
  private readonly stateListeners = new Set<() => void>();
  private reconnectTimer: NodeJS.Timeout | undefined;
  private enquireTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly settings: SmscSettings,
    private readonly hooks: { onDeliverSm(pdu: smpp.PDU, smsc: string): void; logger?: SmsLogger },
  ) {
    this.window = new SubmitWindow(settings.windowSize);
  }

  get name(): string {
    return this.settings.name;
  }

  /** Connects and binds; resolves once the first attempt is over, bound or not (retries go on). */
  start(): Promise<void> {
    this.connect();
    return new Promise((resolve) => this.untilState(() => this.state !== 'connecting', resolve));
  }

  availability(): Availability {
    if (this.state === 'bound') return 'bound';
    return this.state === 'closed' || this.failedAttempts > 0 ? 'down' : 'pending';
  }

  /** For check(): "bound", or what went wrong and when the next attempt is. */
  describe(): string {
    if (this.state === 'bound') return 'bound';
    if (this.state === 'connecting') return `connecting (${this.problem})`;
    if (this.state === 'closed') return 'closed';
    return `${this.problem}; next attempt in ${Math.max(0, this.nextAttemptAt - Date.now())} ms`;
  }

  get windowInUse(): number {
    return this.window.inUse;
  }

  /** Resolves true once bound; false when the session goes down, on abort, or after timeoutMs. */
  waitForBind(timeoutMs: number, signal: AbortSignal): Promise<boolean> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        stopWatching();
        signal.removeEventListener('abort', done);
        resolve(this.state === 'bound');
      };
      const timer = setTimeout(done, timeoutMs);
      signal.addEventListener('abort', done, { once: true });
      const stopWatching = this.untilState(() => this.availability() !== 'pending', done);
    });
  }

  /** Sends one submit_sm within the window and waits for its submit_sm_resp (or a link failure). */
  async submit(fields: Record<string, unknown>, signal: AbortSignal): Promise<SubmitResponse> {
    if (this.state === 'closed') throw new SmppLinkError('CLOSED', 'SMS channel closed');
    await this.window.acquire(signal, () => new SmppLinkError('ABORTED', 'send aborted while waiting for the window'));
    try {
      return await this.sendSubmit(fields);
    } finally {
      this.window.release();
    }
  }

  /** Unbinds politely (§4.2), waits briefly for unbind_resp, then drops the socket for good. */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    const link = this.link;
    const wasBound = this.state === 'bound';
    this.state = 'closed';
    clearTimeout(this.reconnectTimer);
    clearInterval(this.enquireTimer);
    this.window.failWaiters(new SmppLinkError('CLOSED', 'SMS channel closed'));
    if (link && wasBound) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, UNBIND_WAIT_MS);
        const unbound = (): void => {
          clearTimeout(timer);
          resolve();
        };
        if (!link.unbind(unbound)) unbound();
      });
    }
    if (link) this.detach(link, 'closed by open2fa');
    this.notify();
  }

  private connect(): void {
    this.state = 'connecting';
    this.notify();
    const { host, port, systemId, password, systemType, submitTimeoutMs } = this.settings;
    const link = smpp.connect({ host, port });
    link.socket.setNoDelay(true); // small PDUs that each await an answer: Nagle would only add latency
    this.link = link;
    let socketError: string | undefined;
    const bindTimer = setTimeout(() => this.detach(link, `no bind_transceiver_resp within ${submitTimeoutMs} ms`), submitTimeoutMs);
    link.on('connect', () => {
      link.bind_transceiver(
        { system_id: systemId, password, system_type: systemType, interface_version: INTERFACE_VERSION_34 },
        (resp) => {
          clearTimeout(bindTimer);
          if (resp.command_status === 0) this.onBound(link);
          else this.detach(link, `bind refused: ${describeStatus(resp.command_status)}`);
        },
      );
    });
    // 'error' is always followed by 'close' once the socket is destroyed: handle the outcome there.
    link.on('error', (error: Error) => {
      socketError ??= error.message;
      link.destroy();
    });
    link.on('close', () => {
      clearTimeout(bindTimer);
      this.detach(link, socketError ?? (this.state === 'bound' ? 'connection closed by the SMSC' : 'connection closed before bind'));
    });
    link.on('deliver_sm', (pdu: smpp.PDU) => {
      try {
        this.hooks.onDeliverSm(pdu, this.name);
      } catch (error) {
        this.hooks.logger?.warn({ smsc: this.name, error: String(error) }, 'deliver_sm handling failed');
      }
      link.send(pdu.response()); // §4.6.2: deliver_sm_resp, message_id unused; always ack so the SMSC stops retrying
    });
    link.on('enquire_link', (pdu: smpp.PDU) => link.send(pdu.response()));
    link.on('unbind', (pdu: smpp.PDU) => link.send(pdu.response(), () => this.detach(link, 'unbound by the SMSC')));
  }

  private onBound(link: smpp.Session): void {
    if (link !== this.link || this.state === 'closed') return;
    this.state = 'bound';
    this.failedAttempts = 0;
    this.problem = '';
    this.awaitingEnquireResp = false;
    this.enquireTimer = setInterval(() => this.enquireLink(link), this.settings.enquireLinkMs).unref();
    this.hooks.logger?.info({ smsc: this.name, host: this.settings.host, port: this.settings.port }, 'SMPP transceiver bound');
    this.notify();
  }

  /** §4.11: a link whose previous enquire_link is still unanswered is dead, whatever TCP thinks. */
  private enquireLink(link: smpp.Session): void {
    if (this.awaitingEnquireResp) return this.detach(link, 'enquire_link unanswered');
    this.awaitingEnquireResp = true;
    link.enquire_link(() => {
      this.awaitingEnquireResp = false;
    });
  }

  /** Forget a link (once): fail its outstanding submits, and plan the next attempt unless closed. */
  private detach(link: smpp.Session, problem: string): void {
    if (link !== this.link) return;
    this.link = undefined;
    clearInterval(this.enquireTimer);
    link.destroy();
    for (const fail of this.inFlight.values()) fail(new SmppLinkError('CONNECTION_LOST', `${problem} (submit_sm outstanding)`));
    this.inFlight.clear();
    if (this.state === 'closed') return;
    const wasBound = this.state === 'bound';
    if (!wasBound) this.failedAttempts++;
    this.problem = problem;
    this.state = 'waiting';
    const delay = this.backoffDelay();
    this.nextAttemptAt = Date.now() + delay;
    this.reconnectTimer = setTimeout(() => this.connect(), delay).unref();
    this.hooks.logger?.warn({ smsc: this.name, problem, retryInMs: delay }, wasBound ? 'SMPP bind lost' : 'SMPP bind failed');
    this.notify();
  }

  /** Exponential from reconnectMinMs (after a drop) to reconnectMaxMs, minus up to 25 % jitter so peers spread out. */
  private backoffDelay(): number {
    const { reconnectMinMs, reconnectMaxMs } = this.settings;
    const base = Math.min(reconnectMaxMs, reconnectMinMs * 2 ** Math.min(this.failedAttempts, 30));
    return Math.round(base * (1 - Math.random() * 0.25));
  }

  private sendSubmit(fields: Record<string, unknown>): Promise<SubmitResponse> {
    const link = this.link;
    if (!link || this.state !== 'bound') return Promise.reject(new SmppLinkError('NOT_BOUND', `${this.name} is not bound`));
    return new Promise((resolve, reject) => {
      const pdu = new smpp.PDU('submit_sm', fields);
      let timer: NodeJS.Timeout | undefined;
      const finish = (): void => {
        clearTimeout(timer);
        this.inFlight.delete(pdu.sequence_number);
      };
      const sent = link.send(pdu, (resp) => {
        if (!this.inFlight.has(pdu.sequence_number)) return; // already timed out or failed
        finish();
        resolve({ commandStatus: resp.command_status, messageId: typeof resp.message_id === 'string' ? resp.message_id : '' });
      });
      if (!sent) return reject(new SmppLinkError('NOT_BOUND', `${this.name}: socket not writable`));
      this.inFlight.set(pdu.sequence_number, (error) => (finish(), reject(error)));
      const { submitTimeoutMs } = this.settings;
      timer = setTimeout(() => (finish(), reject(new SmppLinkError('TIMEOUT', `no submit_sm_resp within ${submitTimeoutMs} ms`))), submitTimeoutMs);
    });
  }

  /** Calls `then` once `reached()` holds (now or after a later state change); returns a canceller. */
  private untilState(reached: () => boolean, then: () => void): () => void {
    const listener = (): void => {
      if (!reached()) return;
      this.stateListeners.delete(listener);
      then();
    };
    this.stateListeners.add(listener);
    queueMicrotask(listener);
    return () => this.stateListeners.delete(listener);
  }

  private notify(): void {
    for (const listener of [...this.stateListeners]) listener();
  }
}
