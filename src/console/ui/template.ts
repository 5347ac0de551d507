/// <reference lib="dom" />
import { enc, getBlob, getJson, sendJson } from './api.ts';
import type { Application, Template } from './apps.ts';
import { announce, duration, h, replace } from './dom.ts';
import { field, form, valuesOf } from './forms.ts';
import { linkVoices, templateFields, TEMPLATE_KEYS } from './template-form.ts';
import type { View } from './views.ts';

/** GET /console/1/applications/{app}/messages/{msg}/preview (src/console/template-preview.ts). */
interface Preview {
  samplePin: string;
  sms: { text: string; encoding: 'GSM7' | 'UCS2'; parts: number; characters: number };
  voice: { text: string; language: string; voiceName: string; speechRate: number; repeatDTMF?: string };
}

const ENCODING_TEXT = { GSM7: 'GSM-7', UCS2: 'UCS-2 (Unicode)' } as const;

/**
 * #/apps/{app}/templates/{msg}: edit an SMS/voice template and hear it. The preview is what a send
 * would produce for a sample PIN: the call's audio (the server's renderer, through G.711, fetched
 * with the key and played from memory) and the SMS text with its encoding and part count.
 */
export const templateDetail: View = (root, [appId = '', msgId = '']) => {
  const base = `/2fa/2/applications/${enc(appId)}`;
  const previewPath = `/console/1/applications/${enc(appId)}/messages/${enc(msgId)}/preview`;
  let audioUrl: string | undefined;
  replace(root, h('p', { role: 'status' }, 'Loading…'));

  Promise.all([getJson<Application>(base), getJson<Template>(`${base}/messages/${enc(msgId)}`)]).then(([app, t]) => {
    const pinField = field({ name: 'pin', label: 'Sample PIN', hint: `Empty: a sample of the template's type and length`, attrs: { maxlength: 16, autocomplete: 'off', inputmode: 'text' } });
    const result = h('div', { class: 'preview-result', 'aria-live': 'polite' });
    const play = h('button', { type: 'submit' }, 'Preview');
    const previewBox = h('form', { class: 'card preview', 'aria-labelledby': 'preview-title' },
      h('h3', { id: 'preview-title' }, 'Preview'), h('div', { class: 'fields inline' }, pinField.wrapper, h('div', { class: 'actions' }, play)), result);
    previewBox.addEventListener('submit', (e) => { e.preventDefault(); void runPreview(); });

    async function runPreview(): Promise<void> {
      play.disabled = true;
      replace(result, h('p', { role: 'status' }, 'Rendering the call audio…'));
      const query = pinField.control.value.trim() ? `?pin=${enc(pinField.control.value.trim())}` : '';
      try {
        const [p, wav] = await Promise.all([getJson<Preview>(`${previewPath}${query}`), getBlob(`${previewPath}.wav${query}`)]);
        if (audioUrl) URL.revokeObjectURL(audioUrl);
        audioUrl = URL.createObjectURL(wav.blob);
        const ms = Number(wav.headers.get('x-audio-duration-ms') ?? 0);
        replace(result,
          h('h4', {}, 'Call'),
          h('audio', { controls: true, src: audioUrl, preload: 'auto', 'data-testid': 'preview-audio', 'data-duration-ms': ms, 'aria-label': `Call audio for sample PIN ${p.samplePin}` }),
          h('p', { class: 'muted', 'data-testid': 'preview-voice' }, `${p.voice.language} · ${p.voice.voiceName} · rate ${p.voice.speechRate} · ${duration(ms)}${p.voice.repeatDTMF ? ` · repeat with ${p.voice.repeatDTMF}` : ''}`),
          h('h4', {}, 'SMS'),
          h('blockquote', { class: 'sms-text', 'data-testid': 'preview-sms' }, p.sms.text),
          h('p', { class: 'muted', 'data-testid': 'preview-encoding' },
            `${ENCODING_TEXT[p.sms.encoding]} · ${p.sms.parts} part${p.sms.parts === 1 ? '' : 's'} · ${p.sms.characters} characters`));
        announce(`Preview ready: ${duration(ms)} of audio, SMS in ${p.sms.parts} part${p.sms.parts === 1 ? '' : 's'}`);
      } catch (err) {
        replace(result, h('p', { role: 'alert', class: 'error' }, (err as Error).message));
      } finally {
        play.disabled = false;
      }
    }

    const edit = form('Template', templateFields(t), 'Save template', async (f) => {
      await sendJson<Template>('PUT', `${base}/messages/${enc(msgId)}`, valuesOf(f, TEMPLATE_KEYS));
      await runPreview();
    });
    linkVoices(edit, t.voiceName);
    replace(root,
      h('nav', { 'aria-label': 'Breadcrumb', class: 'crumbs' }, h('a', { href: '#/apps' }, 'Applications'), ' / ', h('a', { href: `#/apps/${enc(appId)}` }, app.name), ' / template'),
      h('h2', {}, 'Template'), h('p', { class: 'muted' }, 'messageId ', h('code', {}, t.messageId)),
      h('div', { class: 'two-columns' }, previewBox, edit.element));
    void runPreview();
  }, (err: Error) => replace(root, h('p', { role: 'alert', class: 'error' }, err.message)));

  return () => { if (audioUrl) URL.revokeObjectURL(audioUrl); };
};
