import { z } from 'zod';
import {
  resendEmailPinSchema, resendPinSchema, sendEmailPinSchema, sendPinSchema, verificationsQuerySchema, verifyPinSchema,
} from '../schemas.ts';
import { operation, type FieldDocs, type ParamDoc } from './json-schema.ts';
import { BODY_ERRORS, errors, ok } from './responses.ts';

/** Infobip endpoints 11–18 (reference §7, §9) and the PIN status extension. */

const PIN_ID = '9C817C6F8AF3D48F9FE553282AFA2B67';
const pinId: Record<string, ParamDoc> = { pinId: { description: 'PIN id, from the send answer', example: PIN_ID } };
const idempotency: Record<string, ParamDoc> = {
  'Idempotency-Key': {
    description: 'Optional, 1–255 visible ASCII characters. Within 24 h the same key with the same request answers the first answer again and sends nothing; with another request, 409',
    example: '3f1c9a6e-7b2d-4c1a-9e0f-5a8b7c6d5e4f',
  },
};

const placeholders = 'Values of the {{name}} placeholders of the text (names without { }, not "pin"); every placeholder of the text needs one';
const sendFields: FieldDocs = {
  applicationId: 'Application id', messageId: 'Template id',
  to: 'International number, 7–15 digits; a leading + is accepted and stripped',
  from: 'SMS: sender, alphanumeric up to 11 characters or numeric up to 15 digits (default: the template\'s senderId). Voice: a numeric caller ID',
  placeholders,
  trackDelivery: { description: 'Adds externalMessageId and POSTs delivery reports to the application\'s notifyUrl', default: false },
};
const emailSendFields: FieldDocs = {
  applicationId: 'Application id', messageId: 'Email template id', to: 'Email address',
  from: 'Sender, overrides the template\'s: "company@example.com" or "Jane Smith <jane.smith@example.com>"',
  placeholders, landingPagePlaceholders: 'Values for the opt-out landing page (accepted and kept)',
  trackDelivery: { description: 'Adds externalMessageId and POSTs delivery reports to the application\'s notifyUrl', default: false },
};
const resendFields: FieldDocs = { placeholders: `${placeholders}; override the ones of the first send`, trackDelivery: { description: 'As on send', default: false } };

const smsSend = { applicationId: '0933F3BC087D2A617AC6DCB2EF5B8A61', messageId: '16A8B5FE2BCD6CA716A2D780CB3F3390', from: 'InfoSMS', to: '41793026727', placeholders: { firstName: 'John' } };
const smsAnswer = { pinId: PIN_ID, to: '41793026727', ncStatus: 'NC_DESTINATION_UNKNOWN', smsStatus: 'MESSAGE_SENT' };
const voiceAnswer = { pinId: PIN_ID, to: '41793026727', callStatus: 'PROCESSING' };
const emailAnswer = { pinId: PIN_ID, to: 'john.smith@example.com', emailStatus: { name: 'PENDING_ACCEPTED', description: 'Message accepted, pending for delivery.' } };
const emailSend = { ...smsSend, from: 'Jane Smith <jane.smith@example.com>', to: 'john.smith@example.com', landingPagePlaceholders: { name: 'John' } };

/** `ncNeeded` is read in the handler (any value but "false" means true, the Node SDK sends "undefined"). */
const ncNeededQuery = z.object({ ncNeeded: z.string().optional() });
const SEND_ERRORS = [...BODY_ERRORS, 404, 409, 429] as const;
const sendAnswer = 'Answered at once, after the PIN and its delivery job are committed; the delivery runs in the background (GET /2fa/2/pin/{pinId}/status)';

export const sendDocs = {
  sms: operation({
    operationId: 'send-2fa-pin-code-over-sms', tags: ['PIN sending'], summary: 'Send a PIN over SMS',
    description: `Creates a PIN and sends it by SMS. ${sendAnswer}. With the number lookup's NC_DESTINATION_NOT_REACHABLE nothing is sent (smsStatus MESSAGE_NOT_SENT).`,
    headers: idempotency,
    querystring: {
      schema: ncNeededQuery, examples: { ncNeeded: 'false' },
      fields: { ncNeeded: { description: 'Run the number lookup first (ncStatus). Any value but "false" means true', default: 'true' } },
    },
    body: { schema: sendPinSchema, description: 'Where and with which template', fields: sendFields, examples: { infobip: { summary: "Infobip's example (with a valid sender)", value: smsSend }, minimal: { summary: 'Required fields', value: { applicationId: smsSend.applicationId, messageId: smsSend.messageId, to: '+41793026727' } } } },
    responses: { 200: ok('StartAuthenticationResponse', 'The PIN was created', { sent: { summary: 'Sent', value: smsAnswer }, tracked: { summary: 'With trackDelivery', value: { ...smsAnswer, externalMessageId: '32ddd1a1-9ace-4b99-95c0-add44c3363af' } } }), ...errors(...SEND_ERRORS) },
  }),
  voice: operation({
    operationId: 'send-2fa-pin-code-over-voice', tags: ['PIN sending'], summary: 'Send a PIN over voice',
    description: `Creates a PIN and calls the number; text-to-speech reads the template's text with the template's language, voice, speech rate and repeat key. ${sendAnswer}. A call refused before dialing answers its final status at once (ERROR_ROUTE_NOT_AVAILABLE, ERROR_NOT_ENOUGH_CREDITS, ERROR_NETWORK_NOT_AVAILABLE).`,
    headers: idempotency,
    body: { schema: sendPinSchema, description: 'Where and with which template', fields: sendFields, examples: { voice: { summary: 'A call', value: { ...smsSend, from: '41441234567' } } } },
    responses: { 200: ok('StartAuthenticationResponse', 'The PIN was created', { calling: { summary: 'Calling', value: voiceAnswer } }), ...errors(...SEND_ERRORS) },
  }),
  email: operation({
    operationId: 'send-2fa-pin-code-over-email', tags: ['PIN sending'], summary: 'Send a PIN over email',
    description: `Creates a PIN and emails it with the template's email content. ${sendAnswer}. An address that opted out answers emailStatus REJECTED_DESTINATION and nothing is sent.`,
    headers: idempotency,
    body: { schema: sendEmailPinSchema, description: 'Where and with which template', fields: emailSendFields, examples: { infobip: { summary: "Infobip's example", value: emailSend } } },
    responses: { 200: ok('StartEmailAuthenticationResponse', 'The PIN was created', { accepted: { summary: 'Accepted', value: emailAnswer } }), ...errors(...SEND_ERRORS) },
  }),
};

const resendText = 'The same PIN and pinId; the TTL is not extended and the resend counts toward both send limits. Resending an expired PIN, or a single-use PIN already verified, is a 400';
const resendBody = (schema: z.ZodType, fields: FieldDocs, value: unknown) => ({
  schema, fields, optional: true, description: 'Optional: no body and {} are the same',
  examples: { placeholders: { summary: 'New placeholder values', value }, empty: { summary: 'Nothing to change', value: {} } },
});

export const resendDocs = {
  sms: operation({
    operationId: 'resend-2fa-pin-code-over-sms', tags: ['PIN sending'], summary: 'Resend a PIN over SMS',
    description: `${resendText}. A PIN first sent by voice may be resent by SMS.`, params: pinId, headers: idempotency,
    body: resendBody(resendPinSchema, resendFields, { placeholders: { firstName: 'John' } }),
    responses: { 200: ok('StartAuthenticationResponse', 'Resent', { sent: { summary: 'Sent', value: smsAnswer } }), ...errors(...SEND_ERRORS) },
  }),
  voice: operation({
    operationId: 'resend-2fa-pin-code-over-voice', tags: ['PIN sending'], summary: 'Resend a PIN over voice',
    description: `${resendText}. A PIN first sent by SMS may be resent by voice.`, params: pinId, headers: idempotency,
    body: resendBody(resendPinSchema, resendFields, { placeholders: { firstName: 'Doe' } }),
    responses: { 200: ok('StartAuthenticationResponse', 'Resent', { calling: { summary: 'Calling', value: voiceAnswer } }), ...errors(...SEND_ERRORS) },
  }),
  email: operation({
    operationId: 'resend-2fa-pin-code-over-email', tags: ['PIN sending'], summary: 'Resend a PIN over email',
    description: `${resendText}. Only email PINs can be resent by email.`, params: pinId, headers: idempotency,
    body: resendBody(resendEmailPinSchema, { placeholders: resendFields.placeholders as string, landingPagePlaceholders: 'As on send' }, { placeholders: { firstName: 'John' } }),
    responses: { 200: ok('StartEmailAuthenticationResponse', 'Resent', { accepted: { summary: 'Accepted', value: emailAnswer } }), ...errors(...SEND_ERRORS) },
  }),
};

export const verifyDocs = {
  verify: operation({
    operationId: 'verify-2fa-phone-number', tags: ['PIN verification'], summary: 'Verify a PIN',
    description: 'Every request uses one attempt, right or wrong, taken atomically before the comparison. A wrong, expired or used-up PIN is a **200** with `verified: false` and `pinError`, not an error; an unknown pinId is a 404.',
    params: pinId,
    body: { schema: verifyPinSchema, description: 'What the person typed', fields: { pin: 'The PIN, case-insensitive' }, examples: { pin: { summary: 'A PIN', value: { pin: '1598' } } } },
    responses: {
      200: ok('VerifyPinResponse', 'The outcome', {
        verified: { summary: 'Correct', value: { pinId: PIN_ID, msisdn: '41793026727', verified: true, attemptsRemaining: 0 } },
        wrong: { summary: 'Wrong PIN', value: { pinId: PIN_ID, msisdn: '41793026727', verified: false, attemptsRemaining: 2, pinError: 'WRONG_PIN' } },
      }),
      ...errors(...BODY_ERRORS, 404, 429),
    },
  }),
  verifications: operation({
    operationId: 'get-2fa-verification-status', tags: ['PIN verification'], summary: 'Verification status',
    description: 'Whether a phone number (or email address) was verified in an application: one entry per PIN sent to it, newest first.',
    params: { appId: { description: 'Application id', example: '0933F3BC087D2A617AC6DCB2EF5B8A61' } },
    querystring: {
      schema: verificationsQuerySchema, examples: { msisdn: '41793026727', verified: 'true' },
      fields: { msisdn: 'Phone number (a leading + is stripped) or email address', verified: 'Only entries with this state', sent: 'Only entries whose delivery did (true) or did not yet (false) reach the person' },
    },
    responses: {
      200: ok('VerificationResponse', 'The entries', { two: { summary: 'A verified and an older unverified PIN', value: { verifications: [
        { msisdn: '41793026727', verified: true, verifiedAt: 1418364366000, sentAt: 1418364246000 },
        { msisdn: '41793026727', verified: false, sentAt: 1418333246000 },
      ] } } }),
      ...errors(400, 404),
    },
  }),
  status: operation({
    operationId: 'get-2fa-pin-status', tags: ['PIN verification'], summary: 'PIN and delivery status (extension)',
    description: '*Extension.* The PIN and every delivery attempt of it: channel, status (`callStatus`, `smsStatus` or `emailStatus`), timings, result code. `final: true` once a status will not change.',
    params: pinId,
    responses: {
      200: ok('PinStatus', 'The PIN and its deliveries', { voice: { summary: 'An answered call', value: {
        pinId: PIN_ID, applicationId: '0933F3BC087D2A617AC6DCB2EF5B8A61', messageId: '16A8B5FE2BCD6CA716A2D780CB3F3390', to: '41793026727',
        createdAt: '2026-01-01T10:00:00.000Z', expiresAt: '2026-01-01T10:15:00.000Z', verified: false, attemptsRemaining: 10,
        deliveries: [{ deliveryId: 'B1C2D3E4F5A6B7C8D9E0F1A2B3C4D5E6', channel: 'voice', to: '41793026727', from: '41441234567', status: 'PROCESSED', callStatus: 'PROCESSED',
          final: true, attempts: 1, resultCode: 'SIP 200', acceptedAt: '2026-01-01T10:00:00.000Z', answeredAt: '2026-01-01T10:00:06.000Z', endedAt: '2026-01-01T10:00:21.000Z', dtmfRepeats: 1, answeringMachine: 'HUMAN', price: 0.02 }],
      } } }),
      ...errors(404),
    },
  }),
};
