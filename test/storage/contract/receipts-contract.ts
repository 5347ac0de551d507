import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DAY, id, MINUTE, T0, type ContractContext } from './fixtures.ts';

/**
 * SMS delivery receipts (expectReceipts / settleReceipt): the message-id → delivery map every
 * process bound to an SMSC shares, so a receipt reaching any of them, or a restarted one, finds
 * its delivery. The channel normalises ids before they get here; the store compares them as given.
 */
export function receiptsContract(ctx: ContractContext): void {
  describe('SMS delivery receipts', () => {
    const until = T0 + 2 * DAY;

    test('a single part delivered decides its delivery; a duplicate receipt finds nothing', async () => {
      const d = id();
      await ctx.store.expectReceipts(d, 'smsc-a', ['m1'], until);
      assert.deepEqual(await ctx.store.settleReceipt('smsc-a', 'm1', true), { deliveryId: d, decided: true });
      assert.equal(await ctx.store.settleReceipt('smsc-a', 'm1', true), undefined);
    });

    test('two parts: the first delivered leaves it open, the second decides', async () => {
      const d = id();
      await ctx.store.expectReceipts(d, 'smsc-a', ['p1', 'p2'], until);
      assert.deepEqual(await ctx.store.settleReceipt('smsc-a', 'p2', true), { deliveryId: d, decided: false });
      assert.deepEqual(await ctx.store.settleReceipt('smsc-a', 'p1', true), { deliveryId: d, decided: true });
      assert.equal(await ctx.store.settleReceipt('smsc-a', 'p1', true), undefined);
    });

    test('the first failing part of three decides; the other parts\' later receipts find nothing', async () => {
      const d = id();
      const other = id();
      await ctx.store.expectReceipts(d, 'smsc-a', ['q1', 'q2', 'q3'], until);
      await ctx.store.expectReceipts(other, 'smsc-a', ['r1'], until);
      assert.deepEqual(await ctx.store.settleReceipt('smsc-a', 'q2', false), { deliveryId: d, decided: true });
      assert.equal(await ctx.store.settleReceipt('smsc-a', 'q1', true), undefined);
      assert.equal(await ctx.store.settleReceipt('smsc-a', 'q3', false), undefined);
      assert.deepEqual(await ctx.store.settleReceipt('smsc-a', 'r1', true), { deliveryId: other, decided: true }, 'another delivery is untouched');
    });

    test('an unknown id finds nothing', async () => {
      assert.equal(await ctx.store.settleReceipt('smsc-a', 'never-submitted', true), undefined);
      assert.equal(await ctx.store.settleReceipt('smsc-a', 'never-submitted', false), undefined);
    });

    test('the same message id on two SMSCs belongs to two deliveries', async () => {
      const [a, b] = [id(), id()];
      await ctx.store.expectReceipts(a, 'smsc-a', ['7'], until);
      await ctx.store.expectReceipts(b, 'smsc-b', ['7'], until);
      assert.deepEqual(await ctx.store.settleReceipt('smsc-b', '7', false), { deliveryId: b, decided: true });
      assert.deepEqual(await ctx.store.settleReceipt('smsc-a', '7', true), { deliveryId: a, decided: true });
    });

    test('expecting an id again re-points it to the newer delivery (idempotent for the same one)', async () => {
      const [first, second] = [id(), id()];
      await ctx.store.expectReceipts(first, 'smsc-a', ['reused', 'f2'], until);
      await ctx.store.expectReceipts(first, 'smsc-a', ['reused', 'f2'], until);
      await ctx.store.expectReceipts(second, 'smsc-a', ['reused'], until);
      assert.deepEqual(await ctx.store.settleReceipt('smsc-a', 'reused', true), { deliveryId: second, decided: true });
      assert.deepEqual(await ctx.store.settleReceipt('smsc-a', 'f2', true), { deliveryId: first, decided: true },
        'the first delivery no longer waits for the re-pointed id');
    });

    test('pruneBefore removes expectations that expired, keeps the others', async () => {
      const now = T0 + 10 * DAY;
      const [old, live] = [id(), id()];
      await ctx.store.expectReceipts(old, 'smsc-a', ['o1', 'o2'], now - MINUTE);
      await ctx.store.expectReceipts(live, 'smsc-a', ['l1'], now + MINUTE);
      assert.equal(await ctx.store.pruneBefore(now, DAY), 2);
      assert.equal(await ctx.store.settleReceipt('smsc-a', 'o1', true), undefined);
      assert.equal(await ctx.store.pruneBefore(now, DAY), 0);
      assert.deepEqual(await ctx.store.settleReceipt('smsc-a', 'l1', true), { deliveryId: live, decided: true });
    });
  });
}
