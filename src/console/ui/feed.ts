/// <reference lib="dom" />
import { ago, dateTime, h } from './dom.ts';

/** One row of GET /console/1/pins (src/console/console-service.ts): no PIN in it, by design. */
export interface FeedPin {
  pinId: string;
  applicationId: string;
  applicationName?: string;
  to: string;
  state: 'VERIFIED' | 'PENDING' | 'EXPIRED' | 'NO_MORE_ATTEMPTS';
  createdAt: string;
  verifiedAt?: string;
  attemptsUsed: number;
  maxAttempts: number;
  deliveries: { deliveryId: string; channel: string; status: string; final: boolean; attempts: number; price?: number }[];
}

const GOOD = new Set(['PROCESSED', 'DELIVERED_TO_HANDSET', 'DELIVERED', 'VERIFIED']);
const SO_SO = new Set(['ANSWERED_MACHINE', 'PROCESSING', 'PENDING_ACCEPTED', 'PENDING_ENROUTE', 'PENDING']);

/** good / so-so / bad: the colour of a status badge or bar (text always says the status too). */
export function statusClass(status: string): string {
  return GOOD.has(status) ? 'good' : SO_SO.has(status) ? 'so-so' : 'bad';
}

const STATE_TEXT: Record<FeedPin['state'], string> = {
  VERIFIED: 'Verified', PENDING: 'Waiting for verification', EXPIRED: 'Expired', NO_MORE_ATTEMPTS: 'No attempts left',
};

/** The feed as a list of cards: one line per PIN on wide screens, stacked on a phone. */
export function feedList(pins: FeedPin[], now: number): HTMLElement {
  if (pins.length === 0) {
    return h('p', { class: 'empty' }, 'No PINs yet. Send one through the API (POST /2fa/2/pin or /2fa/2/pin/voice) and it appears here within seconds.');
  }
  return h('ol', { class: 'feed', 'data-testid': 'feed' }, pins.map((p) => h('li', { class: 'feed-row', 'data-pin-id': p.pinId, 'data-state': p.state },
    h('div', { class: 'feed-main' },
      h('span', { class: 'to' }, `+${p.to.replace(/^\+/, '')}`),
      h('span', { class: 'muted' }, p.applicationName ?? p.applicationId),
      h('time', { datetime: p.createdAt, title: dateTime(p.createdAt) }, ago(p.createdAt, now))),
    h('div', { class: 'feed-status' },
      h('span', { class: `badge ${statusClass(p.state)}`, 'data-testid': 'pin-state' }, STATE_TEXT[p.state]),
      p.deliveries.map((d) => h('span', { class: `badge outline ${statusClass(d.status)}`, 'data-testid': 'delivery-status', title: `${d.channel} delivery, ${d.final ? 'final' : 'in progress'}, ${d.attempts} attempt(s)` },
        h('span', { class: 'channel' }, d.channel), ' ', d.status)),
      h('span', { class: 'muted attempts' }, `${p.attemptsUsed}/${p.maxAttempts} attempts`)),
    h('code', { class: 'pin-id', title: 'pinId' }, p.pinId))));
}
