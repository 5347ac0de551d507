import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createOwner, insertPin, MINUTE, T0, type ContractContext } from './fixtures.ts';

const LEASE = MINUTE;
const report = (over: Record<string, unknown> = {}) => ({ channelId: 'sms-main', status: 'PENDING_ENROUTE', final: false, reached: false, ...over });

/** The delivery queue: claims and leases, reports, retries, expiry, depth. */
export function queueContract(ctx: ContractContext): void {
  describe('claimDeliveries', () => {
    test('claims due jobs, oldest-due first, with a lease, an attempt and the PIN seed', async () => {
      const owner = await createOwner(ctx.store);
      const late = await insertPin(ctx.store, owner, {}, { nextAttemptAt: T0 + 2 });
      const early = await insertPin(ctx.store, owner, { pinType: 'HEX', pinLength: 8 }, { nextAttemptAt: T0 + 1 });
      await insertPin(ctx.store, owner, {}, { nextAttemptAt: T0 + MINUTE }); // not due yet
      // Which jobs a limited claim takes is by due time; the order of the returned array is not specified.
      const claimed = await ctx.store.claimDeliveries('w1', T0 + 5, LEASE, 1);
      assert.deepEqual(claimed.map((c) => c.delivery.id), [early.delivery.id]);
      const rest = await ctx.store.claimDeliveries('w1', T0 + 5, LEASE, 10);
      assert.deepEqual(rest.map((c) => c.delivery.id), [late.delivery.id]);
      const first = claimed[0]!;
      assert.deepEqual(first.delivery, {
        ...early.delivery, state: 'running', leaseOwner: 'w1', leaseUntil: T0 + 5 + LEASE, attempts: 1, updatedAt: T0 + 5,
      });
      assert.deepEqual(first.pin, { id: early.pin.id, seed: early.pin.seed, pinType: 'HEX', pinLength: 8, expiresAt: early.pin.expiresAt });
      assert.ok(Buffer.isBuffer(first.pin.seed));
    });

    test('respects the limit, never hands out a leased job twice, and reclaims an expired lease', async () => {
      const owner = await createOwner(ctx.store);
      for (let i = 0; i < 3; i++) await insertPin(ctx.store, owner, {}, { nextAttemptAt: T0 + i });
      const a = await ctx.store.claimDeliveries('w1', T0 + 10, LEASE, 2);
      assert.equal(a.length, 2);
      const b = await ctx.store.claimDeliveries('w2', T0 + 10, LEASE, 10);
      assert.equal(b.length, 1);
      assert.equal((await ctx.store.claimDeliveries('w3', T0 + 10 + LEASE, LEASE, 10)).length, 0, 'lease still valid at its last instant');
      const again = await ctx.store.claimDeliveries('w3', T0 + 11 + LEASE, LEASE, 10);
      assert.equal(again.length, 3);
      assert.ok(again.every((c) => c.delivery.leaseOwner === 'w3' && c.delivery.attempts === 2));
    });
  });

  describe('extendLease', () => {
    test('only the owner of a running job extends it', async () => {
      const owner = await createOwner(ctx.store);
      const { delivery } = await insertPin(ctx.store, owner);
      assert.equal(await ctx.store.extendLease(delivery.id, 'w1', T0 + 5 * LEASE), false, 'not claimed yet');
      await ctx.store.claimDeliveries('w1', T0, LEASE, 1);
      assert.equal(await ctx.store.extendLease(delivery.id, 'w2', T0 + 5 * LEASE), false);
      assert.equal(await ctx.store.extendLease(delivery.id, 'w1', T0 + 5 * LEASE), true);
      assert.equal((await ctx.store.claimDeliveries('w2', T0 + 2 * LEASE, LEASE, 1)).length, 0);
      assert.equal((await ctx.store.getDelivery(delivery.id))?.leaseUntil, T0 + 5 * LEASE);
    });
  });

  describe('recordReport', () => {
    test('checks the lease owner; an interim report leaves the job waiting, a final one ends it', async () => {
      const owner = await createOwner(ctx.store);
      const { delivery } = await insertPin(ctx.store, owner);
      await ctx.store.claimDeliveries('w1', T0, LEASE, 1);
      assert.equal(await ctx.store.recordReport(delivery.id, 'w2', report(), T0 + 1), false);
      assert.equal((await ctx.store.getDelivery(delivery.id))?.state, 'running');
      assert.equal(await ctx.store.recordReport(delivery.id, 'w1', report({ resultCode: 'SMPP 0x00000000', providerMessageId: 'm1', price: 0.05, sender: 'Open2FA' }), T0 + 2), true);
      const waiting = await ctx.store.getDelivery(delivery.id);
      assert.deepEqual(
        { state: waiting?.state, lease: waiting?.leaseOwner, until: waiting?.leaseUntil, status: waiting?.status, ch: waiting?.channelId, price: waiting?.price },
        { state: 'waiting', lease: null, until: null, status: 'PENDING_ENROUTE', ch: 'sms-main', price: 0.05 });
      // A receipt arrives without an owner; fields it does not carry are kept.
      assert.equal(await ctx.store.recordReport(delivery.id, null, report({ status: 'DELIVERED_TO_HANDSET', final: true, reached: true, detail: 'ok' }), T0 + 3), true);
      const done = await ctx.store.getDelivery(delivery.id);
      assert.deepEqual(
        { state: done?.state, final: done?.final, reached: done?.reached, status: done?.status, rc: done?.resultCode, msg: done?.providerMessageId, sender: done?.senderUsed, detail: done?.detail, at: done?.updatedAt },
        { state: 'done', final: true, reached: true, status: 'DELIVERED_TO_HANDSET', rc: 'SMPP 0x00000000', msg: 'm1', sender: 'Open2FA', detail: 'ok', at: T0 + 3 });
    });

    test('a final status is never overwritten by a later report', async () => {
      const owner = await createOwner(ctx.store);
      const { delivery } = await insertPin(ctx.store, owner);
      await ctx.store.claimDeliveries('w1', T0, LEASE, 1);
      assert.equal(await ctx.store.recordReport(delivery.id, 'w1', report({ status: 'UNDELIVERABLE_REJECTED_OPERATOR', final: true }), T0 + 1), true);
      assert.equal(await ctx.store.recordReport(delivery.id, null, report({ status: 'PENDING_ENROUTE' }), T0 + 2), false);
      assert.equal(await ctx.store.recordReport(delivery.id, null, report({ status: 'DELIVERED_TO_HANDSET', final: true, reached: true }), T0 + 3), false);
      const d = await ctx.store.getDelivery(delivery.id);
      assert.deepEqual([d?.status, d?.state, d?.updatedAt], ['UNDELIVERABLE_REJECTED_OPERATOR', 'done', T0 + 1]);
    });

    test('a report that reached the person marks the PIN sent, once', async () => {
      const owner = await createOwner(ctx.store);
      const { pin, delivery } = await insertPin(ctx.store, owner);
      await ctx.store.claimDeliveries('w1', T0, LEASE, 1);
      await ctx.store.recordReport(delivery.id, 'w1', report(), T0 + 1);
      assert.equal((await ctx.store.getPin(owner.accountId, pin.id))?.sentAt, null, 'not reached: not sent');
      await ctx.store.recordReport(delivery.id, null, report({ status: 'DELIVERED_TO_HANDSET', reached: true }), T0 + 2);
      await ctx.store.recordReport(delivery.id, null, report({ status: 'DELIVERED_TO_HANDSET', final: true, reached: true }), T0 + 3);
      assert.equal((await ctx.store.getPin(owner.accountId, pin.id))?.sentAt, T0 + 2);
    });
  });

  describe('retryLater', () => {
    test('requeues the owner\'s job for later; not someone else\'s, not a final one', async () => {
      const owner = await createOwner(ctx.store);
      const { delivery } = await insertPin(ctx.store, owner);
      await ctx.store.claimDeliveries('w1', T0, LEASE, 1);
      assert.equal(await ctx.store.retryLater(delivery.id, 'w2', T0 + MINUTE, 'busy', T0 + 1), false);
      assert.equal(await ctx.store.retryLater(delivery.id, 'w1', T0 + MINUTE, 'busy', T0 + 1), true);
      const queued = await ctx.store.getDelivery(delivery.id);
      assert.deepEqual([queued?.state, queued?.nextAttemptAt, queued?.detail, queued?.leaseOwner, queued?.leaseUntil, queued?.updatedAt],
        ['queued', T0 + MINUTE, 'busy', null, null, T0 + 1]);
      assert.equal((await ctx.store.claimDeliveries('w2', T0 + MINUTE - 1, LEASE, 1)).length, 0);
      const [again] = await ctx.store.claimDeliveries('w2', T0 + MINUTE, LEASE, 1);
      assert.equal(again?.delivery.attempts, 2);
      await ctx.store.recordReport(delivery.id, 'w2', report({ final: true, status: 'REJECTED' }), T0 + MINUTE + 1);
      assert.equal(await ctx.store.retryLater(delivery.id, 'w2', T0 + 2 * MINUTE, 'x', T0 + MINUTE + 2), false);
    });
  });

  describe('expireWaiting and countQueued', () => {
    test('jobs waiting since before the cutoff get the final status; others stay', async () => {
      const owner = await createOwner(ctx.store);
      const old = await insertPin(ctx.store, owner);
      const fresh = await insertPin(ctx.store, owner);
      const queued = await insertPin(ctx.store, owner, {}, { nextAttemptAt: T0 + 10 * MINUTE });
      await ctx.store.claimDeliveries('w1', T0, LEASE, 10);
      await ctx.store.recordReport(old.delivery.id, 'w1', report(), T0 + 1);
      await ctx.store.recordReport(fresh.delivery.id, 'w1', report(), T0 + 5);
      assert.equal(await ctx.store.expireWaiting(T0 + 5, 'UNKNOWN', T0 + 9), 1);
      const expired = await ctx.store.getDelivery(old.delivery.id);
      assert.deepEqual([expired?.state, expired?.final, expired?.status, expired?.updatedAt], ['done', true, 'UNKNOWN', T0 + 9]);
      assert.equal((await ctx.store.getDelivery(fresh.delivery.id))?.state, 'waiting');
      assert.equal((await ctx.store.getDelivery(queued.delivery.id))?.state, 'queued');
    });

    test('countQueued: how many wait to be claimed and how long the oldest is overdue', async () => {
      assert.deepEqual(await ctx.store.countQueued(T0), { depth: 0, oldestAgeMs: 0 });
      const owner = await createOwner(ctx.store);
      await insertPin(ctx.store, owner, {}, { nextAttemptAt: T0 });
      await insertPin(ctx.store, owner, {}, { nextAttemptAt: T0 + 500 });
      assert.deepEqual(await ctx.store.countQueued(T0 + 2000), { depth: 2, oldestAgeMs: 2000 });
      assert.deepEqual(await ctx.store.countQueued(T0 - 100), { depth: 2, oldestAgeMs: 0 });
      await ctx.store.claimDeliveries('w1', T0, LEASE, 1);
      assert.deepEqual(await ctx.store.countQueued(T0 + 2000), { depth: 1, oldestAgeMs: 1500 });
    });
  });

  describe('listDeliveries and getDelivery', () => {
    test('scoped by account; unknown ids are not found', async () => {
      const owner = await createOwner(ctx.store);
      const other = await createOwner(ctx.store);
      const { pin } = await insertPin(ctx.store, owner);
      assert.deepEqual(await ctx.store.listDeliveries(other.accountId, pin.id), []);
      assert.equal(await ctx.store.getDelivery('nope'), undefined);
    });
  });
}
