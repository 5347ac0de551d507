/**
 * The DeliveryChannel for medium 'email': one nodemailer SMTP pool shared by all sends.
 * Email has no late reports here: the relay's 250 is the last thing we learn (bounces that
 * arrive later as DSNs, RFC 3464, are not read back).
 */
import type { SMTPPoolOptions, SMTPPoolSentMessageInfo, Transporter } from 'nodemailer';
import { ChannelError, type ChannelDeps, type DeliveryChannel, type DeliveryReport, type OutboundMessage } from '../contract.ts';
import type { MessageStatus } from '../../domain/delivery-status.ts';
import type { EmailConfig } from './index.ts';
import { composeMail, type Mailbox } from './compose-mail.ts';
import { classifySmtpFailure, redactReply } from './smtp-outcome.ts';

type SmtpPool = Transporter<SMTPPoolSentMessageInfo, SMTPPoolOptions>;
type Health = { ok: boolean; detail: string };

/** How long a verify (or a send's outcome) answers check(): /readyz probes must not dial the relay every few seconds. */
export const HEALTH_TTL_MS = 60_000;

export class SmtpEmailChannel implements DeliveryChannel {
  readonly id = 'email-smtp';
  readonly medium = 'email' as const;
  #closed = false;
  #health: { at: number; result: Health } | undefined;
  #verifying: Promise<Health> | undefined;

  constructor(
    private readonly transporter: SmtpPool,
    private readonly config: EmailConfig,
    // Kept for the contract; SMTP has no asynchronous receipts to report (see file comment).
    private readonly deps: ChannelDeps,
  ) {}

  async send(message: OutboundMessage, signal: AbortSignal): Promise<DeliveryReport> {
    if (this.#closed) throw new ChannelError('UNAVAILABLE', 'email channel is closed', true);
    if (signal.aborted) throw abortedByCaller();
    const mail = composeMail(message, this.config.defaultFrom);

    // Our own deadline covers the wait for a pooled session plus the whole SMTP transaction;
    // nodemailer's socket timeouts alone would let a server that trickles replies hold us.
    // Wired by hand (not AbortSignal.any) so nothing stays attached to a long-lived caller signal.
    const cancel = new AbortController();
    const onCallerAbort = (): void => cancel.abort(signal.reason);
    signal.addEventListener('abort', onCallerAbort, { once: true });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      cancel.abort();
    }, this.config.sendTimeoutMs);
    try {
      const info = await this.transporter.sendMail({ ...mail.options, signal: cancel.signal });
      this.#note(true, `reachable, accepted a message (${this.#securityLabel()})`);
      return acceptedReport(info, mail.sender);
    } catch (err) {
      // An abort does not prove the relay has not accepted the message; a retry may duplicate
      // it, which the stable Message-ID (compose-mail.ts) lets mail clients collapse.
      if (signal.aborted) throw abortedByCaller(err);
      if (timedOut) {
        this.#note(false, `a send did not finish within ${this.config.sendTimeoutMs} ms`);
        throw new ChannelError('TIMEOUT', `SMTP send did not finish within ${this.config.sendTimeoutMs} ms`, true);
      }
      const outcome = classifySmtpFailure(err);
      // The relay or our settings are at fault (not the recipient, not a rate limit): /readyz says so.
      if (outcome instanceof ChannelError && (outcome.code === 'UNAVAILABLE' || outcome.code === 'INVALID_CONFIG')) this.#note(false, `${outcome.code}: ${outcome.message}`);
      if (outcome instanceof ChannelError) throw outcome;
      return outcome;
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onCallerAbort);
    }
  }

  /**
   * /readyz: the outcome of the last send or verify if it is younger than HEALTH_TTL_MS, else a
   * verify (connect, STARTTLS/TLS and AUTH with the configured settings, then hang up).
   */
  async check(): Promise<Health> {
    if (this.#closed) return { ok: false, detail: `SMTP ${this.config.host}:${this.config.port}: channel closed` };
    const known = this.#health;
    if (known && Date.now() - known.at < HEALTH_TTL_MS) return known.result;
    this.#verifying ??= this.#verify().then((result) => {
      this.#health = { at: Date.now(), result };
      return result;
    }).finally(() => { this.#verifying = undefined; });
    return this.#verifying;
  }

  #note(ok: boolean, detail: string): void {
    this.#health = { at: Date.now(), result: { ok, detail: `SMTP ${this.config.host}:${this.config.port}${ok ? ' ' : ': '}${detail}` } };
  }

  async #verify(): Promise<Health> {
    const where = `${this.config.host}:${this.config.port}`;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error('verify timed out'), { code: 'ETIMEDOUT' })), this.config.sendTimeoutMs);
    });
    try {
      await Promise.race([this.transporter.verify(), timeout]);
      return { ok: true, detail: `SMTP ${where} reachable (${this.#securityLabel()})` };
    } catch (err) {
      const outcome = classifySmtpFailure(err);
      const reason = outcome instanceof ChannelError ? `${outcome.code}: ${outcome.message}` : `${outcome.resultCode} ${outcome.detail ?? ''}`;
      return { ok: false, detail: `SMTP ${where}: ${reason}` };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Idle sessions close now; a session in the middle of a transaction finishes it first. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.transporter.close();
  }

  #securityLabel(): string {
    const tls = this.config.secure ? 'implicit TLS' : this.config.requireTLS ? 'STARTTLS required' : 'STARTTLS if offered';
    return this.config.auth ? `${tls}, AUTH` : tls;
  }
}

function abortedByCaller(cause?: unknown): ChannelError {
  const code = typeof cause === 'object' && cause !== null ? (cause as { code?: unknown }).code : undefined;
  return new ChannelError('TIMEOUT', 'email send aborted by the caller', true, code ? { code } : undefined);
}

/** The relay took responsibility for the message (RFC 5321 §4.1.1.4: 250 after end of data). */
function acceptedReport(info: SMTPPoolSentMessageInfo, sender: Mailbox): DeliveryReport {
  const status: MessageStatus = 'DELIVERED';
  const replyCode = /^(\d{3})/.exec(info.response ?? '')?.[1] ?? '250';
  // A relay that rewrites Message-ID (Microsoft 365, SES) names the new one in its 250 reply;
  // that is the id the delivered copy carries.
  const id = (info.serverMessageId ?? info.messageId ?? '').replace(/^<|>$/g, '');
  const detail = redactReply(info.response);
  return {
    status,
    final: true,
    reached: true,
    resultCode: `SMTP ${replyCode}`,
    ...(detail ? { detail } : {}),
    sender: sender.address,
    ...(id ? { providerMessageId: id } : {}),
  };
}
