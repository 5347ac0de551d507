/// <reference lib="dom" />
import { getJson } from './api.ts';
import { dateTime, h, replace } from './dom.ts';
import type { View } from './views.ts';

interface Credits {
  balance: number | null;
  charges: { deliveryId: string; pinId: string; to: string; price: number; endedAt?: string }[];
}

const money = new Intl.NumberFormat(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 4 });

/** #/credits: the balance (null = unlimited) and the latest charged calls. */
export const credits: View = (root) => {
  replace(root, h('h2', {}, 'Credits'), h('p', { role: 'status' }, 'Loading…'));
  getJson<Credits>('/console/1/credits?limit=100').then((c) => {
    const total = c.charges.reduce((s, x) => s + x.price, 0);
    replace(root, h('h2', {}, 'Credits'),
      h('div', { class: 'kpis' },
        h('section', { class: 'card kpi', 'data-testid': 'credit-balance', 'aria-label': `Balance: ${c.balance === null ? 'unlimited' : money.format(c.balance)}` },
          h('h3', {}, 'Balance'), h('p', { class: 'kpi-value' }, c.balance === null ? 'Unlimited' : money.format(c.balance)),
          h('p', { class: 'muted' }, c.balance === null ? 'No balance set: calls are never refused for credits' : 'Calls the balance cannot pay end with ERROR_NOT_ENOUGH_CREDITS')),
        h('section', { class: 'card kpi' }, h('h3', {}, 'Charges shown'), h('p', { class: 'kpi-value' }, money.format(total)), h('p', { class: 'muted' }, `${c.charges.length} latest charged deliveries`))),
      h('p', { class: 'muted' }, 'Set or top up the balance with the CLI: open2fa credits set / credits topup --account <name>.'),
      c.charges.length === 0 ? h('p', { class: 'empty' }, 'No charges yet.') : h('div', { class: 'table-scroll' }, h('table', {},
        h('caption', {}, 'Latest charges, newest first'),
        h('thead', {}, h('tr', {}, ['Ended', 'To', 'Price', 'pinId'].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, c.charges.map((x) => h('tr', {},
          h('td', {}, x.endedAt ? dateTime(x.endedAt) : '–'), h('td', {}, `+${x.to}`), h('td', { class: 'num' }, money.format(x.price)), h('td', {}, h('code', {}, x.pinId))))))));
  }, (err: Error) => replace(root, h('h2', {}, 'Credits'), h('p', { role: 'alert', class: 'error' }, err.message)));
};
