/// <reference lib="dom" />
import { enc, getJson, sendJson } from './api.ts';
import { h, replace } from './dom.ts';
import { form, valuesOf, type FieldSpec } from './forms.ts';
import { linkVoices, templateFields, TEMPLATE_KEYS } from './template-form.ts';
import { go, type View } from './views.ts';

/** Infobip's application and template shapes, as GET /2fa/2/applications… answer them. */
export interface Application {
  applicationId: string;
  name: string;
  enabled: boolean;
  notifyUrl?: string;
  configuration: { pinAttempts: number; allowMultiplePinVerifications: boolean; pinTimeToLive: string; verifyPinLimit: string; sendPinPerApplicationLimit: string; sendPinPerPhoneNumberLimit: string };
}
export interface Template {
  messageId: string;
  applicationId: string;
  messageText?: string;
  pinType: string;
  pinLength: number;
  language?: string;
  voiceName?: string;
  speechRate?: number;
  senderId?: string;
  repeatDTMF?: string;
  emailTemplateId?: number;
}

const CONFIG_KEYS = ['pinAttempts', 'allowMultiplePinVerifications', 'pinTimeToLive', 'verifyPinLimit', 'sendPinPerApplicationLimit', 'sendPinPerPhoneNumberLimit'];

function applicationFields(app?: Application): FieldSpec[] {
  const c = app?.configuration;
  return [
    { name: 'name', label: 'Name', value: app?.name ?? '', required: true, hint: 'What the PINs are for, e.g. "Sign-in"' },
    { name: 'enabled', label: 'Enabled', type: 'checkbox', value: app?.enabled ?? true },
    { name: 'pinAttempts', label: 'Verification attempts per PIN', type: 'number', value: c?.pinAttempts, attrs: { min: 1, max: 1000, placeholder: '10' } },
    { name: 'allowMultiplePinVerifications', label: 'A PIN stays valid after it was verified', type: 'checkbox', value: c?.allowMultiplePinVerifications ?? true },
    { name: 'pinTimeToLive', label: 'PIN lifetime', value: c?.pinTimeToLive, hint: 'e.g. 15m, 1h', attrs: { placeholder: '15m' } },
    { name: 'verifyPinLimit', label: 'Verification limit', value: c?.verifyPinLimit, hint: 'attempts/period, e.g. 1/3s', attrs: { placeholder: '1/3s' } },
    { name: 'sendPinPerApplicationLimit', label: 'Sends per application', value: c?.sendPinPerApplicationLimit, hint: 'e.g. 10000/1d', attrs: { placeholder: '10000/1d' } },
    { name: 'sendPinPerPhoneNumberLimit', label: 'Sends per phone number', value: c?.sendPinPerPhoneNumberLimit, hint: 'e.g. 3/1d', attrs: { placeholder: '3/1d' } },
    { name: 'notifyUrl', label: 'Delivery report URL (optional)', type: 'url', value: app?.notifyUrl ?? '', hint: 'Final delivery statuses are POSTed here when a send asks for trackDelivery' },
  ];
}

function applicationBody(values: Record<string, unknown>): Record<string, unknown> {
  const configuration = Object.fromEntries(CONFIG_KEYS.filter((k) => k in values).map((k) => [k, values[k]]));
  return { ...(values.name !== undefined ? { name: values.name } : {}), enabled: values.enabled, configuration, ...(values.notifyUrl !== undefined ? { notifyUrl: values.notifyUrl } : {}) };
}

/** #/apps: every application of the account, and a form for a new one. */
export const applications: View = (root) => {
  const list = h('div', { 'aria-busy': 'true' }, h('p', { role: 'status' }, 'Loading applications…'));
  const create = form('New application', applicationFields(), 'Create application', async (f) => {
    const app = await sendJson<Application>('POST', '/2fa/2/applications', applicationBody(valuesOf(f, ['name', 'enabled', 'notifyUrl', ...CONFIG_KEYS])));
    go(`#/apps/${enc(app.applicationId)}`);
  });
  replace(root, h('h2', {}, 'Applications'), list, create.element);
  getJson<Application[]>('/2fa/2/applications').then((apps) => {
    list.removeAttribute('aria-busy');
    replace(list, apps.length === 0
      ? h('p', { class: 'empty' }, 'No applications yet: create the first one below.')
      : h('ul', { class: 'cards' }, apps.map((a) => h('li', { class: 'card' },
        h('h3', {}, h('a', { href: `#/apps/${enc(a.applicationId)}` }, a.name)),
        h('p', { class: 'muted' }, a.enabled ? 'Enabled' : 'Disabled', ` · ${a.configuration.pinAttempts} attempts · lives ${a.configuration.pinTimeToLive} · `, h('code', {}, a.applicationId))))));
  }, (err: Error) => replace(list, h('p', { role: 'alert', class: 'error' }, err.message)));
};

/** #/apps/{id}: edit the application, list its templates, create a template. */
export const applicationDetail: View = (root, [appId = '']) => {
  replace(root, h('p', { role: 'status' }, 'Loading…'));
  const base = `/2fa/2/applications/${enc(appId)}`;
  Promise.all([getJson<Application>(base), getJson<Template[]>(`${base}/messages`)]).then(([app, templates]) => {
    const edit = form('Settings', applicationFields(app), 'Save application', async (f) => {
      const saved = await sendJson<Application>('PUT', base, applicationBody(valuesOf(f, ['name', 'enabled', 'notifyUrl', ...CONFIG_KEYS])));
      heading.textContent = saved.name;
    });
    const create = form('New SMS / voice template', templateFields(undefined), 'Create template', async (f) => {
      const t = await sendJson<Template>('POST', `${base}/messages`, valuesOf(f, TEMPLATE_KEYS));
      go(`#/apps/${enc(appId)}/templates/${enc(t.messageId)}`);
    });
    linkVoices(create);
    const heading = h('h2', {}, app.name);
    replace(root,
      h('nav', { 'aria-label': 'Breadcrumb', class: 'crumbs' }, h('a', { href: '#/apps' }, 'Applications'), ' / ', app.name),
      heading, h('p', { class: 'muted' }, 'applicationId ', h('code', {}, app.applicationId)),
      h('section', { 'aria-labelledby': 'templates-title' }, h('h2', { id: 'templates-title' }, 'Templates'),
        templates.length === 0 ? h('p', { class: 'empty' }, 'No templates yet.') : h('ul', { class: 'cards' }, templates.map((t) => h('li', { class: 'card' },
          t.emailTemplateId !== undefined
            ? [h('h3', {}, `Email template ${t.messageId.slice(0, 8)}…`), h('p', { class: 'muted' }, `Email content #${t.emailTemplateId}; edit it through the API (docs/email-content.md).`)]
            : [h('h3', {}, h('a', { href: `#/apps/${enc(appId)}/templates/${enc(t.messageId)}` }, t.messageText ?? t.messageId)),
              h('p', { class: 'muted' }, `${t.pinType} × ${t.pinLength} · ${t.language ?? 'en'}${t.voiceName ? ` · ${t.voiceName}` : ''}`)]))),
        create.element),
      edit.element);
  }, (err: Error) => replace(root, h('p', { role: 'alert', class: 'error' }, err.message), h('p', {}, h('a', { href: '#/apps' }, 'Back to applications'))));
};
