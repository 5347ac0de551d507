import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createOwner, insertPin, limit, MINUTE, T0, type ContractContext } from './fixtures.ts';

const generous = limit('verify:generous', 1000, MINUTE);

/** beginVerifyAttempt, markVerified and listVerifications. */
export function verifyContract(ctx: ContractContext): void {
  describe('beginVerifyAttempt', () => {
    test('counts attempts up to max_attempts, then the PIN is exhausted', async () => {
      const owner = await createOwner(ctx.store);
      const { pin } = await insertPin(ctx.store, owner, { maxAttempts: 3 });
      for (const n of [1, 2, 3]) assert.deepEqual(await ctx.store.beginVerifyAttempt(pin.id, generous, T0 + n), { kind: 'attempt', attemptsUsed: n });
      assert.deepEqual(await ctx.store.beginVerifyAttempt(pin.id, generous, T0 + 4), { kind: 'exhausted' });
      assert.equal((await ctx.store.getPin(owner.accountId, pin.id))?.attemptsUsed, 3);
    });

    test('an unknown PIN is exhausted', async () => {
      assert.deepEqual(await ctx.store.beginVerifyAttempt('nope', generous, T0), { kind: 'exhausted' });
    });

    test('the verify limit refuses without taking an attempt, and frees up when its window ends', async () => {
      const owner = await createOwner(ctx.store);
      const { pin } = await insertPin(ctx.store, owner);
      const l = limit('verify:app:4179', 2, MINUTE);
      assert.equal((await ctx.store.beginVerifyAttempt(pin.id, l, T0)).kind, 'attempt');
      assert.equal((await ctx.store.beginVerifyAttempt(pin.id, l, T0 + 10)).kind, 'attempt');
      assert.deepEqual(await ctx.store.beginVerifyAttempt(pin.id, l, T0 + 20), { kind: 'limited', label: l.label, retryAfterMs: MINUTE - 20 });
      assert.equal((await ctx.store.getPin(owner.accountId, pin.id))?.attemptsUsed, 2);
      assert.deepEqual(await ctx.store.beginVerifyAttempt(pin.id, l, T0 + MINUTE), { kind: 'attempt', attemptsUsed: 3 });
    });

    test('a verified single-use PIN answers already_verified without counting', async () => {
      const owner = await createOwner(ctx.store);
      const { pin } = await insertPin(ctx.store, owner, { multipleVerifications: false });
      assert.equal((await ctx.store.beginVerifyAttempt(pin.id, generous, T0)).kind, 'attempt');
      assert.equal(await ctx.store.markVerified(pin.id, T0 + 1, true), true);
      const strict = limit('verify:strict', 1, MINUTE); // would refuse if it were consumed
      assert.deepEqual(await ctx.store.beginVerifyAttempt(pin.id, strict, T0 + 2), { kind: 'already_verified' });
      assert.equal((await ctx.store.beginVerifyAttempt(pin.id, strict, T0 + 3)).kind, 'already_verified');
      assert.equal((await ctx.store.getPin(owner.accountId, pin.id))?.attemptsUsed, 1);
    });

    test('a verified multi-use PIN keeps counting attempts', async () => {
      const owner = await createOwner(ctx.store);
      const { pin } = await insertPin(ctx.store, owner, { multipleVerifications: true, maxAttempts: 2 });
      assert.equal((await ctx.store.beginVerifyAttempt(pin.id, generous, T0)).kind, 'attempt');
      assert.equal(await ctx.store.markVerified(pin.id, T0 + 1, false), true);
      assert.deepEqual(await ctx.store.beginVerifyAttempt(pin.id, generous, T0 + 2), { kind: 'attempt', attemptsUsed: 2 });
      assert.deepEqual(await ctx.store.beginVerifyAttempt(pin.id, generous, T0 + 3), { kind: 'exhausted' });
    });
  });

  describe('markVerified', () => {
    test('single-use: only the first caller gets true, and its time stays', async () => {
      const owner = await createOwner(ctx.store);
      const { pin } = await insertPin(ctx.store, owner);
      assert.equal(await ctx.store.markVerified(pin.id, T0 + 5, true), true);
      assert.equal(await ctx.store.markVerified(pin.id, T0 + 6, true), false);
      assert.equal((await ctx.store.getPin(owner.accountId, pin.id))?.verifiedAt, T0 + 5);
    });

    test('multi-use: every caller gets true, the first verification time stays', async () => {
      const owner = await createOwner(ctx.store);
      const { pin } = await insertPin(ctx.store, owner, { multipleVerifications: true });
      assert.equal(await ctx.store.markVerified(pin.id, T0 + 5, false), true);
      assert.equal(await ctx.store.markVerified(pin.id, T0 + 6, false), true);
      assert.equal((await ctx.store.getPin(owner.accountId, pin.id))?.verifiedAt, T0 + 5);
      assert.equal(await ctx.store.markVerified('nope', T0, false), false);
    });
  });

  describe('listVerifications', () => {
    test('one row per PIN to that number, newest first (ties: last inserted first)', async () => {
      const owner = await createOwner(ctx.store);
      const to = '41790000009';
      const older = await insertPin(ctx.store, owner, { to, createdAt: T0 });
      const tieA = await insertPin(ctx.store, owner, { to, createdAt: T0 + 10 });
      const tieB = await insertPin(ctx.store, owner, { to, createdAt: T0 + 10 });
      await insertPin(ctx.store, owner, { to: '41790000008', createdAt: T0 + 20 }); // other number
      const otherApp = await createOwner(ctx.store);
      await insertPin(ctx.store, { ...otherApp, accountId: owner.accountId }, { to, createdAt: T0 + 30 }); // other app
      await ctx.store.markVerified(tieA.pin.id, T0 + 11, true);
      await ctx.store.claimDeliveries('w', T0 + 12, MINUTE, 10);
      await ctx.store.recordReport(older.delivery.id, 'w', { channelId: 'sms', status: 'DELIVERED_TO_HANDSET', final: true, reached: true }, T0 + 13);

      const rows = await ctx.store.listVerifications(owner.accountId, owner.applicationId, to);
      assert.deepEqual(rows, [
        { msisdn: to, verified: false, verifiedAt: null, sentAt: tieB.pin.createdAt, delivered: false },
        { msisdn: to, verified: true, verifiedAt: T0 + 11, sentAt: tieA.pin.createdAt, delivered: false },
        { msisdn: to, verified: false, verifiedAt: null, sentAt: older.pin.createdAt, delivered: true },
      ]);
      const foreign = await createOwner(ctx.store);
      assert.deepEqual(await ctx.store.listVerifications(foreign.accountId, owner.applicationId, to), []);
    });
  });
}
