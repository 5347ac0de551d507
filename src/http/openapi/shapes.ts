import { z } from 'zod';
import { PIN_TYPES } from '../../domain/pin-code.ts';
import type { JsonSchema } from './json-schema.ts';

/**
 * What the API answers, as zod schemas: turned into the document's `components.schemas` (one
 * place, referenced by every operation), and used by the OpenAPI test to check the documented
 * examples and real answers. Absent fields are omitted, never null (reference §5.2).
 */
const pinType = z.enum(PIN_TYPES).describe('Characters of the PIN: NUMERIC 0-9, HEX 0-9A-F, ALPHA A-Z, ALPHANUMERIC A-Z0-9');
const id = (what: string) => z.string().describe(`${what}: 32 upper-case hex characters`);
const isoTime = (what: string) => z.string().describe(`${what} (ISO 8601, UTC)`);

const ApiError = z.object({
  requestError: z.object({
    serviceException: z.object({
      messageId: z.enum(['BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT', 'TOO_MANY_REQUESTS', 'GENERAL_ERROR', 'SERVICE_UNAVAILABLE'])
        .describe('The kind of error; see the status table of docs/api.md'),
      text: z.string().describe('What went wrong and what to fix'),
      validationErrors: z.record(z.string(), z.array(z.string())).optional()
        .describe('400 only: each invalid field (dotted path, "body" or "query") with what a valid value looks like'),
    }),
  }),
}).describe("Infobip's error envelope: exactly these fields (Infobip's Java client rejects unknown ones)");

const ApplicationConfiguration = z.object({
  pinAttempts: z.number().int().describe('Verification attempts one PIN allows (1–1000); default 10'),
  allowMultiplePinVerifications: z.boolean().describe('true: a verified PIN keeps answering verified until it expires; false: single use. Default true'),
  pinTimeToLive: z.string().describe('How long a PIN is valid, {length}{unit} with units ms s m h d, at most 365d; default "15m"'),
  verifyPinLimit: z.string().describe('Verify requests per destination, {attempts}/{length}{unit}, window at most 1d; default "1/3s"'),
  sendPinPerApplicationLimit: z.string().describe('Sends per application, {attempts}/{length}{unit}, window at most 365d; default "10000/1d"'),
  sendPinPerPhoneNumberLimit: z.string().describe('Sends per destination, {attempts}/{length}{unit}, window at most 365d; default "3/1d"'),
}).describe("An application's limits and PIN rules; every field is filled in answers");

const Application = z.object({
  applicationId: id('Application id'),
  name: z.string(),
  configuration: ApplicationConfiguration,
  enabled: z.boolean().describe('PINs are only sent while enabled'),
  notifyUrl: z.string().optional().describe('Extension: where delivery reports of sends with trackDelivery are POSTed'),
  webhookSecret: z.string().optional().describe('Extension: the key that signs those reports (present with notifyUrl)'),
});

const MessageTemplate = z.object({
  messageId: id('Template id'),
  applicationId: id('Application id'),
  pinPlaceholder: z.literal('{{pin}}'),
  messageText: z.string().describe('The text around the PIN; {{name}} placeholders are filled from the send'),
  pinLength: z.number().int(),
  pinType,
  language: z.string().optional().describe('Text-to-speech language of voice calls, underscore spelling (pt_br)'),
  voiceName: z.string().optional(),
  senderId: z.string().optional(),
  repeatDTMF: z.string().optional(),
  speechRate: z.number().optional(),
  regional: z.object({ indiaDlt: z.object({ principalEntityId: z.string(), contentTemplateId: z.string().optional(), teleMarketerId: z.string().optional() }).optional() }).optional(),
}).describe('An SMS/voice template');

const EmailMessageTemplate = z.object({
  messageId: id('Template id'),
  applicationId: id('Application id'),
  pinLength: z.number().int(),
  pinType,
  from: z.string().optional(),
  emailTemplateId: z.number().int().describe('The email content (GET /email/1/contents/{id}) sends use'),
  landingPageId: z.string().optional(),
}).describe('An email template');

const Message = z.union([MessageTemplate, EmailMessageTemplate]).describe('A template of either kind: email templates have emailTemplateId');

const StartAuthenticationResponse = z.object({
  pinId: id('PIN id, for resend and verify'),
  to: z.string().describe('The destination, digits only'),
  ncStatus: z.enum(['NC_DESTINATION_UNKNOWN', 'NC_DESTINATION_REACHABLE', 'NC_DESTINATION_NOT_REACHABLE', 'NC_NOT_CONFIGURED']).optional()
    .describe('SMS only, omitted with ncNeeded=false: the number lookup; NOT_REACHABLE sends nothing'),
  smsStatus: z.enum(['MESSAGE_SENT', 'MESSAGE_NOT_SENT']).optional().describe('SMS only'),
  callStatus: z.string().optional().describe('Voice only: PROCESSING, or a final status when the call is refused before dialing'),
  externalMessageId: z.string().optional().describe('With trackDelivery: true, the UUID delivery reports carry'),
});

const StartEmailAuthenticationResponse = z.object({
  pinId: id('PIN id, for resend and verify'),
  to: z.string().describe('The address'),
  emailStatus: z.object({ name: z.string(), description: z.string() })
    .describe('PENDING_ACCEPTED, or REJECTED_DESTINATION for an address that opted out (nothing is sent)'),
  externalMessageId: z.string().optional(),
});

const VerifyPinResponse = z.object({
  pinId: id('PIN id'),
  msisdn: z.string().describe('Where the PIN went (the address for email PINs)'),
  verified: z.boolean(),
  attemptsRemaining: z.number().int().describe('pinAttempts minus the attempts made; 0 for a single-use PIN once verified'),
  pinError: z.enum(['WRONG_PIN', 'TTL_EXPIRED', 'NO_MORE_PIN_ATTEMPTS', 'PIN_ALREADY_VERIFIED']).optional()
    .describe('Why verification failed; absent when verified'),
});

const VerificationResponse = z.object({
  verifications: z.array(z.object({
    msisdn: z.string(),
    verified: z.boolean(),
    verifiedAt: z.number().int().optional().describe('Epoch milliseconds; omitted while not verified'),
    sentAt: z.number().int().describe('Epoch milliseconds the send was accepted'),
  })).describe('One entry per PIN sent to msisdn in the application, newest first, at most 1000'),
});

const Delivery = z.object({
  deliveryId: id('Delivery id'),
  channel: z.enum(['sms', 'voice', 'email']),
  to: z.string(),
  from: z.string().optional(),
  status: z.string().describe('The channel status (repeated as callStatus, smsStatus or emailStatus)'),
  callStatus: z.string().optional(),
  smsStatus: z.string().optional(),
  emailStatus: z.string().optional(),
  final: z.boolean().describe('true once the status will not change'),
  attempts: z.number().int(),
  resultCode: z.string().optional(),
  detail: z.string().optional(),
  acceptedAt: isoTime('Accepted').optional(),
  ringingAt: isoTime('Voice: ringing').optional(),
  answeredAt: isoTime('Voice: answered').optional(),
  endedAt: isoTime('Ended').optional(),
  dtmfRepeats: z.number().int().optional(),
  answeringMachine: z.string().optional(),
  price: z.number().optional(),
  externalMessageId: z.string().optional(),
  providerMessageId: z.string().optional(),
});

const PinStatus = z.object({
  pinId: id('PIN id'), applicationId: id('Application id'), messageId: id('Template id'), to: z.string(),
  createdAt: isoTime('Sent'), expiresAt: isoTime('Expires'), verified: z.boolean(), attemptsRemaining: z.number().int(),
  deliveries: z.array(Delivery).describe('Every delivery attempt: the first send and each resend'),
});

const SandboxMessages = z.object({
  messages: z.array(z.object({
    pinId: z.string(), deliveryId: z.string(), channel: z.enum(['sms', 'voice', 'email']), to: z.string(), from: z.string().optional(),
    subject: z.string().optional(), text: z.string().describe('What the person reads or hears, PIN included'), html: z.string().optional(),
    voice: z.object({ language: z.string(), voiceName: z.string(), speechRate: z.number(), repeatDTMF: z.string().optional() }).optional(),
    status: z.string(), createdAt: isoTime('Captured'),
    audioUrl: z.string().optional().describe('Voice: a signed link to the WAV of the call'),
  })).describe('Newest first'),
});

const Voices = z.object({
  voices: z.array(z.object({
    name: z.string(), gender: z.enum(['female', 'male']), supplier: z.string(),
    ssmlSupported: z.boolean(), isDefault: z.boolean(), isNeural: z.boolean(),
  })),
});

const EmailContent = z.object({
  id: z.number().int().describe('Numbered per account (1, 2, …); the emailTemplateId of email templates'),
  name: z.string().optional(), subject: z.string(), text: z.string().optional(), html: z.string().optional(),
  createdAt: isoTime('Created'), updatedAt: isoTime('Updated'),
});

/** Every component, by the name the document gives it. */
export const shapes = {
  ApiError, Application, ApplicationConfiguration, MessageTemplate, EmailMessageTemplate, Message,
  StartAuthenticationResponse, StartEmailAuthenticationResponse, VerifyPinResponse, VerificationResponse,
  Delivery, PinStatus, SandboxMessages, Voices, EmailContent,
} satisfies Record<string, z.ZodType>;
export type ShapeName = keyof typeof shapes;

/** The shapes as Fastify shared schemas (`$id` = name, referenced as `Name#`). */
export function componentSchemas(): JsonSchema[] {
  const registry = z.registry<{ id: string }>();
  for (const [name, schema] of Object.entries(shapes)) registry.add(schema, { id: name });
  const { schemas } = z.toJSONSchema(registry, { io: 'input', uri: (name) => `${name}#` });
  return Object.entries(schemas).map(([name, { $schema: _dialect, ...schema }]) => ({ ...schema, $id: name }));
}
