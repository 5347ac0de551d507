import { LANGUAGES } from '../../domain/languages.ts';
import {
  createApplicationSchema, createEmailTemplateSchema, createMessageTemplateSchema, updateApplicationSchema,
  updateEmailTemplateSchema, updateMessageTemplateSchema,
} from '../schemas.ts';
import { operation, type FieldDocs, type ParamDoc } from './json-schema.ts';
import { BODY_ERRORS, errors, listOf, ok } from './responses.ts';

/** Infobip endpoints 1–10: applications and templates (reference §4–§6). */

const APP_ID = '0933F3BC087D2A617AC6DCB2EF5B8A61';
const MSG_ID = '16A8B5FE2BCD6CA716A2D780CB3F3390';
const appId: Record<string, ParamDoc> = { appId: { description: 'Application id', example: APP_ID } };
const msgIds: Record<string, ParamDoc> = { ...appId, msgId: { description: 'Template id', example: MSG_ID } };

const time = '{length}{unit}, units ms s m h d, length optional (default 1); echoed as sent';
const limit = '{attempts}/{length}{unit}, units ms s m h d; an anchored window';
const applicationFields: FieldDocs = {
  name: 'Application name, 1–255 characters',
  enabled: { description: 'PINs are only sent while enabled', default: true },
  configuration: 'Missing fields take their defaults (create) or keep their values (update)',
  'configuration.pinAttempts': { description: 'Verification attempts one PIN allows', default: 10 },
  'configuration.allowMultiplePinVerifications': { description: 'true: a verified PIN keeps answering verified until it expires; false: single use', default: true },
  'configuration.pinTimeToLive': { description: `How long a PIN is valid, at most 365d. ${time}`, default: '15m' },
  'configuration.verifyPinLimit': { description: `Verify requests per destination, window at most 1d. ${limit}`, default: '1/3s' },
  'configuration.sendPinPerApplicationLimit': { description: `Sends per application, window at most 365d. ${limit}`, default: '10000/1d' },
  'configuration.sendPinPerPhoneNumberLimit': { description: `Sends per destination, window at most 365d. ${limit}`, default: '3/1d' },
  notifyUrl: 'Extension: http(s) URL that receives signed delivery reports of sends with trackDelivery: true; null removes it',
};
const configuration = { pinAttempts: 5, allowMultiplePinVerifications: true, pinTimeToLive: '10m', verifyPinLimit: '2/4s', sendPinPerApplicationLimit: '5000/12h', sendPinPerPhoneNumberLimit: '2/1d' };
const application = { applicationId: APP_ID, name: '2fa application name', configuration, enabled: true };

export const applicationDocs = {
  list: operation({
    operationId: 'get-2fa-applications', tags: ['Applications'], summary: 'List applications',
    description: "All applications of the key's account.",
    responses: { 200: listOf('Application', 'The applications', { list: { summary: 'One application', value: [application] } }), ...errors() },
  }),
  create: operation({
    operationId: 'create-2fa-application', tags: ['Applications'], summary: 'Create an application',
    description: "Answers **200** (Infobip's clients expect 200; Infobip's document says 201). Only `name` is required.",
    body: {
      schema: createApplicationSchema, description: 'The application', fields: applicationFields,
      examples: {
        infobip: { summary: "Infobip's example", value: { name: '2fa application name', enabled: true, configuration } },
        minimal: { summary: 'Name only: every default', value: { name: 'Sign-in' } },
      },
    },
    responses: { 200: ok('Application', 'The new application', { created: { summary: 'Created', value: application } }), ...errors(...BODY_ERRORS) },
  }),
  get: operation({
    operationId: 'get-2fa-application', tags: ['Applications'], summary: 'Get an application', description: 'One application, with every configuration field filled.',
    params: appId,
    responses: { 200: ok('Application', 'The application', { found: { summary: 'An application', value: application } }), ...errors(404) },
  }),
  update: operation({
    operationId: 'update-2fa-application', tags: ['Applications'], summary: 'Update an application',
    description: 'A merge: absent fields keep their values, `name` is optional.',
    params: appId,
    body: {
      schema: updateApplicationSchema, description: 'The fields to change', fields: applicationFields,
      examples: { limits: { summary: 'Change one limit', value: { configuration: { pinAttempts: 3 } } }, disable: { summary: 'Disable', value: { enabled: false } } },
    },
    responses: { 200: ok('Application', 'The application after the change', { updated: { summary: 'Updated', value: application } }), ...errors(...BODY_ERRORS, 404) },
  }),
};

const languages = `One of ${LANGUAGES.join(', ')}; hyphens (pt-br) accepted, answered with _`;
const templateFields: FieldDocs = {
  pinType: 'NUMERIC, ALPHA, HEX or ALPHANUMERIC; generated letters are upper-case and verification ignores case',
  messageText: 'At most 2000 characters, must contain {{pin}}; other {{name}} placeholders are filled from the send',
  pinLength: { description: 'PIN length, 1–16', default: 4 },
  language: { description: `Text-to-speech language of voice calls. ${languages}`, default: 'en' },
  voiceName: 'A voice of GET /tts/3/voices/{language} (matched without case); default: the language\'s default voice',
  repeatDTMF: 'Voice: 1 to 8 keys (0-9, *, #, A-D) that replay the message, e.g. "1#"',
  speechRate: { description: 'Voice: speech speed, 0.5–2', default: 1 },
  senderId: 'SMS sender (alphanumeric up to 11 characters or numeric up to 15 digits); a numeric one is also the caller ID of voice calls',
  'regional.indiaDlt': 'DLT data for SMS to Indian numbers',
};
const smsTemplate = { pinType: 'NUMERIC', messageText: 'Your pin is {{pin}}', pinLength: 4, language: 'en', voiceName: 'Joanna', senderId: 'Infobip 2FA', repeatDTMF: '1#', speechRate: 1 };
const storedTemplate = { messageId: MSG_ID, applicationId: APP_ID, pinPlaceholder: '{{pin}}', ...smsTemplate };
const emailFields: FieldDocs = {
  emailTemplateId: 'The email content (POST /email/1/contents) to send; without stored content, a built-in default body',
  from: 'Sender: "company@example.com" or "Jane Smith <jane.smith@example.com>"',
  landingPageId: 'Opt-out landing page id (stored and echoed; every email links to open2fa\'s own opt-out page)',
  pinLength: { description: 'PIN length, 1–16', default: 4 },
  pinType: { description: 'NUMERIC, ALPHA, HEX or ALPHANUMERIC', default: 'NUMERIC' },
};
const emailTemplate = { pinType: 'NUMERIC', pinLength: 4, from: 'company@example.com', emailTemplateId: 1234, landingPageId: '1_23456' };
const storedEmail = { messageId: MSG_ID, applicationId: APP_ID, ...emailTemplate };

export const templateDocs = {
  list: operation({
    operationId: 'get-2fa-message-templates', tags: ['Message templates'], summary: 'List templates',
    description: 'The SMS/voice **and** email templates of an application.', params: appId,
    responses: { 200: listOf('Message', 'The templates', { both: { summary: 'One of each kind', value: [storedTemplate, storedEmail] } }), ...errors(404) },
  }),
  create: operation({
    operationId: 'create-2fa-message-template', tags: ['Message templates'], summary: 'Create an SMS/voice template',
    description: 'The text around the PIN and the PIN shape; the voice fields apply to calls. `pinType` and `messageText` are required.',
    params: appId,
    body: {
      schema: createMessageTemplateSchema, description: 'The template', fields: templateFields,
      examples: {
        infobip: { summary: "Infobip's example", value: smsTemplate },
        placeholders: { summary: 'With a placeholder', value: { pinType: 'NUMERIC', messageText: 'Hello {{firstName}}, your pin is {{pin}}', pinLength: 6 } },
      },
    },
    responses: { 200: ok('MessageTemplate', 'The new template', { created: { summary: 'Created', value: storedTemplate } }), ...errors(...BODY_ERRORS, 404) },
  }),
  get: operation({
    operationId: 'get-2fa-message-template', tags: ['Message templates'], summary: 'Get a template', description: 'One template of either kind.',
    params: msgIds,
    responses: { 200: ok('Message', 'The template', { sms: { summary: 'SMS/voice', value: storedTemplate }, email: { summary: 'Email', value: storedEmail } }), ...errors(404) },
  }),
  update: operation({
    operationId: 'update-2fa-message-template', tags: ['Message templates'], summary: 'Update an SMS/voice template',
    description: 'A merge: absent fields keep their values.', params: msgIds,
    body: { schema: updateMessageTemplateSchema, description: 'The fields to change', fields: templateFields, examples: { length: { summary: 'Longer PINs', value: { pinType: 'ALPHANUMERIC', pinLength: 6 } } } },
    responses: { 200: ok('MessageTemplate', 'The template after the change', { updated: { summary: 'Updated', value: { ...storedTemplate, pinType: 'ALPHANUMERIC', pinLength: 6 } } }), ...errors(...BODY_ERRORS, 404) },
  }),
  createEmail: operation({
    operationId: 'create-2fa-email-message-template', tags: ['Message templates'], summary: 'Create an email template',
    description: 'Which email content to send and the PIN shape. Only `emailTemplateId` is required.', params: appId,
    body: { schema: createEmailTemplateSchema, description: 'The template', fields: emailFields, examples: { infobip: { summary: "Infobip's example", value: emailTemplate } } },
    responses: { 200: ok('EmailMessageTemplate', 'The new template', { created: { summary: 'Created', value: storedEmail } }), ...errors(...BODY_ERRORS, 404) },
  }),
  updateEmail: operation({
    operationId: 'update-2fa-email-message-template', tags: ['Message templates'], summary: 'Update an email template',
    description: 'A merge: absent fields keep their values.', params: msgIds,
    body: { schema: updateEmailTemplateSchema, description: 'The fields to change', fields: emailFields, examples: { infobip: { summary: "Infobip's example", value: { ...emailTemplate, pinType: 'ALPHANUMERIC', pinLength: 6 } } } },
    responses: { 200: ok('EmailMessageTemplate', 'The template after the change', { updated: { summary: 'Updated', value: { ...storedEmail, pinType: 'ALPHANUMERIC', pinLength: 6 } } }), ...errors(...BODY_ERRORS, 404) },
  }),
};
