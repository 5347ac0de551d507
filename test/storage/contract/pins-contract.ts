import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createOwner, DAY, delivery, insertPin, limit, MINUTE, sendPlan, T0, type ContractContext } from './fixtures.ts';
import { verifyContract } from './verify-contract.ts';

/** acceptSend: limits, idempotency and all-or-nothing writes; getPin. */
export function pinsContract(ctx: ContractContext): void {
  describe('acceptSend', () => {
    test('an accepted send writes the PIN and its delivery', async () => {
      const owner = await createOwner(ctx.store);
      const plan = sendPlan(owner, T0);
      assert.deepEqual(await ctx.store.acceptSend(plan), { kind: 'accepted' });
      assert.deepEqual(await ctx.store.getPin(owner.accountId, plan.pin.id), plan.pin);
      assert.deepEqual(await ctx.store.getDelivery(plan.delivery.id), plan.delivery);
      assert.deepEqual(await ctx.store.listDeliveries(owner.accountId, plan.pin.id), [plan.delivery]);
    });

    test('a resend (no PIN in the plan) adds a delivery to the existing PIN', async () => {
      const owner = await createOwner(ctx.store);
      const { pin } = await insertPin(ctx.store, owner);
      const again = delivery(pin, { createdAt: T0 + 1, medium: 'voice' });
      assert.deepEqual(await ctx.store.acceptSend({ accountId: owner.accountId, now: T0 + 1, limits: [], delivery: again }), { kind: 'accepted' });
      assert.deepEqual((await ctx.store.listDeliveries(owner.accountId, pin.id)).map((d) => d.medium), ['sms', 'voice']);
    });

    test('getPin is scoped by account', async () => {
      const owner = await createOwner(ctx.store);
      const other = await createOwner(ctx.store);
      const { pin } = await insertPin(ctx.store, owner);
      assert.equal(await ctx.store.getPin(other.accountId, pin.id), undefined);
      assert.equal(await ctx.store.getPin(owner.accountId, 'nope'), undefined);
      const got = await ctx.store.getPin(owner.accountId, pin.id);
      assert.ok(Buffer.isBuffer(got?.seed) && got.seed.equals(pin.seed));
    });

    test('a limit admits exactly max sends per window and says when the window ends', async () => {
      const owner = await createOwner(ctx.store);
      const perNumber = limit('send:number:x', 3, DAY);
      for (let i = 0; i < 3; i++) {
        assert.equal((await ctx.store.acceptSend(sendPlan(owner, T0 + i * MINUTE, { limits: [perNumber] }))).kind, 'accepted');
      }
      const refused = sendPlan(owner, T0 + 5 * MINUTE, { limits: [perNumber] });
      assert.deepEqual(await ctx.store.acceptSend(refused), { kind: 'limited', label: perNumber.label, retryAfterMs: DAY - 5 * MINUTE });
      assert.equal(await ctx.store.getPin(owner.accountId, refused.pin.id), undefined, 'a refused send writes nothing');
      assert.equal(await ctx.store.getDelivery(refused.delivery.id), undefined);
    });

    test('the window is anchored at its first event and resets once the period is over', async () => {
      const owner = await createOwner(ctx.store);
      const l = limit('send:number:y', 2, DAY);
      const send = (at: number) => ctx.store.acceptSend(sendPlan(owner, at, { limits: [l] }));
      assert.equal((await send(T0)).kind, 'accepted');
      assert.equal((await send(T0 + DAY - 2)).kind, 'accepted');
      assert.deepEqual(await send(T0 + DAY - 1), { kind: 'limited', label: l.label, retryAfterMs: 1 });
      // A new window opens at T0 + DAY (not sliding from the second event) and counts afresh.
      assert.equal((await send(T0 + DAY)).kind, 'accepted');
      assert.equal((await send(T0 + DAY + 1)).kind, 'accepted');
      assert.deepEqual(await send(T0 + DAY + 2), { kind: 'limited', label: l.label, retryAfterMs: DAY - 2 });
    });

    test('every limit is checked; a breach of a later one rolls back the earlier counts', async () => {
      const owner = await createOwner(ctx.store);
      const perNumber = (max: number) => limit('send:number:app:41790000001', max, DAY);
      const perApp = (max: number) => limit('send:app:app', max, DAY);
      const send = (at: number, numberMax: number, appMax: number) =>
        ctx.store.acceptSend(sendPlan(owner, at, { limits: [perNumber(numberMax), perApp(appMax)] }));
      assert.equal((await send(T0, 3, 2)).kind, 'accepted');
      assert.equal((await send(T0 + 1, 3, 2)).kind, 'accepted');
      const refused = await send(T0 + 2, 3, 2);
      assert.equal(refused.kind, 'limited');
      assert.equal(refused.kind === 'limited' && refused.label, perApp(2).label);
      // Had the per-number count of the refused send stuck, the number would be at 3 now.
      assert.equal((await send(T0 + 3, 3, 100)).kind, 'accepted');
      const byNumber = await send(T0 + 4, 3, 100);
      assert.equal(byNumber.kind === 'limited' && byNumber.label, perNumber(3).label);
    });

    test('a window opened by a refused send is given back whole: the next send opens its own', async () => {
      const owner = await createOwner(ctx.store);
      const perNumber = (n: string) => limit(`send:number:app:${n}`, 1, DAY);
      const perApp = (max: number) => limit('send:app:app', max, DAY);
      const send = (at: number, n: string, appMax: number) =>
        ctx.store.acceptSend(sendPlan(owner, at, { limits: [perNumber(n), perApp(appMax)] }));
      assert.equal((await send(T0, '41790000001', 1)).kind, 'accepted');
      // Number 2's first send opens its window, then the application limit refuses it.
      assert.equal((await send(T0 + 10, '41790000002', 1)).kind, 'limited');
      assert.equal((await send(T0 + 20, '41790000002', 100)).kind, 'accepted', 'the refused send left no count');
      // The window is anchored at the accepted send (T0 + 20), not at the refused one (T0 + 10).
      assert.deepEqual(await send(T0 + 30, '41790000002', 100), { kind: 'limited', label: perNumber('41790000002').label, retryAfterMs: DAY - 10 });
    });
  });

  describe('idempotency', () => {
    const key = (requestHash: string, response: unknown, expiresAt = T0 + DAY) => ({ key: 'idem-1', requestHash, response, expiresAt });

    test('the same key and request replays the first response and writes nothing else', async () => {
      const owner = await createOwner(ctx.store);
      const l = limit('send:number:idem', 1, DAY);
      const first = sendPlan(owner, T0, { limits: [l], idempotency: key('h1', { pinId: 'first', to: '4179' }) });
      assert.deepEqual(await ctx.store.acceptSend(first), { kind: 'accepted' });
      const again = sendPlan(owner, T0 + 1, { limits: [l], idempotency: key('h1', { pinId: 'second' }) });
      assert.deepEqual(await ctx.store.acceptSend(again), { kind: 'replay', response: { pinId: 'first', to: '4179' } });
      assert.equal(await ctx.store.getPin(owner.accountId, again.pin.id), undefined);
    });

    test('the same key with another request is a conflict', async () => {
      const owner = await createOwner(ctx.store);
      assert.equal((await ctx.store.acceptSend(sendPlan(owner, T0, { idempotency: key('h1', {}) }))).kind, 'accepted');
      const other = sendPlan(owner, T0 + 1, { idempotency: key('h2', {}) });
      assert.deepEqual(await ctx.store.acceptSend(other), { kind: 'idempotency_conflict' });
      assert.equal(await ctx.store.getPin(owner.accountId, other.pin.id), undefined);
    });

    test('an expired key is free again; keys are per account', async () => {
      const owner = await createOwner(ctx.store);
      const other = await createOwner(ctx.store);
      assert.equal((await ctx.store.acceptSend(sendPlan(owner, T0, { idempotency: key('h1', { n: 1 }, T0 + MINUTE) }))).kind, 'accepted');
      assert.equal((await ctx.store.acceptSend(sendPlan(other, T0 + 1, { idempotency: key('h9', { n: 9 }) }))).kind, 'accepted');
      assert.equal((await ctx.store.acceptSend(sendPlan(owner, T0 + MINUTE - 1, { idempotency: key('h2', {}) }))).kind, 'idempotency_conflict');
      assert.equal((await ctx.store.acceptSend(sendPlan(owner, T0 + MINUTE, { idempotency: key('h2', { n: 2 }, T0 + DAY) }))).kind, 'accepted');
      assert.deepEqual(await ctx.store.acceptSend(sendPlan(owner, T0 + MINUTE + 1, { idempotency: key('h2', {}) })), { kind: 'replay', response: { n: 2 } });
    });

    test('a refused send does not keep its key: the retry is a new send', async () => {
      const owner = await createOwner(ctx.store);
      const l = limit('send:number:retry', 1, MINUTE);
      assert.equal((await ctx.store.acceptSend(sendPlan(owner, T0, { limits: [l] }))).kind, 'accepted');
      assert.equal((await ctx.store.acceptSend(sendPlan(owner, T0 + 1, { limits: [l], idempotency: key('h1', { n: 1 }) }))).kind, 'limited');
      assert.equal((await ctx.store.acceptSend(sendPlan(owner, T0 + MINUTE, { limits: [l], idempotency: key('h1', { n: 2 }) }))).kind, 'accepted');
    });
  });

  verifyContract(ctx);
}
