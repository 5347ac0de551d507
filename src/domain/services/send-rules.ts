import type { Medium } from '../../channels/contract.ts';
import { DomainError } from '../errors.ts';
import { DEFAULT_LANGUAGE, normalizeLanguage } from '../languages.ts';
import { type RenderResult, renderParts } from '../message-render.ts';
import type { DeliveryContent, TemplateRecord } from '../records.ts';
import { defaultVoice, findVoice } from '../voice-catalog.ts';

/** Pure rules of a send: who it comes from, what it says. No I/O. */

const NUMERIC = /^\+?\d{1,15}$/;
const ALPHANUMERIC = /^[A-Za-z0-9 .&_-]{1,11}$/;

export const isNumericSender = (value: string | undefined): value is string => value !== undefined && NUMERIC.test(value);

/** SMS sender (decisions #18): alphanumeric up to 11 characters or numeric up to 15 digits. */
export function checkSmsSender(from: string): string | undefined {
  if (NUMERIC.test(from) || ALPHANUMERIC.test(from)) return undefined;
  return 'must be alphanumeric (letters, digits, space . & _ -) up to 11 characters, or numeric up to 15 digits';
}

/**
 * Voice caller ID, the seed's rule (decisions #8): `from` if numeric, else the template's
 * senderId if numeric, else undefined so the route's default caller ID is used.
 */
export function voiceCallerId(from: string | undefined, senderId: string | undefined): string | undefined {
  if (isNumericSender(from)) return from;
  if (isNumericSender(senderId)) return senderId;
  return undefined;
}

export function senderFor(medium: Medium, from: string | undefined, template: TemplateRecord): string | undefined {
  if (medium === 'voice') return voiceCallerId(from, template.senderId);
  if (medium === 'email') return from ?? template.from;
  return from ?? template.senderId;
}

/** A PIN goes to a number (sms, voice) or an address (email); resend can't cross that line. */
export function destinationKind(medium: Medium): 'number' | 'address' {
  return medium === 'email' ? 'address' : 'number';
}

export function checkTemplateKind(template: TemplateRecord, medium: Medium): void {
  const wanted = medium === 'email' ? 'email' : 'message';
  if (template.kind === wanted) return;
  const text = template.kind === 'email'
    ? `Message template ${template.id} is an email template; send it with POST /2fa/2/pin/email or use an SMS/voice template`
    : `Message template ${template.id} is an SMS/voice template; email PINs need an email template (POST /2fa/2/applications/{appId}/email/messages)`;
  throw new DomainError('BAD_REQUEST', text, { validationErrors: { messageId: [text] } });
}

export interface EmailBody { subject: string; text: string; html?: string }

export const DEFAULT_EMAIL_BODY: EmailBody = {
  subject: 'Your verification code',
  text: 'Your verification code is {{pin}}.',
  html: '<p>Your verification code is <strong>{{pin}}</strong>.</p>',
};

function partsOrThrow(result: RenderResult): string[] {
  if ('parts' in result) return result.parts;
  const names = result.missing.join(', ');
  throw new DomainError('BAD_REQUEST', `The template uses placeholders with no value: ${names}. Send them in "placeholders", e.g. {"${result.missing[0]}": "..."}`,
    { validationErrors: { placeholders: result.missing.map((n) => `missing value for {{${n}}}`) } });
}

/** Renders what the delivery will say, with the PIN left out (see message-render.ts). */
export function buildContent(
  medium: Medium, template: TemplateRecord, placeholders: Record<string, string>, email?: EmailBody & { unsubscribeUrl?: string },
): DeliveryContent {
  if (medium === 'email') {
    const body = email ?? DEFAULT_EMAIL_BODY;
    const url = email?.unsubscribeUrl;
    // Placeholder values are data, not markup: in the HTML body they are escaped, so a name like
    // "<b>Jo</b>" shows as typed and cannot inject links. Text and subject are not HTML.
    const htmlValues = Object.fromEntries(Object.entries(placeholders).map(([k, v]) => [k, escapeHtml(v)]));
    const textParts = partsOrThrow(renderParts(body.text, placeholders));
    const htmlParts = body.html ? partsOrThrow(renderParts(body.html, htmlValues)) : undefined;
    return {
      textParts: url ? withFooter(textParts, `\n\nTo stop receiving verification emails from this sender, open ${url}\n`) : textParts,
      subjectParts: partsOrThrow(renderParts(body.subject, placeholders)),
      ...(htmlParts ? { htmlParts: url ? withFooter(htmlParts, htmlFooter(url), true) : htmlParts } : {}),
      ...(url ? { unsubscribeUrl: url } : {}),
    };
  }
  const textParts = partsOrThrow(renderParts(template.messageText ?? '{{pin}}', placeholders));
  if (medium === 'sms') return { textParts };
  const language = normalizeLanguage(template.language ?? DEFAULT_LANGUAGE) ?? DEFAULT_LANGUAGE;
  const voice = (template.voiceName && findVoice(language, template.voiceName)) || defaultVoice(language);
  return {
    textParts,
    voice: {
      language, voiceName: voice.name, speechRate: template.speechRate ?? 1,
      ...(template.repeatDTMF ? { repeatDTMF: template.repeatDTMF } : {}),
    },
  };
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (value: string): string => value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] as string);

const htmlFooter = (url: string) =>
  `<p style="margin-top:24px;font-size:12px;color:#555">To stop receiving verification emails from this sender, <a href="${escapeHtml(url)}">unsubscribe</a>.</p>`;

/**
 * The opt-out link closes every body, whatever the stored content says: not every mail client
 * shows the List-Unsubscribe header. It goes after the last PIN (the last part), in HTML before
 * `</body>` when the document has one. Appended after rendering, so it is never a placeholder.
 */
function withFooter(parts: string[], footer: string, html = false): string[] {
  const out = [...parts];
  const tail = out[out.length - 1] ?? '';
  const at = html ? tail.toLowerCase().lastIndexOf('</body') : -1;
  out[out.length - 1] = at >= 0 ? tail.slice(0, at) + footer + tail.slice(at) : tail + footer;
  return out;
}
