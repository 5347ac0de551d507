import type {
  Account, ApiKeyRecord, ApplicationRecord, ChargeRow, DeliveryRecord, PinRecord, SandboxMessage, Scope, TemplateRecord,
  WebhookEvent, EmailContentRecord,
} from './records.ts';
import type { DeliveryReport } from '../channels/contract.ts';
import type { AccountActivity, ActivityWindow, RecentPin } from './console-views.ts';

export interface Clock {
  now(): number;
}

/** One rate limit to consume: an anchored window of `periodMs` admitting `max` events per key. */
export interface LimitSpec {
  key: string;
  max: number;
  periodMs: number;
  /** Echoed in the 429 text, e.g. "sendPinPerPhoneNumberLimit 3/1d". */
  label: string;
  /**
   * Every send of an application counts this one (its row is hot). A store may count it in a
   * short transaction of its own, before the send's, so that the send's commit does not hold it;
   * it then gives the count back when the send does not happen.
   */
  shared?: boolean;
}

/**
 * Everything one accepted send writes, committed together or not at all: the idempotency
 * record, the limits, the PIN (absent on resend) and its delivery job.
 */
export interface SendPlan {
  accountId: string;
  now: number;
  idempotency?: { key: string; requestHash: string; response: unknown; expiresAt: number };
  limits: LimitSpec[];
  pin?: PinRecord;
  delivery: DeliveryRecord;
}

/** A rate limit refused: nothing was counted; retry after `retryAfterMs`. */
export type LimitRefusal = { kind: 'limited'; label: string; retryAfterMs: number };

export type SendOutcome =
  | { kind: 'accepted' }
  | { kind: 'replay'; response: unknown }
  | { kind: 'idempotency_conflict' }
  | LimitRefusal;

export type VerifyAttempt =
  | LimitRefusal
  | { kind: 'already_verified' }
  | { kind: 'exhausted' }
  | { kind: 'attempt'; attemptsUsed: number };

export interface VerificationRow {
  msisdn: string;
  verified: boolean;
  verifiedAt: number | null;
  sentAt: number;
  delivered: boolean;
}

export interface ClaimedDelivery {
  delivery: DeliveryRecord;
  pin: Pick<PinRecord, 'id' | 'seed' | 'pinType' | 'pinLength' | 'expiresAt'>;
}

/**
 * The storage contract. SQLite and PostgreSQL implement it; test/storage/store-contract.ts runs
 * the same suite against both. Every method that counts something is atomic on its own.
 */
export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  migrate(): Promise<number>;
  close(): Promise<void>;
  ping(): Promise<void>;

  // Accounts and keys
  createAccount(account: Account): Promise<void>;
  findAccountByName(name: string): Promise<Account | undefined>;
  getAccount(id: string): Promise<Account | undefined>;
  listAccounts(): Promise<Account[]>;
  insertApiKey(key: ApiKeyRecord & { hash: Buffer }): Promise<void>;
  findApiKeyByHash(hash: Buffer): Promise<(ApiKeyRecord & { hash: Buffer }) | undefined>;
  listApiKeys(accountId?: string): Promise<ApiKeyRecord[]>;
  revokeApiKey(id: string, now: number): Promise<boolean>;
  countActiveApiKeys(): Promise<number>;

  // Applications and templates (always scoped by account: a foreign id is not found)
  insertApplication(app: ApplicationRecord): Promise<void>;
  updateApplication(app: ApplicationRecord): Promise<void>;
  getApplication(accountId: string, id: string): Promise<ApplicationRecord | undefined>;
  listApplications(accountId: string): Promise<ApplicationRecord[]>;
  insertTemplate(template: TemplateRecord): Promise<void>;
  updateTemplate(template: TemplateRecord): Promise<void>;
  getTemplate(accountId: string, applicationId: string, id: string): Promise<TemplateRecord | undefined>;
  listTemplates(accountId: string, applicationId: string): Promise<TemplateRecord[]>;

  // PINs
  acceptSend(plan: SendPlan): Promise<SendOutcome>;
  getPin(accountId: string, id: string): Promise<PinRecord | undefined>;
  beginVerifyAttempt(pinId: string, limit: LimitSpec, now: number): Promise<VerifyAttempt>;
  /** Marks a PIN verified; for single-use PINs only the first caller gets true. */
  markVerified(pinId: string, now: number, singleUse: boolean): Promise<boolean>;
  listVerifications(accountId: string, applicationId: string, msisdn: string): Promise<VerificationRow[]>;

  // Deliveries: the durable queue
  claimDeliveries(owner: string, now: number, leaseMs: number, limit: number): Promise<ClaimedDelivery[]>;
  extendLease(id: string, owner: string, until: number): Promise<boolean>;
  /** Records a channel's report; `final` ones end the job. Returns false if the lease was lost. */
  recordReport(id: string, owner: string | null, report: DeliveryReport & { channelId: string }, now: number): Promise<boolean>;
  retryLater(id: string, owner: string, nextAttemptAt: number, detail: string, now: number): Promise<boolean>;
  listDeliveries(accountId: string, pinId: string): Promise<DeliveryRecord[]>;
  getDelivery(id: string): Promise<DeliveryRecord | undefined>;
  /** Deliveries waiting for a receipt longer than allowed get a final status. */
  expireWaiting(before: number, status: string, now: number): Promise<number>;
  countQueued(now: number): Promise<{ depth: number; oldestAgeMs: number }>;

  // Sandbox captures
  insertSandboxMessage(message: SandboxMessage): Promise<void>;
  listSandboxMessages(accountId: string, to: string, limit: number): Promise<(SandboxMessage & { pin: ClaimedDelivery['pin'] })[]>;
  getSandboxAudio(accountId: string, deliveryId: string): Promise<string | undefined>;

  // Credits: null balance = unlimited
  setCreditBalance(accountId: string, balance: number | null): Promise<void>;
  /** Adds (or, negative, takes) an amount; answers the new balance (null = unlimited). */
  addCredits(accountId: string, amount: number): Promise<number | null>;
  /** Takes `amount` only if the balance covers it, atomically; true also for unlimited. */
  reserveCredits(accountId: string, amount: number): Promise<boolean>;
  listCharges(accountId: string, limit: number): Promise<ChargeRow[]>;

  // Delivery reports outbox
  enqueueWebhook(event: WebhookEvent): Promise<void>;
  claimWebhooks(owner: string, now: number, leaseMs: number, limit: number): Promise<WebhookEvent[]>;
  finishWebhook(id: string, owner: string, outcome: { delivered: boolean; giveUp: boolean; nextAttemptAt: number; error?: string }, now: number): Promise<void>;
  listWebhooks(deliveryId: string): Promise<WebhookEvent[]>;

  // Email bodies and opt-outs
  /** Inserts with the next free id of the account (1, 2, …) unless `id` is given; answers the record. */
  createEmailContent(content: Omit<EmailContentRecord, 'id'> & { id?: number }): Promise<EmailContentRecord>;
  updateEmailContent(content: EmailContentRecord): Promise<void>;
  getEmailContent(accountId: string, id: number): Promise<EmailContentRecord | undefined>;
  listEmailContents(accountId: string): Promise<EmailContentRecord[]>;
  addOptOut(accountId: string, address: string, landingPageId: string | null, now: number): Promise<void>;
  isOptedOut(accountId: string, address: string): Promise<boolean>;

  // SMS delivery receipts: which delivery an SMSC message id belongs to, shared by every process
  // (a receipt may reach any process bound to the SMSC account, or one started since the submit)
  /**
   * Expects one final receipt per part (`messageIds`, as the SMSC `smsc` answered them, already
   * normalised by the caller) for the delivery until `expiresAt`. Idempotent: an id expected
   * already is re-pointed to this delivery and expiry.
   */
  expectReceipts(deliveryId: string, smsc: string, messageIds: string[], expiresAt: number): Promise<void>;
  /**
   * Applies one final receipt; undefined when the id is not expected (unknown, settled already,
   * or pruned after expiring). `delivered` removes that part, and `decided` is true once no part
   * of the delivery remains; a failed part removes every part and decides at once (the first
   * failure decides). Atomic across processes: of concurrent receipts, exactly one decides.
   */
  settleReceipt(smsc: string, messageId: string, delivered: boolean): Promise<{ deliveryId: string; decided: boolean } | undefined>;

  // Housekeeping
  pruneBefore(now: number, retentionMs: number): Promise<number>;

  // Web console views (read-only, one account, bounded by a window or a limit; see console-views.ts)
  /** Counts of PINs and deliveries the account created in the window. */
  accountActivity(accountId: string, window: ActivityWindow): Promise<AccountActivity>;
  /** The account's newest PINs (ties: last inserted first) with their deliveries, created before `before` if given. */
  listRecentPins(accountId: string, limit: number, before?: number): Promise<RecentPin[]>;
  /** The account's newest sandbox captures, any destination, like listSandboxMessages. */
  listRecentSandboxMessages(accountId: string, limit: number): Promise<(SandboxMessage & { pin: ClaimedDelivery['pin'] })[]>;
}

export type { Scope };
