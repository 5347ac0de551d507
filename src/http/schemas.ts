import { z } from 'zod';
import { LANGUAGES, normalizeLanguage } from '../domain/languages.ts';
import { containsPinPlaceholder } from '../domain/message-render.ts';
import { PIN_TYPES } from '../domain/pin-code.ts';
import { checkSmsSender } from '../domain/services/send-rules.ts';
import { ONE_DAY_MS, ONE_YEAR_MS, parseDuration, parseLimit } from '../domain/time-format.ts';

/**
 * Request schemas of the Infobip endpoints. Unknown fields are ignored (decisions #20); every
 * message says what a valid value looks like.
 */
z.config({
  customError: (issue) => {
    if (issue.code === 'invalid_type' && issue.input === undefined) return 'is required';
    if (issue.code === 'invalid_type') return `must be ${issue.expected === 'int' ? 'an integer' : `a ${issue.expected}`}, not ${issue.input === null ? 'null' : Array.isArray(issue.input) ? 'an array' : typeof issue.input}`;
    return undefined;
  },
});

const timeString = (max: number) => z.string().superRefine((v, ctx) => {
  const r = parseDuration(v, max);
  if (typeof r !== 'number') ctx.addIssue({ code: 'custom', message: r.error });
});
const limitString = (max: number) => z.string().superRefine((v, ctx) => {
  const r = parseLimit(v, max);
  if ('error' in r) ctx.addIssue({ code: 'custom', message: r.error });
});

export const configurationSchema = z.object({
  pinAttempts: z.number().int().min(1, 'must be at least 1').max(1000, 'must be at most 1000').optional(),
  allowMultiplePinVerifications: z.boolean().optional(),
  pinTimeToLive: timeString(ONE_YEAR_MS).optional(),
  verifyPinLimit: limitString(ONE_DAY_MS).optional(),
  sendPinPerApplicationLimit: limitString(ONE_YEAR_MS).optional(),
  sendPinPerPhoneNumberLimit: limitString(ONE_YEAR_MS).optional(),
});

const notifyUrl = z.string().max(2000).regex(/^https?:\/\/\S+$/, 'must be an http(s) URL').nullable().optional();
const name = z.string().trim().min(1, 'must not be empty').max(255, 'must be at most 255 characters');

export const createApplicationSchema = z.object({ name, enabled: z.boolean().optional(), configuration: configurationSchema.optional(), notifyUrl });
export const updateApplicationSchema = z.object({ name: name.optional(), enabled: z.boolean().optional(), configuration: configurationSchema.optional(), notifyUrl });

const pinType = z.enum(PIN_TYPES, { error: `must be one of ${PIN_TYPES.join(', ')}` });
const pinLength = z.number().int().min(1, 'must be 1 to 16').max(16, 'must be 1 to 16');
const language = z.string().refine((v) => normalizeLanguage(v) !== undefined, `must be one of ${LANGUAGES.join(', ')} (hyphens like pt-br are accepted too)`)
  .transform((v) => normalizeLanguage(v) as string);

const messageTemplateFields = {
  pinType,
  messageText: z.string().min(1, 'must not be empty').max(2000, 'must be at most 2000 characters')
    .refine(containsPinPlaceholder, 'must contain the {{pin}} placeholder, e.g. "Your PIN is {{pin}}"'),
  pinLength,
  language,
  voiceName: z.string().trim().min(1).max(64),
  repeatDTMF: z.string().regex(/^[0-9A-D*#]{1,8}$/, 'must be 1 to 8 DTMF keys (0-9, *, #, A-D), e.g. "1#"'),
  speechRate: z.number().min(0.5, 'must be between 0.5 and 2').max(2, 'must be between 0.5 and 2'),
  senderId: z.string().superRefine((v, ctx) => { const e = checkSmsSender(v); if (e) ctx.addIssue({ code: 'custom', message: e }); }),
  regional: z.object({
    indiaDlt: z.object({
      principalEntityId: z.string().max(30),
      contentTemplateId: z.string().max(30).optional(),
      teleMarketerId: z.string().max(255).optional(),
    }).optional(),
  }).optional(),
};
const optional = <T extends Record<string, z.ZodType>>(shape: T) =>
  Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, v.optional()])) as { [K in keyof T]: z.ZodOptional<T[K]> };

export const createMessageTemplateSchema = z.object({
  ...optional(messageTemplateFields), pinType: messageTemplateFields.pinType, messageText: messageTemplateFields.messageText,
});
export const updateMessageTemplateSchema = z.object(optional(messageTemplateFields));

const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;
export const emailAddress = z.string().max(254).regex(EMAIL, 'must be an email address, e.g. john.smith@example.com');
/** `company@example.com` or `Jane Smith <jane.smith@example.com>` */
export const emailSender = z.string().max(320).refine((v) => EMAIL.test(v) || /^[^<>]{1,100}<[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+>$/.test(v.trim()),
  'must be an address, optionally with a name: "company@example.com" or "Jane Smith <jane.smith@example.com>"');

const emailTemplateFields = {
  emailTemplateId: z.number().int().min(1, 'must be a positive integer').max(Number.MAX_SAFE_INTEGER),
  from: emailSender,
  landingPageId: z.string().min(1).max(64),
  pinLength,
  pinType,
};
export const createEmailTemplateSchema = z.object({ ...optional(emailTemplateFields), emailTemplateId: emailTemplateFields.emailTemplateId });
export const updateEmailTemplateSchema = z.object(optional(emailTemplateFields));

/** International format, digits only; a leading + is accepted and stripped (decisions #19). */
export const phoneNumber = z.string().transform((v) => v.trim().replace(/^\+/, ''))
  .refine((v) => /^\d{7,15}$/.test(v), 'must be an international phone number of 7 to 15 digits, e.g. 41793026727');

export const placeholdersSchema = z.record(
  z.string().max(100).refine((k) => !/[{}]/.test(k), 'placeholder names must not contain curly brackets')
    .refine((k) => k !== 'pin', 'the "pin" placeholder is filled by open2fa; remove it'),
  z.string().max(1000, 'placeholder values must be at most 1000 characters'),
).refine((v) => Object.keys(v).length <= 50, 'at most 50 placeholders');

const id = z.string().trim().min(1, 'must not be empty').max(64, 'must be at most 64 characters');

export const sendPinSchema = z.object({
  applicationId: id, messageId: id, to: phoneNumber, from: z.string().min(1).max(100).optional(),
  placeholders: placeholdersSchema.optional(), trackDelivery: z.boolean().optional(),
});
export const sendEmailPinSchema = z.object({
  applicationId: id, messageId: id, to: emailAddress, from: emailSender.optional(),
  placeholders: placeholdersSchema.optional(), landingPagePlaceholders: placeholdersSchema.optional(), trackDelivery: z.boolean().optional(),
});
export const resendPinSchema = z.object({ placeholders: placeholdersSchema.optional(), trackDelivery: z.boolean().optional() });
export const resendEmailPinSchema = z.object({ placeholders: placeholdersSchema.optional(), landingPagePlaceholders: placeholdersSchema.optional() });
export const verifyPinSchema = z.object({ pin: z.string().trim().min(1, 'must not be empty').max(64) });

const boolQuery = z.enum(['true', 'false'], { error: 'must be true or false' }).transform((v) => v === 'true').optional();
export const verificationsQuerySchema = z.object({
  msisdn: z.string().trim().min(1, 'is required: the phone number or email address to check').max(254).transform((v) => v.replace(/^\+/, '')),
  verified: boolQuery,
  sent: boolQuery,
});

/** A body must be a JSON object; absent bodies count as {} where the endpoint allows it. */
export function bodyOf(raw: unknown, optionalBody = false): unknown {
  if (raw === undefined && optionalBody) return {};
  return raw;
}

/**
 * Extension: email contents (/email/1/contents). Sizes are bounded so one body cannot bloat
 * every delivery row; rules across fields ({{pin}} in text or HTML) are checked after a PUT's
 * merge, in the service. RFC 5322 §2.1.1: a header line is at most 998 characters.
 */
const noLineBreaks = (v: string) => !/[\r\n]/.test(v);
const emailContentFields = {
  name,
  subject: z.string().trim().min(1, 'must not be empty').max(998, 'must be at most 998 characters')
    .refine(noLineBreaks, 'must be one line (no line breaks)'),
  text: z.string().min(1, 'must not be empty').max(20_000, 'must be at most 20000 characters').nullable(),
  html: z.string().min(1, 'must not be empty').max(100_000, 'must be at most 100000 characters').nullable(),
};
export const createEmailContentSchema = z.object({ ...optional(emailContentFields), subject: emailContentFields.subject });
export const updateEmailContentSchema = z.object(optional(emailContentFields));
