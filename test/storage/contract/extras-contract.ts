import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { EmailContentRecord, WebhookEvent } from '../../../src/domain/records.ts';
import { account, createOwner, id, insertPin, MINUTE, T0, type ContractContext } from './fixtures.ts';

export function webhookEvent(deliveryId: string, over: Partial<WebhookEvent> = {}): WebhookEvent {
  return {
    id: id(), accountId: 'acct', applicationId: 'app', deliveryId, url: 'https://example.test/hook', body: '{"results":[]}',
    state: 'pending', attempts: 0, nextAttemptAt: T0, lastError: null, createdAt: T0, ...over,
  };
}

export function emailContent(accountId: string, over: Partial<EmailContentRecord> = {}): Omit<EmailContentRecord, 'id'> & { id?: number } {
  return { accountId, name: 'welcome', subject: 'Your code', text: 'PIN {{pin}}', html: null, createdAt: T0, updatedAt: T0, ...over };
}

/** Credits, the delivery-report outbox, email bodies and opt-outs. */
export function extrasContract(ctx: ContractContext): void {
  describe('credits', () => {
    test('set, add and reserve; a null balance is unlimited, an unknown account has none', async () => {
      const a = account();
      await ctx.store.createAccount(a);
      assert.equal(await ctx.store.addCredits(a.id, 5), null, 'unlimited stays unlimited');
      assert.equal(await ctx.store.reserveCredits(a.id, 1e9), true);
      assert.equal((await ctx.store.getAccount(a.id))?.creditBalance, null);
      await ctx.store.setCreditBalance(a.id, 1);
      assert.equal(await ctx.store.addCredits(a.id, 0.1), 1.1);
      assert.equal(await ctx.store.addCredits(a.id, 0.2), 1.3, 'rounded to 4 decimals: no binary drift');
      assert.equal(await ctx.store.reserveCredits(a.id, 1.3001), false);
      assert.equal(await ctx.store.reserveCredits(a.id, 1.3), true);
      assert.equal((await ctx.store.getAccount(a.id))?.creditBalance, 0);
      assert.equal(await ctx.store.addCredits(a.id, -0.5), -0.5, 'a negative amount takes');
      assert.equal(await ctx.store.addCredits('nope', 1), null);
      assert.equal(await ctx.store.reserveCredits('nope', 1), false);
      await ctx.store.setCreditBalance(a.id, null);
      assert.equal(await ctx.store.reserveCredits(a.id, 3), true);
    });

    test('charges: priced deliveries of the account, latest first (ties: last inserted first)', async () => {
      const owner = await createOwner(ctx.store);
      const other = await createOwner(ctx.store);
      const priced: Awaited<ReturnType<typeof insertPin>>[] = [];
      for (let i = 0; i < 4; i++) priced.push(await insertPin(ctx.store, owner, { to: `4179000000${i}` }));
      await insertPin(ctx.store, other);
      await ctx.store.claimDeliveries('w', T0, MINUTE, 100);
      const price = (i: number, p: number, at: number, endedAt?: number) => ctx.store.recordReport(priced[i]!.delivery.id, 'w',
        { channelId: 'voice', status: 'COMPLETED', final: true, reached: true, price: p, ...(endedAt ? { endedAt } : {}) }, at);
      await price(0, 0.05, T0 + 3, T0 + 2);
      await price(1, 0.07, T0 + 1);
      await price(2, 0.02, T0 + 3);
      await price(3, 0, T0 + 4); // free: not a charge
      const charges = await ctx.store.listCharges(owner.accountId, 10);
      assert.deepEqual(charges, [
        { deliveryId: priced[2]!.delivery.id, pinId: priced[2]!.pin.id, to: '41790000002', price: 0.02, endedAt: null },
        { deliveryId: priced[0]!.delivery.id, pinId: priced[0]!.pin.id, to: '41790000000', price: 0.05, endedAt: T0 + 2 },
        { deliveryId: priced[1]!.delivery.id, pinId: priced[1]!.pin.id, to: '41790000001', price: 0.07, endedAt: null },
      ]);
      assert.equal((await ctx.store.listCharges(owner.accountId, 1)).length, 1);
      assert.deepEqual(await ctx.store.listCharges(other.accountId, 10), []);
    });
  });

  describe('webhook outbox', () => {
    test('claims due events with a lease; finish delivers, retries or gives up, for the lease owner only', async () => {
      const e1 = webhookEvent('d1', { createdAt: T0 });
      const e2 = webhookEvent('d1', { createdAt: T0 + 1, nextAttemptAt: T0 + 1 });
      const later = webhookEvent('d2', { nextAttemptAt: T0 + MINUTE });
      for (const e of [e1, e2, later]) await ctx.store.enqueueWebhook(e);
      const claimed = await ctx.store.claimWebhooks('w1', T0 + 5, MINUTE, 10);
      assert.deepEqual(claimed.map((e) => e.id).sort(), [e1.id, e2.id].sort());
      assert.deepEqual(claimed.find((e) => e.id === e1.id), { ...e1, attempts: 1 });
      assert.deepEqual(await ctx.store.claimWebhooks('w2', T0 + 5, MINUTE, 10), [], 'leased events are not handed out twice');

      await ctx.store.finishWebhook(e1.id, 'w2', { delivered: true, giveUp: false, nextAttemptAt: T0 }, T0 + 6); // not the owner
      await ctx.store.finishWebhook(e1.id, 'w1', { delivered: false, giveUp: false, nextAttemptAt: T0 + 2 * MINUTE, error: 'HTTP 500' }, T0 + 6);
      await ctx.store.finishWebhook(e2.id, 'w1', { delivered: true, giveUp: false, nextAttemptAt: T0 + 6 }, T0 + 6);
      assert.deepEqual(await ctx.store.listWebhooks('d1'), [
        { ...e1, attempts: 1, nextAttemptAt: T0 + 2 * MINUTE, lastError: 'HTTP 500' },
        { ...e2, state: 'delivered', attempts: 1, nextAttemptAt: T0 + 6 },
      ]);
      const retried = await ctx.store.claimWebhooks('w2', T0 + 2 * MINUTE, MINUTE, 10);
      assert.deepEqual(retried.map((e) => [e.id, e.attempts]).sort(), [[e1.id, 2], [later.id, 1]].sort());
      await ctx.store.finishWebhook(e1.id, 'w2', { delivered: false, giveUp: true, nextAttemptAt: T0 + 9 * MINUTE, error: 'HTTP 410' }, T0 + 3 * MINUTE);
      assert.equal((await ctx.store.listWebhooks('d1'))[0]?.state, 'failed');
      assert.deepEqual(await ctx.store.claimWebhooks('w3', T0 + 99 * MINUTE, MINUTE, 10).then((r) => r.map((e) => e.id)), [later.id], 'only the expired lease comes back');
    });
  });

  describe('email contents and opt-outs', () => {
    test('numbered per account from 1 unless an id is given; updated, found and listed per account', async () => {
      const created: EmailContentRecord[] = [];
      for (const over of [{}, {}, { id: 10 }, {}]) created.push(await ctx.store.createEmailContent(emailContent('acct-a', over)));
      assert.deepEqual(created.map((c) => c.id), [1, 2, 10, 11]);
      assert.equal((await ctx.store.createEmailContent(emailContent('acct-b'))).id, 1);
      await assert.rejects(ctx.store.createEmailContent(emailContent('acct-a', { id: 2 })));
      const edited = { ...created[1]!, name: 'renamed', subject: 'S', text: null, html: '<p>{{pin}}</p>', updatedAt: T0 + 5 };
      await ctx.store.updateEmailContent(edited);
      assert.deepEqual(await ctx.store.getEmailContent('acct-a', 2), edited);
      assert.equal(await ctx.store.getEmailContent('acct-b', 2), undefined);
      assert.deepEqual((await ctx.store.listEmailContents('acct-a')).map((c) => c.id), [1, 2, 10, 11]);
    });

    test('opt-outs are per account and ignore the case of the address', async () => {
      await ctx.store.addOptOut('acct-a', 'Ada@Example.TEST', 'lp1', T0);
      await ctx.store.addOptOut('acct-a', 'ada@example.test', null, T0 + 1); // again: no error
      assert.equal(await ctx.store.isOptedOut('acct-a', 'ADA@example.test'), true);
      assert.equal(await ctx.store.isOptedOut('acct-b', 'ada@example.test'), false);
      assert.equal(await ctx.store.isOptedOut('acct-a', 'bob@example.test'), false);
    });
  });
}
