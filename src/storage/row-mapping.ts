import type {
  Account, ApiKeyRecord, ApplicationRecord, DeliveryRecord, EmailContentRecord, PinRecord, SandboxMessage, Scope, TemplateRecord,
  WebhookEvent,
} from '../domain/records.ts';
import type { DeliveryReport, Medium } from '../channels/contract.ts';
import type { PinType } from '../domain/pin-code.ts';

/**
 * Row ⇄ record mapping shared by both backends. Column names are the same in SQLite and
 * PostgreSQL; only booleans (0/1 vs true/false), blobs and bigints differ, and `num`/`bool`/`buf`
 * absorb that.
 */
type Row = Record<string, unknown>;

const num = (v: unknown): number => Number(v);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const bool = (v: unknown): boolean => v === true || v === 1 || v === '1' || v === 't';
const str = (v: unknown): string => String(v);
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const buf = (v: unknown): Buffer => (Buffer.isBuffer(v) ? v : Buffer.from(v as Uint8Array));
const json = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;

export function toAccount(r: Row): Account {
  return { id: str(r.id), name: str(r.name), createdAt: num(r.created_at), creditBalance: numOrNull(r.credit_balance) };
}

export function toApiKey(r: Row): ApiKeyRecord & { hash: Buffer } {
  return {
    id: str(r.id), accountId: str(r.account_id), name: str(r.name), prefix: str(r.prefix),
    scopes: str(r.scopes).split(' ').filter(Boolean) as Scope[], createdAt: num(r.created_at),
    revokedAt: numOrNull(r.revoked_at), hash: buf(r.hash),
  };
}

export function toApplication(r: Row): ApplicationRecord {
  return {
    id: str(r.id), accountId: str(r.account_id), name: str(r.name), enabled: bool(r.enabled),
    configuration: json(r.configuration), notifyUrl: strOrNull(r.notify_url), webhookSecret: str(r.webhook_secret),
    createdAt: num(r.created_at), updatedAt: num(r.updated_at),
  };
}

export function applicationParams(a: ApplicationRecord): Row {
  return {
    id: a.id, account_id: a.accountId, name: a.name, enabled: a.enabled ? 1 : 0, configuration: JSON.stringify(a.configuration),
    notify_url: a.notifyUrl, webhook_secret: a.webhookSecret, created_at: a.createdAt, updated_at: a.updatedAt,
  };
}

const TEMPLATE_KEYS = ['id', 'accountId', 'applicationId', 'kind', 'createdAt', 'updatedAt'] as const;

export function toTemplate(r: Row): TemplateRecord {
  return {
    ...json<Omit<TemplateRecord, (typeof TEMPLATE_KEYS)[number]>>(r.body),
    id: str(r.id), accountId: str(r.account_id), applicationId: str(r.application_id),
    kind: str(r.kind) as TemplateRecord['kind'], createdAt: num(r.created_at), updatedAt: num(r.updated_at),
  };
}

export function templateParams(t: TemplateRecord): Row {
  const body: Record<string, unknown> = { ...t };
  for (const k of TEMPLATE_KEYS) delete body[k];
  return {
    id: t.id, account_id: t.accountId, application_id: t.applicationId, kind: t.kind,
    body: JSON.stringify(body), created_at: t.createdAt, updated_at: t.updatedAt,
  };
}

export function toPin(r: Row): PinRecord {
  return {
    id: str(r.id), accountId: str(r.account_id), applicationId: str(r.application_id), templateId: str(r.template_id),
    to: str(r.destination), seed: buf(r.seed), hash: buf(r.hash), pinType: str(r.pin_type) as PinType,
    pinLength: num(r.pin_length), maxAttempts: num(r.max_attempts), attemptsUsed: num(r.attempts_used),
    multipleVerifications: bool(r.multiple_verifications), verifyLimit: str(r.verify_limit),
    expiresAt: num(r.expires_at), verifiedAt: numOrNull(r.verified_at), sentAt: numOrNull(r.sent_at),
    createdAt: num(r.created_at), placeholders: json(r.placeholders),
  };
}

export function pinParams(p: PinRecord): Row {
  return {
    id: p.id, account_id: p.accountId, application_id: p.applicationId, template_id: p.templateId, destination: p.to,
    seed: p.seed, hash: p.hash, pin_type: p.pinType, pin_length: p.pinLength, max_attempts: p.maxAttempts,
    attempts_used: p.attemptsUsed, multiple_verifications: p.multipleVerifications ? 1 : 0, verify_limit: p.verifyLimit,
    expires_at: p.expiresAt, verified_at: p.verifiedAt, sent_at: p.sentAt, created_at: p.createdAt,
    placeholders: JSON.stringify(p.placeholders),
  };
}

export function toDelivery(r: Row): DeliveryRecord {
  return {
    id: str(r.id), pinId: str(r.pin_id), accountId: str(r.account_id), applicationId: str(r.application_id),
    medium: str(r.medium) as Medium, to: str(r.destination), sender: strOrNull(r.sender), content: json(r.content),
    state: str(r.state) as DeliveryRecord['state'], status: str(r.status), final: bool(r.final), reached: bool(r.reached),
    attempts: num(r.attempts), nextAttemptAt: num(r.next_attempt_at), leaseOwner: strOrNull(r.lease_owner),
    leaseUntil: numOrNull(r.lease_until), createdAt: num(r.created_at), updatedAt: num(r.updated_at),
    channelId: strOrNull(r.channel_id), resultCode: strOrNull(r.result_code), detail: strOrNull(r.detail),
    senderUsed: strOrNull(r.sender_used), ringingAt: numOrNull(r.ringing_at), answeredAt: numOrNull(r.answered_at),
    endedAt: numOrNull(r.ended_at), dtmfRepeats: numOrNull(r.dtmf_repeats), amdVerdict: strOrNull(r.amd_verdict),
    price: numOrNull(r.price), providerMessageId: strOrNull(r.provider_message_id),
    externalMessageId: strOrNull(r.external_message_id), trackDelivery: bool(r.track_delivery),
    audioFile: strOrNull(r.audio_file),
  };
}

export function deliveryParams(d: DeliveryRecord): Row {
  return {
    id: d.id, pin_id: d.pinId, account_id: d.accountId, application_id: d.applicationId, medium: d.medium,
    destination: d.to, sender: d.sender, content: JSON.stringify(d.content), state: d.state, status: d.status,
    final: d.final ? 1 : 0, reached: d.reached ? 1 : 0, attempts: d.attempts, next_attempt_at: d.nextAttemptAt,
    lease_owner: d.leaseOwner, lease_until: d.leaseUntil, created_at: d.createdAt, updated_at: d.updatedAt,
    channel_id: d.channelId, result_code: d.resultCode, detail: d.detail, sender_used: d.senderUsed,
    ringing_at: d.ringingAt, answered_at: d.answeredAt, ended_at: d.endedAt, dtmf_repeats: d.dtmfRepeats,
    amd_verdict: d.amdVerdict, price: d.price, provider_message_id: d.providerMessageId,
    external_message_id: d.externalMessageId, track_delivery: d.trackDelivery ? 1 : 0, audio_file: d.audioFile,
  };
}

export function toSandboxMessage(r: Row): SandboxMessage {
  return {
    id: str(r.id), accountId: str(r.account_id), deliveryId: str(r.delivery_id), pinId: str(r.pin_id),
    medium: str(r.medium) as Medium, to: str(r.destination), from: strOrNull(r.sender), content: json(r.content),
    status: str(r.status), audioFile: strOrNull(r.audio_file), createdAt: num(r.created_at),
  };
}

export function sandboxParams(m: SandboxMessage): Row {
  return {
    id: m.id, account_id: m.accountId, delivery_id: m.deliveryId, pin_id: m.pinId, medium: m.medium,
    destination: m.to, sender: m.from, content: JSON.stringify(m.content), status: m.status,
    audio_file: m.audioFile, created_at: m.createdAt,
  };
}

export function toWebhook(r: Row): WebhookEvent {
  return {
    id: str(r.id), accountId: str(r.account_id), applicationId: str(r.application_id), deliveryId: str(r.delivery_id),
    url: str(r.url), body: str(r.body), state: r.state as WebhookEvent['state'], attempts: num(r.attempts),
    nextAttemptAt: num(r.next_attempt_at), lastError: strOrNull(r.last_error), createdAt: num(r.created_at),
  };
}

export function toEmailContent(r: Row): EmailContentRecord {
  return {
    accountId: str(r.account_id), id: num(r.id), name: str(r.name), subject: str(r.subject),
    text: strOrNull(r.text_body), html: strOrNull(r.html_body), createdAt: num(r.created_at), updatedAt: num(r.updated_at),
  };
}

/**
 * The columns a delivery report sets (the rest of recordReport's parameters are the id, the lease
 * owner, the time and the two flags, which each backend binds in its own boolean form).
 */
export function reportColumns(r: DeliveryReport & { channelId: string }): Row {
  return {
    status: r.status, channel_id: r.channelId, result_code: r.resultCode ?? null, detail: r.detail ?? null,
    sender_used: r.sender ?? null, ringing_at: r.ringingAt ?? null, answered_at: r.answeredAt ?? null,
    ended_at: r.endedAt ?? null, dtmf_repeats: r.dtmfRepeats ?? null, amd_verdict: r.amdVerdict ?? null,
    price: r.price ?? null, provider_message_id: r.providerMessageId ?? null, audio_file: r.audioFile ?? null,
  };
}

/** `INSERT INTO t (a, b) VALUES (@a, @b)` for a params object; names are ours, never input. */
export function insertSql(table: string, params: Row): string {
  const cols = Object.keys(params);
  return `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map((c) => `@${c}`).join(', ')})`;
}
