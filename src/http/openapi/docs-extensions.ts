import { z } from 'zod';
import { createEmailContentSchema, updateEmailContentSchema } from '../schemas.ts';
import { operation, type FieldDocs, type JsonSchema, type ParamDoc } from './json-schema.ts';
import { BODY_ERRORS, errors, listOf, ok } from './responses.ts';

/** open2fa's own endpoints: sandbox, voices, email contents, the opt-out page, health. */

const html = (description: string): JsonSchema => ({ description, content: { 'text/html': { schema: { type: 'string' } } } });

export const sandboxDocs = {
  /** `query` is the route's own schema (sandbox-and-voices.ts). */
  messages: (query: z.ZodType) => operation({
    operationId: 'get-sandbox-messages', tags: ['Sandbox'], summary: 'Sandbox inbox (extension)',
    description: '*Extension.* What a phone or inbox would have received from the sandbox channels, PIN included, newest first. Voice entries of answered calls carry a signed `audioUrl`. See docs/sandbox.md.',
    querystring: {
      schema: query, examples: { to: '41793026727', limit: 10 },
      fields: { to: 'The phone number (7–15 digits, a leading + is stripped) or email address the PINs were sent to', limit: 'At most this many entries, 1–500' },
    },
    responses: {
      200: ok('SandboxMessages', 'The captured messages', { sms: { summary: 'An SMS', value: { messages: [{
        pinId: '9C817C6F8AF3D48F9FE553282AFA2B67', deliveryId: 'B1C2D3E4F5A6B7C8D9E0F1A2B3C4D5E6', channel: 'sms', to: '41793026727', from: 'InfoSMS',
        text: 'Your pin is 4829', status: 'DELIVERED_TO_HANDSET', createdAt: '2026-01-01T10:00:00.000Z',
      }] } } }),
      ...errors(400),
    },
  }),
  audio: operation({
    operationId: 'get-sandbox-audio', tags: ['Sandbox'], summary: 'Audio of a sandbox call (extension)',
    description: '*Extension.* The WAV of exactly what a sandbox voice call played. Take the link from `audioUrl` of GET /sandbox/1/messages: it carries a signed token, so an `<audio>` element can play it without an API key.',
    params: { file: { description: 'The delivery id with .wav', example: 'B1C2D3E4F5A6B7C8D9E0F1A2B3C4D5E6.wav' } },
    querystring: { schema: z.object({ token: z.string().optional() }), fields: { token: 'The signed token of the audioUrl' }, examples: { token: '0f1e2d3c4b5a69788796a5b4c3d2e1f0' } },
    responses: {
      200: { description: 'The recording, 16-bit PCM', content: { 'audio/wav': { schema: { type: 'string', format: 'binary' } } } },
      ...errors(401, 404),
    },
  }),
};

export const voiceDocs = {
  list: operation({
    operationId: 'get-voices', tags: ['Voices'], summary: 'Voices of a language',
    description: "Infobip's Voice API shape. The first voice of each language is its default; a template's `voiceName` must be one of these.",
    params: { language: { description: 'A template language; hyphens (pt-br) accepted', example: 'en' } },
    querystring: { schema: z.object({ includeNeural: z.string().optional() }), fields: { includeNeural: "Accepted for Infobip's clients; there are no neural voices" } },
    responses: {
      200: ok('Voices', 'The voices', { en: { summary: 'English', value: { voices: [{ name: 'Joanna', gender: 'female', supplier: 'CMU Flite', ssmlSupported: false, isDefault: true, isNeural: false }] } } }),
      ...errors(400),
    },
  }),
};

const contentFields: FieldDocs = {
  name: 'A name for you, 1–255 characters',
  subject: 'One line, at most 998 characters; {{name}} placeholders allowed',
  text: 'Plain-text body, at most 20000 characters; null removes it. The text or the HTML must contain {{pin}}',
  html: 'HTML body, at most 100000 characters; null removes it. Placeholder values are HTML-escaped in it',
};
const content = { id: 1, name: 'Sign-in code', subject: 'Your code for Example', text: 'Hello {{firstName}}, your code is {{pin}}.', html: '<p>Hello {{firstName}}, your code is <b>{{pin}}</b>.</p>', createdAt: '2026-01-01T10:00:00.000Z', updatedAt: '2026-01-01T10:00:00.000Z' };
const contentId: Record<string, ParamDoc> = { id: { description: 'Content id, a positive integer', example: '1', pattern: '^[0-9]{1,15}$' } };
const contentTags = ['Email contents'];

export const emailContentDocs = {
  list: operation({
    operationId: 'get-email-contents', tags: contentTags, summary: 'List email contents (extension)',
    description: "*Extension.* The email bodies of the key's account. An email template's `emailTemplateId` names one; a send whose id has no content uses a built-in default body.",
    responses: { 200: listOf('EmailContent', 'The contents', { one: { summary: 'One content', value: [content] } }), ...errors() },
  }),
  create: operation({
    operationId: 'create-email-content', tags: contentTags, summary: 'Create an email content (extension)',
    description: '*Extension.* A subject and a text and/or HTML body with {{pin}}. Ids are numbered per account (1, 2, …).',
    body: { schema: createEmailContentSchema, description: 'The content', fields: contentFields, examples: { both: { summary: 'Text and HTML', value: { name: content.name, subject: content.subject, text: content.text, html: content.html } } } },
    responses: { 200: ok('EmailContent', 'The new content', { created: { summary: 'Created', value: content } }), ...errors(...BODY_ERRORS) },
  }),
  get: operation({
    operationId: 'get-email-content', tags: contentTags, summary: 'Get an email content (extension)', description: '*Extension.* One email content.',
    params: contentId,
    responses: { 200: ok('EmailContent', 'The content', { found: { summary: 'A content', value: content } }), ...errors(404) },
  }),
  update: operation({
    operationId: 'update-email-content', tags: contentTags, summary: 'Update an email content (extension)',
    description: '*Extension.* A merge: absent fields keep their values; null removes a body. The result must still contain {{pin}}.',
    params: contentId,
    body: { schema: updateEmailContentSchema, description: 'The fields to change', fields: contentFields, examples: { subject: { summary: 'New subject', value: { subject: 'Your Example code' } }, textOnly: { summary: 'Drop the HTML body', value: { html: null } } } },
    responses: { 200: ok('EmailContent', 'The content after the change', { updated: { summary: 'Updated', value: { ...content, subject: 'Your Example code' } } }), ...errors(...BODY_ERRORS, 404) },
  }),
};

const token: Record<string, ParamDoc> = { token: { description: 'The token of the link in the email (it may contain /)', example: 'eyJhIjoiMSJ9.c2lnbmF0dXJl' } };
const optOutResponses = { 200: html('An HTML page for the person'), 400: html('The link is not valid: an HTML page saying so; nothing was changed'), ...errors() };

export const optOutDocs = {
  show: operation({
    operationId: 'get-email-optout-page', tags: ['Email opt-out'], summary: 'Opt-out page (extension)',
    description: '*Extension.* The page behind the unsubscribe link of every PIN email: shows the address and a confirm button. Changes nothing (mail scanners fetch links nobody clicked). No API key.',
    params: token, responses: optOutResponses,
  }),
  confirm: operation({
    operationId: 'confirm-email-optout', tags: ['Email opt-out'], summary: 'Confirm the opt-out (extension)',
    description: "*Extension.* Records the opt-out: the page's button, or a mailbox provider's RFC 8058 one-click POST (form-urlencoded or multipart; the body is not needed). Later email sends to the address answer REJECTED_DESTINATION and send nothing. No API key.",
    params: token, responses: optOutResponses,
  }),
};

export const healthDocs = {
  healthz: operation({
    operationId: 'get-healthz', tags: ['Operations'], summary: 'Liveness',
    description: 'Answers 200 while the process serves HTTP. No API key.',
    responses: { 200: { description: 'Alive', type: 'object', properties: { status: { type: 'string', enum: ['ok'] } }, required: ['status'], 'x-examples': { ok: { summary: 'Alive', value: { status: 'ok' } } } } },
  }),
};
