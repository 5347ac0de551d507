/// <reference lib="dom" />
import { getJson } from './api.ts';
import { ago, dateTime, h, replace } from './dom.ts';
import { statusClass } from './feed.ts';
import { session, type View } from './views.ts';

/** GET /console/1/sandbox/messages: what the phones and inboxes would have received. */
interface Capture {
  pinId: string;
  deliveryId: string;
  channel: string;
  to: string;
  from?: string;
  subject?: string;
  text: string;
  status: string;
  createdAt: string;
  audioUrl?: string;
}

/**
 * #/sandbox: the sandbox inbox. Unlike the feed it shows PINs: a capture IS the message the
 * person would have got, which is what the sandbox exists for (the account's own test data).
 * Calls come with a player; their audioUrl is signed, so the audio element can fetch it without
 * the API key.
 */
export const sandboxInbox: View = (root) => {
  const list = h('div', { 'aria-busy': 'true' }, h('p', { role: 'status' }, 'Loading the inbox…'));
  const note = session().sandbox
    ? 'Deliveries of sandbox channels are captured here instead of being sent. Newest first.'
    : 'Some channels are configured for real delivery; only sandbox channels capture messages here.';
  replace(root, h('div', { class: 'toolbar' }, h('h2', {}, 'Sandbox inbox'), h('button', { type: 'button', class: 'secondary', onclick: () => void load() }, 'Refresh')), h('p', { class: 'muted' }, note), list);
  async function load(): Promise<void> {
    try {
      const { messages } = await getJson<{ messages: Capture[] }>('/console/1/sandbox/messages?limit=30');
      list.removeAttribute('aria-busy');
      const now = Date.now();
      replace(list, messages.length === 0 ? h('p', { class: 'empty' }, 'Nothing captured yet.') : h('ul', { class: 'inbox' }, messages.map((m) => h('li', { class: 'card', 'data-delivery-id': m.deliveryId },
        h('div', { class: 'inbox-head' },
          h('span', { class: 'badge outline' }, m.channel), h('strong', {}, m.channel === 'email' ? m.to : `+${m.to}`),
          h('span', { class: `badge ${statusClass(m.status)}` }, m.status),
          h('time', { datetime: m.createdAt, title: dateTime(m.createdAt) }, ago(m.createdAt, now))),
        m.subject ? h('p', {}, h('strong', {}, m.subject)) : null,
        h('blockquote', { class: 'sms-text' }, m.text),
        m.audioUrl ? h('audio', { controls: true, preload: 'none', src: m.audioUrl, 'aria-label': `Call to +${m.to}, ${dateTime(m.createdAt)}` }) : null,
        m.from ? h('p', { class: 'muted' }, `from ${m.from}`) : null))));
    } catch (err) {
      replace(list, h('p', { role: 'alert', class: 'error' }, (err as Error).message));
    }
  }
  void load();
};
