/// <reference lib="dom" />
import { ApiError } from './api.ts';
import { h, uid } from './dom.ts';

/**
 * Labelled form fields and the server's validation messages next to them. The server is the one
 * validator (the console posts to Infobip's endpoints, whose validation it therefore shares); a
 * field named in `validationErrors` gets aria-invalid and its message, linked by aria-describedby.
 */
export interface FieldSpec {
  name: string;
  label: string;
  type?: 'text' | 'number' | 'checkbox' | 'select' | 'textarea' | 'url';
  value?: string | number | boolean;
  options?: { value: string; label: string }[];
  hint?: string;
  required?: boolean;
  attrs?: Record<string, string | number>;
}

export interface Form {
  element: HTMLFormElement;
  fields: Map<string, HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>;
  /** Shows an ApiError on its fields (or at the top); other errors at the top. */
  showError(err: unknown): void;
  clearErrors(): void;
  status(text: string): void;
}

export function field(spec: FieldSpec): { wrapper: HTMLElement; control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement; error: HTMLElement } {
  const id = uid(`f-${spec.name.replace(/\W/g, '-')}`);
  const hintId = spec.hint ? `${id}-hint` : undefined;
  const errorId = `${id}-error`;
  let control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
  if (spec.type === 'select') {
    control = h('select', { id, name: spec.name }, (spec.options ?? []).map((o) => h('option', { value: o.value, selected: String(spec.value ?? '') === o.value }, o.label)));
  } else if (spec.type === 'textarea') {
    control = h('textarea', { id, name: spec.name, rows: 3 }, String(spec.value ?? ''));
  } else {
    control = h('input', { id, name: spec.name, type: spec.type ?? 'text', ...(spec.attrs ?? {}) });
    if (spec.type === 'checkbox') (control as HTMLInputElement).checked = spec.value === true;
    else if (spec.value !== undefined) control.value = String(spec.value);
  }
  if (spec.required) control.required = true;
  control.setAttribute('aria-describedby', [hintId, errorId].filter(Boolean).join(' '));
  const error = h('p', { id: errorId, class: 'field-error', hidden: true });
  const label = h('label', { for: id }, spec.label);
  const wrapper = h('div', { class: `field ${spec.type === 'checkbox' ? 'check' : ''}` },
    spec.type === 'checkbox' ? [control, label] : [label, control],
    spec.hint ? h('p', { id: hintId, class: 'hint' }, spec.hint) : null, error);
  return { wrapper, control, error };
}

export function form(title: string, specs: FieldSpec[], submitLabel: string, onSubmit: (values: Form) => Promise<void>): Form {
  const fields = new Map<string, HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>();
  const errors = new Map<string, HTMLElement>();
  const alert = h('div', { class: 'form-alert', role: 'alert' });
  const live = h('p', { class: 'form-status', role: 'status' });
  const button = h('button', { type: 'submit' }, submitLabel);
  const element = h('form', { class: 'card form', 'aria-label': title, novalidate: true },
    h('h3', {}, title), alert,
    h('div', { class: 'fields' }, specs.map((s) => { const f = field(s); fields.set(s.name, f.control); errors.set(s.name, f.error); return f.wrapper; })),
    h('div', { class: 'actions' }, button, live));
  const self: Form = {
    element, fields,
    clearErrors() {
      alert.replaceChildren();
      for (const [name, el] of errors) { el.hidden = true; el.textContent = ''; fields.get(name)?.removeAttribute('aria-invalid'); }
    },
    showError(err) {
      const unplaced: string[] = [];
      if (err instanceof ApiError && Object.keys(err.validationErrors).length > 0) {
        for (const [path, messages] of Object.entries(err.validationErrors)) {
          const name = fields.has(path) ? path : path.split('.').pop() ?? path;
          const el = errors.get(name);
          if (el) { el.hidden = false; el.textContent = messages.join('; '); fields.get(name)?.setAttribute('aria-invalid', 'true'); } else unplaced.push(`${path}: ${messages.join('; ')}`);
        }
        alert.replaceChildren(h('p', { class: 'error' }, unplaced.length ? unplaced.join('. ') : 'Please correct the marked fields.'));
        const first = [...fields.values()].find((f) => f.getAttribute('aria-invalid') === 'true');
        first?.focus();
      } else {
        alert.replaceChildren(h('p', { class: 'error' }, err instanceof Error ? err.message : String(err)));
      }
    },
    status(text) { live.textContent = text; },
  };
  element.addEventListener('submit', (e) => {
    e.preventDefault();
    self.clearErrors();
    button.disabled = true;
    self.status('Saving…');
    onSubmit(self).then(() => self.status('Saved.'), (err: unknown) => { self.status(''); self.showError(err); }).finally(() => { button.disabled = false; });
  });
  return self;
}

/** Field values for a JSON body: blank text and number fields are left out (server defaults / merge). */
export function valuesOf(f: Form, names: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of names) {
    const el = f.fields.get(name);
    if (!el) continue;
    if (el instanceof HTMLInputElement && el.type === 'checkbox') out[name] = el.checked;
    else if (el.value.trim() === '') continue;
    else if (el instanceof HTMLInputElement && el.type === 'number') out[name] = Number(el.value);
    else out[name] = el.value;
  }
  return out;
}
