import { randomBytes } from 'node:crypto';
import { DomainError, notFound } from '../errors.ts';
import { newId } from '../ids.ts';
import { DEFAULT_LANGUAGE, normalizeLanguage } from '../languages.ts';
import type { PinType } from '../pin-code.ts';
import type { Clock, Store } from '../ports.ts';
import type { ApplicationConfig, ApplicationRecord, TemplateRecord } from '../records.ts';
import { findVoice, voicesFor } from '../voice-catalog.ts';

/** Infobip's documented defaults (reference §4.1). */
export const DEFAULT_APPLICATION_CONFIG: ApplicationConfig = {
  pinAttempts: 10,
  allowMultiplePinVerifications: true,
  pinTimeToLive: '15m',
  verifyPinLimit: '1/3s',
  sendPinPerApplicationLimit: '10000/1d',
  sendPinPerPhoneNumberLimit: '3/1d',
};
export const DEFAULT_PIN_LENGTH = 4;

export interface ApplicationInput {
  name?: string;
  enabled?: boolean;
  configuration?: Partial<ApplicationConfig>;
  notifyUrl?: string | null;
}

export interface MessageTemplateInput {
  pinType?: PinType;
  messageText?: string;
  pinLength?: number;
  language?: string;
  voiceName?: string;
  repeatDTMF?: string;
  speechRate?: number;
  senderId?: string;
  regional?: unknown;
}

export interface EmailTemplateInput {
  pinType?: PinType;
  pinLength?: number;
  from?: string;
  emailTemplateId?: number;
  landingPageId?: string;
}

export function createApplicationService(deps: { store: Store; clock: Clock }) {
  const { store, clock } = deps;

  async function getApplication(accountId: string, id: string): Promise<ApplicationRecord> {
    const app = await store.getApplication(accountId, id);
    if (!app) throw notFound(`Application ${id} not found. List yours with GET /2fa/2/applications`);
    return app;
  }

  async function createApplication(accountId: string, input: ApplicationInput & { name: string }) {
    const now = clock.now();
    const app: ApplicationRecord = {
      id: newId(), accountId, name: input.name, enabled: input.enabled ?? true,
      configuration: { ...DEFAULT_APPLICATION_CONFIG, ...stripUndefined(input.configuration ?? {}) },
      notifyUrl: input.notifyUrl ?? null, webhookSecret: randomBytes(32).toString('hex'), createdAt: now, updatedAt: now,
    };
    await store.insertApplication(app);
    return app;
  }

  /** PUT merges (decisions #14): absent fields keep their values. */
  async function updateApplication(accountId: string, id: string, input: ApplicationInput) {
    const app = await getApplication(accountId, id);
    const updated: ApplicationRecord = {
      ...app,
      name: input.name ?? app.name,
      enabled: input.enabled ?? app.enabled,
      configuration: { ...app.configuration, ...stripUndefined(input.configuration ?? {}) },
      notifyUrl: input.notifyUrl === undefined ? app.notifyUrl : input.notifyUrl,
      updatedAt: clock.now(),
    };
    await store.updateApplication(updated);
    return updated;
  }

  async function getTemplate(accountId: string, applicationId: string, id: string): Promise<TemplateRecord> {
    await getApplication(accountId, applicationId);
    const template = await store.getTemplate(accountId, applicationId, id);
    if (!template) throw notFound(`Message template ${id} not found in application ${applicationId}`);
    return template;
  }

  async function listTemplates(accountId: string, applicationId: string) {
    await getApplication(accountId, applicationId);
    return store.listTemplates(accountId, applicationId);
  }

  async function createMessageTemplate(accountId: string, applicationId: string, input: MessageTemplateInput & { pinType: PinType; messageText: string }) {
    await getApplication(accountId, applicationId);
    const now = clock.now();
    const template: TemplateRecord = {
      ...checkedMessageFields(input), id: newId(), accountId, applicationId, kind: 'message',
      pinType: input.pinType, pinLength: input.pinLength ?? DEFAULT_PIN_LENGTH, messageText: input.messageText, createdAt: now, updatedAt: now,
    };
    await store.insertTemplate(template);
    return template;
  }

  async function updateMessageTemplate(accountId: string, applicationId: string, id: string, input: MessageTemplateInput) {
    const current = await getTemplate(accountId, applicationId, id);
    if (current.kind !== 'message') {
      throw new DomainError('BAD_REQUEST', `Template ${id} is an email template: update it with PUT /2fa/2/applications/${applicationId}/email/messages/${id}`);
    }
    // Validate the voice against the language the template will have after the merge.
    const merged = { ...current, ...stripUndefined(input) } as TemplateRecord;
    const updated: TemplateRecord = { ...merged, ...checkedMessageFields(merged), updatedAt: clock.now() };
    await store.updateTemplate(updated);
    return updated;
  }

  async function createEmailTemplate(accountId: string, applicationId: string, input: EmailTemplateInput & { emailTemplateId: number }) {
    await getApplication(accountId, applicationId);
    const now = clock.now();
    const template: TemplateRecord = {
      ...stripUndefined({ from: input.from, landingPageId: input.landingPageId }), id: newId(), accountId, applicationId, kind: 'email',
      pinType: input.pinType ?? 'NUMERIC', pinLength: input.pinLength ?? DEFAULT_PIN_LENGTH, emailTemplateId: input.emailTemplateId,
      createdAt: now, updatedAt: now,
    };
    await store.insertTemplate(template);
    return template;
  }

  async function updateEmailTemplate(accountId: string, applicationId: string, id: string, input: EmailTemplateInput) {
    const current = await getTemplate(accountId, applicationId, id);
    if (current.kind !== 'email') {
      throw new DomainError('BAD_REQUEST', `Template ${id} is an SMS/voice template: update it with PUT /2fa/2/applications/${applicationId}/messages/${id}`);
    }
    const updated: TemplateRecord = { ...current, ...stripUndefined(input), updatedAt: clock.now() };
    await store.updateTemplate(updated);
    return updated;
  }

  return {
    getApplication, createApplication, updateApplication, listApplications: (accountId: string) => store.listApplications(accountId),
    getTemplate, listTemplates, createMessageTemplate, updateMessageTemplate, createEmailTemplate, updateEmailTemplate,
  };
}

/** Language in canonical spelling; voiceName must be one of the language's voices (canonical case). */
function checkedMessageFields(input: MessageTemplateInput): MessageTemplateInput {
  const out = stripUndefined({ ...input });
  if (input.language !== undefined) out.language = normalizeLanguage(input.language) ?? input.language;
  if (input.voiceName !== undefined) {
    const language = normalizeLanguage(out.language ?? DEFAULT_LANGUAGE) ?? DEFAULT_LANGUAGE;
    const voice = findVoice(language, input.voiceName);
    if (!voice) {
      const valid = voicesFor(language).map((v) => v.name).join(', ');
      throw new DomainError('BAD_REQUEST', `voiceName "${input.voiceName}" is not a voice of language ${language}; use one of: ${valid} (GET /tts/3/voices/${language})`,
        { validationErrors: { voiceName: [`must be one of: ${valid}`] } });
    }
    out.voiceName = voice.name;
  }
  return out;
}

export function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

export type ApplicationService = ReturnType<typeof createApplicationService>;
