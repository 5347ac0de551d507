import type { Medium } from '../../channels/contract.ts';
import { MESSAGE_STATUSES, type CallStatus } from '../delivery-status.ts';
import { DomainError, notFound } from '../errors.ts';
import { newId, newUuid } from '../ids.ts';
import { hashPin, newPinSeed, derivePin } from '../pin-code.ts';
import type { RecentPins } from '../recent-pins.ts';
import type { Clock, LimitSpec, SendPlan, Store } from '../ports.ts';
import type { ApplicationRecord, DeliveryRecord, PinRecord, TemplateRecord } from '../records.ts';
import { durationMs, limitOf } from '../time-format.ts';
import type { ApplicationService } from './application-service.ts';
import { buildContent, checkSmsSender, checkTemplateKind, DEFAULT_EMAIL_BODY, destinationKind, senderFor, type EmailBody } from './send-rules.ts';

export type NcStatus = 'NC_DESTINATION_UNKNOWN' | 'NC_DESTINATION_REACHABLE' | 'NC_DESTINATION_NOT_REACHABLE' | 'NC_NOT_CONFIGURED';

export interface SendDeps {
  store: Store;
  clock: Clock;
  apps: ApplicationService;
  secret: Buffer;
  /** Number lookup before an SMS (ncNeeded). */
  lookupNumber(to: string): Promise<NcStatus>;
  /** Voice: a final status when the call can be refused before dialing (no route, no credits). */
  voicePreflight(accountId: string, to: string): Promise<CallStatus | undefined>;
  /** Stored email body for an emailTemplateId, if the account defined one. */
  emailBody(accountId: string, emailTemplateId: number | undefined): Promise<EmailBody | undefined>;
  /** Opt-out link for an email PIN; undefined = no opt-out page. */
  unsubscribeUrl(accountId: string, to: string, landingPageId: string | undefined): string | undefined;
  /** True when the address opted out of PIN emails. */
  optedOut(accountId: string, to: string): Promise<boolean>;
  /** After the commit: wakes the worker, or (refused at once) reports the final status. */
  onAccepted(delivery: DeliveryRecord): void;
  idempotencyTtlMs: number;
  /** New PINs are remembered here once stored, so that verifying them needs no read (recent-pins.ts). */
  recentPins: RecentPins;
}

export interface SendRequest {
  accountId: string;
  medium: Medium;
  to: string;
  from?: string;
  placeholders?: Record<string, string>;
  trackDelivery?: boolean;
  ncNeeded?: boolean;
  idempotency?: { key: string; requestHash: string };
}

export type SendResponse = {
  pinId: string;
  to: string;
  ncStatus?: NcStatus;
  smsStatus?: 'MESSAGE_SENT' | 'MESSAGE_NOT_SENT';
  callStatus?: string;
  emailStatus?: { name: string; description: string };
  externalMessageId?: string;
};

export function createPinSendService(deps: SendDeps) {
  const { store, clock, apps } = deps;

  async function send(req: SendRequest & { applicationId: string; messageId: string }): Promise<SendResponse> {
    // SMS sender (decisions #18); a voice `from` may be anything, only a numeric one is used (#8).
    if (req.medium === 'sms' && req.from !== undefined) {
      const problem = checkSmsSender(req.from);
      if (problem) throw new DomainError('BAD_REQUEST', `from "${req.from}" ${problem}`, { validationErrors: { from: [problem] } });
    }
    const app = await apps.getApplication(req.accountId, req.applicationId);
    if (!app.enabled) throw new DomainError('BAD_REQUEST', `Application ${app.id} is disabled; enable it with PUT /2fa/2/applications/${app.id} {"enabled": true}`);
    const template = await store.getTemplate(req.accountId, app.id, req.messageId);
    if (!template) throw notFound(`Message template ${req.messageId} not found in application ${app.id}`);
    checkTemplateKind(template, req.medium);

    const now = clock.now();
    const pinId = newId();
    const seed = newPinSeed();
    const pin: PinRecord = {
      id: pinId, accountId: req.accountId, applicationId: app.id, templateId: template.id, to: req.to, seed,
      hash: hashPin(deps.secret, pinId, derivePin(deps.secret, pinId, seed, template.pinType, template.pinLength)),
      pinType: template.pinType, pinLength: template.pinLength, maxAttempts: app.configuration.pinAttempts, attemptsUsed: 0,
      multipleVerifications: app.configuration.allowMultiplePinVerifications, verifyLimit: app.configuration.verifyPinLimit,
      expiresAt: now + durationMs(app.configuration.pinTimeToLive), verifiedAt: null, sentAt: null, createdAt: now,
      placeholders: req.placeholders ?? {},
    };
    return deliver(req, app, template, pin, pin.placeholders, now);
  }

  /** Same PIN, same pinId, TTL not extended, counts toward the send limits (decisions #7). */
  async function resend(req: Omit<SendRequest, 'to'> & { pinId: string }): Promise<SendResponse> {
    const pin = await store.getPin(req.accountId, req.pinId);
    if (!pin) throw notFound(`PIN ${req.pinId} not found`);
    const now = clock.now();
    if (now >= pin.expiresAt) throw new DomainError('BAD_REQUEST', `PIN ${pin.id} expired at ${new Date(pin.expiresAt).toISOString()}; send a new PIN instead`);
    if (pin.verifiedAt !== null && !pin.multipleVerifications) throw new DomainError('BAD_REQUEST', `PIN ${pin.id} was already verified and is single-use; send a new PIN instead`);
    const pinIsAddress = pin.to.includes('@');
    if ((destinationKind(req.medium) === 'address') !== pinIsAddress) {
      throw new DomainError('BAD_REQUEST', pinIsAddress
        ? `PIN ${pin.id} was sent to an email address; resend it with POST /2fa/2/pin/${pin.id}/resend/email`
        : `PIN ${pin.id} was sent to a phone number; resend it by SMS (/resend) or voice (/resend/voice)`);
    }
    const app = await apps.getApplication(req.accountId, pin.applicationId);
    if (!app.enabled) throw new DomainError('BAD_REQUEST', `Application ${app.id} is disabled; enable it with PUT /2fa/2/applications/${app.id} {"enabled": true}`);
    const template = await store.getTemplate(req.accountId, app.id, pin.templateId);
    if (!template) throw notFound(`The message template of PIN ${pin.id} no longer exists`);
    return deliver({ ...req, to: pin.to }, app, template, undefined, { ...pin.placeholders, ...(req.placeholders ?? {}) }, now, pin.id);
  }

  async function deliver(
    req: SendRequest, app: ApplicationRecord, template: TemplateRecord, newPin: PinRecord | undefined,
    placeholders: Record<string, string>, now: number, existingPinId?: string,
  ): Promise<SendResponse> {
    const pinId = newPin?.id ?? (existingPinId as string);
    const email = req.medium === 'email' ? await emailFor(req, template) : undefined;
    const content = buildContent(req.medium, template, placeholders, email);
    const sender = senderFor(req.medium, req.from, template) ?? null;
    const response: SendResponse = { pinId, to: req.to };
    let refusal: { status: string } | undefined;

    if (req.medium === 'voice') {
      const status = await deps.voicePreflight(req.accountId, req.to);
      response.callStatus = status ?? 'PROCESSING';
      if (status) refusal = { status };
    } else if (req.medium === 'sms') {
      const nc = req.ncNeeded === false ? undefined : await deps.lookupNumber(req.to);
      if (nc) response.ncStatus = nc;
      response.smsStatus = nc === 'NC_DESTINATION_NOT_REACHABLE' ? 'MESSAGE_NOT_SENT' : 'MESSAGE_SENT';
      if (nc === 'NC_DESTINATION_NOT_REACHABLE') refusal = { status: 'REJECTED_DESTINATION' };
    } else {
      const opted = await deps.optedOut(req.accountId, req.to);
      const name = opted ? 'REJECTED_DESTINATION' : 'PENDING_ACCEPTED';
      response.emailStatus = { name, description: opted ? 'The recipient opted out of PIN emails from this account.' : MESSAGE_STATUSES.PENDING_ACCEPTED };
      if (opted) refusal = { status: name };
    }
    if (req.trackDelivery) response.externalMessageId = newUuid();

    const delivery = newDelivery(req, app, pinId, content, sender, now, refusal?.status, response.externalMessageId);
    const plan: SendPlan = {
      accountId: req.accountId, now, limits: sendLimits(app, req.to), delivery,
      ...(newPin ? { pin: newPin } : {}),
      ...(req.idempotency ? { idempotency: { ...req.idempotency, response, expiresAt: now + deps.idempotencyTtlMs } } : {}),
    };
    const outcome = await store.acceptSend(plan);
    switch (outcome.kind) {
      case 'replay': return outcome.response as SendResponse;
      case 'idempotency_conflict':
        throw new DomainError('CONFLICT', `Idempotency-Key "${req.idempotency?.key}" was already used with a different request; use a new key for a new request`);
      case 'limited':
        throw new DomainError('TOO_MANY_REQUESTS', `${outcome.label} exceeded; retry after ${Math.ceil(outcome.retryAfterMs / 1000)} s`, { retryAfterMs: outcome.retryAfterMs });
      case 'accepted':
        if (newPin) deps.recentPins.remember(newPin, req.medium);
        deps.onAccepted(delivery);
        return response;
    }
  }

  async function emailFor(req: SendRequest, template: TemplateRecord) {
    const body = await deps.emailBody(req.accountId, template.emailTemplateId);
    const unsubscribeUrl = deps.unsubscribeUrl(req.accountId, req.to, template.landingPageId);
    return { ...(body ?? DEFAULT_EMAIL_BODY), ...(unsubscribeUrl ? { unsubscribeUrl } : {}) };
  }

  return { send, resend };
}

function sendLimits(app: ApplicationRecord, to: string): LimitSpec[] {
  const perNumber = limitOf(app.configuration.sendPinPerPhoneNumberLimit);
  const perApp = limitOf(app.configuration.sendPinPerApplicationLimit);
  return [
    { key: `send:number:${app.id}:${to}`, max: perNumber.attempts, periodMs: perNumber.periodMs, label: `sendPinPerPhoneNumberLimit ${app.configuration.sendPinPerPhoneNumberLimit}` },
    { key: `send:app:${app.id}`, max: perApp.attempts, periodMs: perApp.periodMs, label: `sendPinPerApplicationLimit ${app.configuration.sendPinPerApplicationLimit}`, shared: true },
  ];
}

function newDelivery(
  req: SendRequest, app: ApplicationRecord, pinId: string, content: DeliveryRecord['content'], sender: string | null,
  now: number, refusedStatus: string | undefined, externalMessageId: string | undefined,
): DeliveryRecord {
  const initial = req.medium === 'voice' ? 'PROCESSING' : 'PENDING_ACCEPTED';
  return {
    id: newId(), pinId, accountId: req.accountId, applicationId: app.id, medium: req.medium, to: req.to, sender, content,
    state: refusedStatus ? 'done' : 'queued', status: refusedStatus ?? initial, final: refusedStatus !== undefined, reached: false,
    attempts: 0, nextAttemptAt: now, leaseOwner: null, leaseUntil: null, createdAt: now, updatedAt: now, channelId: null,
    resultCode: null, detail: refusedStatus ? 'refused before delivery' : null, senderUsed: null, ringingAt: null, answeredAt: null,
    endedAt: refusedStatus ? now : null, dtmfRepeats: null, amdVerdict: null, price: null, providerMessageId: null,
    externalMessageId: externalMessageId ?? null, trackDelivery: req.trackDelivery === true, audioFile: null,
  };
}

export type PinSendService = ReturnType<typeof createPinSendService>;
