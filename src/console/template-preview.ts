import { describeSmsText, type SmsEncoding } from '../channels/sms/encoding.ts';
import { DomainError } from '../domain/errors.ts';
import { joinParts, placeholderNames } from '../domain/message-render.ts';
import type { PinType } from '../domain/pin-code.ts';
import type { TemplateRecord } from '../domain/records.ts';
import { buildContent } from '../domain/services/send-rules.ts';

/**
 * What a template sends, for a sample PIN: the SMS text with its encoding and part count, and the
 * voice options a call would use. The text goes through buildContent, the very function a send
 * uses, so language spelling, the default voice and the speech rate are the send's own.
 */

const SAMPLE_ALPHABETS: Record<PinType, string> = {
  NUMERIC: '1234567890',
  ALPHA: 'ABCDEFGHJK',
  HEX: '1A2B3C4D5E',
  ALPHANUMERIC: 'A1B2C3D4E5',
};

const PIN_CHARACTERS = /^[A-Za-z0-9]{1,16}$/;

/** A recognisable sample of the template's type and length (1234…, ABCD…), or the caller's own. */
export function samplePin(template: Pick<TemplateRecord, 'pinType' | 'pinLength'>, requested?: string): string {
  if (requested !== undefined && requested !== '') {
    if (!PIN_CHARACTERS.test(requested)) {
      throw new DomainError('BAD_REQUEST', 'pin must be 1 to 16 letters or digits, e.g. 1234', { validationErrors: { pin: ['must be 1 to 16 letters or digits'] } });
    }
    return requested.toUpperCase();
  }
  const alphabet = SAMPLE_ALPHABETS[template.pinType];
  return Array.from({ length: template.pinLength }, (_, i) => alphabet[i % alphabet.length]).join('');
}

export interface TemplatePreview {
  samplePin: string;
  /** Values used for the template's other placeholders: given ones, else the placeholder's name. */
  placeholders: Record<string, string>;
  sms: { text: string; encoding: SmsEncoding; parts: number; characters: number };
  voice: { text: string; language: string; voiceName: string; speechRate: number; repeatDTMF?: string };
}

export interface PreviewRequest {
  pin?: string;
  placeholders?: Record<string, string>;
}

/** The rendered parts and voice options of an SMS/voice template for a sample PIN. */
export function previewTemplate(template: TemplateRecord, req: PreviewRequest = {}): TemplatePreview & { textParts: string[] } {
  if (template.kind === 'email') {
    throw new DomainError('BAD_REQUEST', `Message template ${template.id} is an email template: it has no audio or SMS text; its body is an email content (/email/1/contents)`);
  }
  const pin = samplePin(template, req.pin);
  const placeholders = Object.fromEntries(placeholderNames(template.messageText ?? '').map((name) => [name, req.placeholders?.[name] ?? name]));
  const content = buildContent('voice', template, placeholders);
  const voice = content.voice!;
  const text = joinParts(content.textParts, pin);
  return {
    samplePin: pin, placeholders, textParts: content.textParts,
    sms: { text, ...describeSmsText(text) },
    voice: { text, language: voice.language, voiceName: voice.voiceName, speechRate: voice.speechRate, ...(voice.repeatDTMF ? { repeatDTMF: voice.repeatDTMF } : {}) },
  };
}
