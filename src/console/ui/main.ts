/// <reference lib="dom" />
import './styles.css';
import { ApiError, forgetKey, getJson, storedKey, storeKey, whenUnauthorized } from './api.ts';
import { applicationDetail, applications } from './apps.ts';
import { credits } from './credits.ts';
import { h, replace } from './dom.ts';
import { field } from './forms.ts';
import { overview } from './overview.ts';
import { sandboxInbox } from './sandbox.ts';
import { templateDetail } from './template.ts';
import { go, session, setSession, type Session, type View } from './views.ts';

/**
 * The console's entry: sign-in with an API key (kept in sessionStorage), the frame (header,
 * navigation, a live region for announcements) and a hash router over the views.
 */
const app = document.getElementById('app') as HTMLElement;

const ROUTES: { pattern: RegExp; view: View; nav: string }[] = [
  { pattern: /^#\/overview$/, view: overview, nav: 'overview' },
  { pattern: /^#\/apps$/, view: applications, nav: 'apps' },
  { pattern: /^#\/apps\/([^/]+)$/, view: applicationDetail, nav: 'apps' },
  { pattern: /^#\/apps\/([^/]+)\/templates\/([^/]+)$/, view: templateDetail, nav: 'apps' },
  { pattern: /^#\/sandbox$/, view: sandboxInbox, nav: 'sandbox' },
  { pattern: /^#\/credits$/, view: credits, nav: 'credits' },
];
const NAV = [['overview', 'Overview'], ['apps', 'Applications'], ['sandbox', 'Sandbox inbox'], ['credits', 'Credits']] as const;

let cleanup: (() => void) | void;

function signIn(message?: string): void {
  cleanup?.();
  cleanup = undefined;
  setSession(undefined);
  const key = field({ name: 'apiKey', label: 'API key', type: 'text', hint: 'A key with scope 2fa:manage, e.g. OPEN2FA_BOOTSTRAP_API_KEY or one from `open2fa keys create`. Kept in this tab only.', attrs: { autocomplete: 'off', spellcheck: 'false' } });
  key.control.setAttribute('type', 'password');
  const alert = h('div', { role: 'alert', class: 'form-alert' }, message ? h('p', { class: 'error' }, message) : null);
  const button = h('button', { type: 'submit' }, 'Sign in');
  const formEl = h('form', { class: 'card signin', 'aria-labelledby': 'signin-title' },
    h('h1', { id: 'signin-title' }, 'open2fa console'), alert, key.wrapper, h('div', { class: 'actions' }, button));
  formEl.addEventListener('submit', (e) => {
    e.preventDefault();
    const value = key.control.value.trim();
    if (!value) { alert.replaceChildren(h('p', { class: 'error' }, 'Paste an API key to sign in.')); key.control.focus(); return; }
    button.disabled = true;
    start(value).catch((err: unknown) => {
      button.disabled = false;
      alert.replaceChildren(h('p', { class: 'error' }, signInError(err)));
      key.control.focus();
    });
  });
  replace(app, h('main', { class: 'signin-page' }, formEl));
  key.control.focus();
}

function signInError(err: unknown): string {
  if (err instanceof ApiError && err.status === 403) return 'This key cannot manage: the console needs an API key with scope 2fa:manage (this one can only send and verify PINs).';
  if (err instanceof ApiError && err.status === 401) return 'This key is not valid or was revoked. Check it and try again.';
  return `Could not sign in: ${err instanceof Error ? err.message : String(err)}`;
}

/** Checks the key against /console/1/session (2fa:manage only), keeps it, draws the frame. */
async function start(key: string): Promise<void> {
  const s = await getJson<Session>('/console/1/session', key);
  storeKey(key);
  setSession(s);
  frame();
  if (!ROUTES.some((r) => r.pattern.test(location.hash))) go('#/overview');
  else route();
}

function frame(): void {
  const s = session();
  const links = NAV.map(([id, label]) => h('a', { href: `#/${id}`, 'data-nav': id }, label));
  replace(app,
    h('a', { class: 'skip', href: '#view' }, 'Skip to content'),
    h('header', { class: 'top' },
      h('p', { class: 'brand' }, 'open2fa'),
      h('nav', { 'aria-label': 'Main' }, links),
      h('div', { class: 'who' },
        h('span', { class: 'muted', title: `account ${s.account.id}` }, s.account.name),
        s.sandbox ? h('span', { class: 'badge so-so', title: 'Sandbox channels capture deliveries instead of sending them' }, 'sandbox') : null,
        h('button', { type: 'button', class: 'secondary', onclick: () => { forgetKey(); signIn('Signed out.'); } }, 'Sign out'))),
    h('main', { id: 'view', tabindex: '-1' }),
    h('p', { id: 'announcer', class: 'visually-hidden', role: 'status', 'aria-live': 'polite' }));
}

function route(): void {
  const view = document.getElementById('view');
  if (!view) return;
  const match = ROUTES.map((r) => ({ r, m: r.pattern.exec(location.hash) })).find((x) => x.m);
  if (!match) { go('#/overview'); return; }
  cleanup?.();
  for (const a of Array.from(document.querySelectorAll<HTMLAnchorElement>('[data-nav]'))) {
    if (a.dataset.nav === match.r.nav) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
  cleanup = match.r.view(view, match.m!.slice(1).map(decodeURIComponent));
  const heading = view.querySelector('h2');
  document.title = `${heading?.textContent ?? 'Console'} · open2fa`;
}

// Focus moves to the new view so a screen reader starts reading there, as after a page load.
window.addEventListener('hashchange', () => { if (storedKey()) { route(); document.getElementById('view')?.focus({ preventScroll: true }); } });
whenUnauthorized((message) => { forgetKey(); signIn(`Signed out: ${message}`); });

const saved = storedKey();
if (saved) start(saved).catch((err: unknown) => { forgetKey(); signIn(signInError(err)); });
else signIn();
