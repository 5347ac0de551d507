/// <reference lib="dom" />
import { enc, getJson } from './api.ts';
import { h } from './dom.ts';
import type { FieldSpec, Form } from './forms.ts';
import { session } from './views.ts';

/** The fields of an SMS/voice template (Infobip endpoint 6/8); the server validates them. */
export const TEMPLATE_KEYS = ['messageText', 'pinType', 'pinLength', 'language', 'voiceName', 'speechRate', 'senderId', 'repeatDTMF'];

export function templateFields(t: { messageText?: string; pinType?: string; pinLength?: number; language?: string; voiceName?: string; speechRate?: number; senderId?: string; repeatDTMF?: string } | undefined): FieldSpec[] {
  const s = session();
  return [
    { name: 'messageText', label: 'Message text', type: 'textarea', value: t?.messageText ?? 'Your verification code is {{pin}}.', required: true, hint: '{{pin}} marks where the PIN goes; other {{names}} are filled from the send\'s placeholders' },
    { name: 'pinType', label: 'PIN type', type: 'select', value: t?.pinType ?? 'NUMERIC', options: s.pinTypes.map((p) => ({ value: p, label: p })) },
    { name: 'pinLength', label: 'PIN length', type: 'number', value: t?.pinLength ?? 4, attrs: { min: 1, max: 16 } },
    { name: 'language', label: 'Language', type: 'select', value: t?.language ?? 'en', options: s.languages.map((l) => ({ value: l, label: l })), hint: 'Language of the call' },
    { name: 'voiceName', label: 'Voice', type: 'select', value: t?.voiceName ?? '', options: [{ value: '', label: 'Default voice' }] },
    { name: 'speechRate', label: 'Speech rate', type: 'number', value: t?.speechRate ?? 1, attrs: { min: 0.5, max: 2, step: 0.1 }, hint: '0.5 (slow) to 2 (fast)' },
    { name: 'senderId', label: 'Sender ID (optional)', value: t?.senderId ?? '', hint: 'SMS sender; a numeric one is also the caller ID of calls' },
    { name: 'repeatDTMF', label: 'Repeat key (optional)', value: t?.repeatDTMF ?? '', hint: 'Keys the callee presses to hear the PIN again, e.g. 1#', attrs: { maxlength: 8 } },
  ];
}

interface Voice { name: string; gender: string; isDefault: boolean }

/**
 * Keeps the Voice choices in step with the Language: the list comes from GET /tts/3/voices/{lang}
 * (the same catalogue templates are validated against).
 */
export function linkVoices(f: Form, selected?: string): void {
  const language = f.fields.get('language') as HTMLSelectElement;
  const voice = f.fields.get('voiceName') as HTMLSelectElement;
  const load = async () => {
    const keep = voice.value || selected || '';
    selected = undefined;
    const { voices } = await getJson<{ voices: Voice[] }>(`/tts/3/voices/${enc(language.value)}`);
    voice.replaceChildren(h('option', { value: '' }, 'Default voice'),
      ...voices.map((v) => h('option', { value: v.name, selected: v.name === keep }, `${v.name} (${v.gender.toLowerCase()}${v.isDefault ? ', default' : ''})`)));
  };
  language.addEventListener('change', () => { voice.value = ''; void load(); });
  load().catch(() => { /* the list stays "Default voice"; the server still validates */ });
}
