import { randomBytes, randomUUID } from 'node:crypto';
import type { LimitSpec, SendPlan, Store } from '../../../src/domain/ports.ts';
import type {
  Account, ApplicationRecord, DeliveryRecord, PinRecord, SandboxMessage, TemplateRecord,
} from '../../../src/domain/records.ts';

/** Record factories for the storage contract suite: valid defaults, any field overridable. */

export const T0 = Date.UTC(2026, 0, 1);
export const MINUTE = 60_000;
export const DAY = 86_400_000;

export const id = (): string => randomUUID().replace(/-/g, '').toUpperCase();

export function account(over: Partial<Account> = {}): Account {
  return { id: id(), name: `acct-${id()}`, createdAt: T0, creditBalance: null, ...over };
}

export function application(accountId: string, over: Partial<ApplicationRecord> = {}): ApplicationRecord {
  return {
    id: id(), accountId, name: 'app', enabled: true,
    configuration: {
      pinAttempts: 10, allowMultiplePinVerifications: true, pinTimeToLive: '15m', verifyPinLimit: '1/3s',
      sendPinPerApplicationLimit: '10000/1d', sendPinPerPhoneNumberLimit: '3/1d',
    },
    notifyUrl: null, webhookSecret: 'whsec', createdAt: T0, updatedAt: T0, ...over,
  };
}

export function template(accountId: string, applicationId: string, over: Partial<TemplateRecord> = {}): TemplateRecord {
  return {
    id: id(), accountId, applicationId, kind: 'message', pinType: 'NUMERIC', pinLength: 6,
    messageText: 'Your PIN is {{pin}}', language: 'en', senderId: 'Open2FA', createdAt: T0, updatedAt: T0, ...over,
  };
}

export function pin(owner: Owner, over: Partial<PinRecord> = {}): PinRecord {
  return {
    id: id(), accountId: owner.accountId, applicationId: owner.applicationId, templateId: owner.templateId,
    to: '41793026727', seed: randomBytes(16), hash: randomBytes(32), pinType: 'NUMERIC', pinLength: 6,
    maxAttempts: 10, attemptsUsed: 0, multipleVerifications: false, verifyLimit: '1/3s',
    expiresAt: T0 + 15 * MINUTE, verifiedAt: null, sentAt: null, createdAt: T0, placeholders: { firstName: 'Ada' }, ...over,
  };
}

export function delivery(p: PinRecord, over: Partial<DeliveryRecord> = {}): DeliveryRecord {
  return {
    id: id(), pinId: p.id, accountId: p.accountId, applicationId: p.applicationId, medium: 'sms', to: p.to,
    sender: 'Open2FA', content: { textParts: ['Your PIN is ', ''] }, state: 'queued', status: 'PENDING_ENROUTE',
    final: false, reached: false, attempts: 0, nextAttemptAt: p.createdAt, leaseOwner: null, leaseUntil: null,
    createdAt: p.createdAt, updatedAt: p.createdAt, channelId: null, resultCode: null, detail: null, senderUsed: null,
    ringingAt: null, answeredAt: null, endedAt: null, dtmfRepeats: null, amdVerdict: null, price: null,
    providerMessageId: null, externalMessageId: null, trackDelivery: false, audioFile: null, ...over,
  };
}

export function sandboxMessage(d: DeliveryRecord, over: Partial<SandboxMessage> = {}): SandboxMessage {
  return {
    id: id(), accountId: d.accountId, deliveryId: d.id, pinId: d.pinId, medium: d.medium, to: d.to, from: d.sender,
    content: d.content, status: 'DELIVERED_TO_HANDSET', audioFile: null, createdAt: d.createdAt, ...over,
  };
}

export function limit(key: string, max: number, periodMs: number): LimitSpec {
  return { key, max, periodMs, label: `${key} ${max}/${periodMs}ms` };
}

/** An account with one application and one template: what every PIN belongs to. */
export interface Owner { accountId: string; applicationId: string; templateId: string }

export async function createOwner(store: Store, name?: string): Promise<Owner> {
  const a = account(name ? { name } : {});
  await store.createAccount(a);
  const app = application(a.id);
  await store.insertApplication(app);
  const t = template(a.id, app.id);
  await store.insertTemplate(t);
  return { accountId: a.id, applicationId: app.id, templateId: t.id };
}

/** A send plan for a new PIN to `to`, with the given limits (none by default). */
export function sendPlan(owner: Owner, now: number, over: Partial<SendPlan> & { to?: string } = {}): SendPlan & { pin: PinRecord } {
  const p = pin(owner, { createdAt: now, expiresAt: now + 15 * MINUTE, ...(over.to ? { to: over.to } : {}) });
  const { to: _to, ...rest } = over;
  return { accountId: owner.accountId, now, limits: [], pin: p, delivery: delivery(p), ...rest } as SendPlan & { pin: PinRecord };
}

/** Inserts a PIN with one queued delivery through acceptSend (the only way PINs get in). */
export async function insertPin(store: Store, owner: Owner, over: Partial<PinRecord> = {}, dOver: Partial<DeliveryRecord> = {}) {
  const p = pin(owner, over);
  const d = delivery(p, dOver);
  const outcome = await store.acceptSend({ accountId: owner.accountId, now: p.createdAt, limits: [], pin: p, delivery: d });
  if (outcome.kind !== 'accepted') throw new Error(`insertPin: ${outcome.kind}`);
  return { pin: p, delivery: d };
}

/** Runs `n` calls of `fn` at once and waits for all of them. */
export function concurrently<T>(n: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  return Promise.all(Array.from({ length: n }, (_, i) => fn(i)));
}

/** What each section of the contract suite gets: the fresh, migrated store of the running test. */
export interface ContractContext {
  readonly store: Store;
}
