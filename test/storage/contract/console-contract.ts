import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ActivityWindow } from '../../../src/domain/console-views.ts';
import { createOwner, insertPin, MINUTE, sandboxMessage, T0, type ContractContext } from './fixtures.ts';

const HOUR = 60 * MINUTE;
const SECOND = 1000;
const window: ActivityWindow = { from: T0, to: T0 + 4 * HOUR, bucketMs: HOUR, verifyEdgesMs: [10 * SECOND, 60 * SECOND] };
const byKey = <T extends Record<string, unknown>>(rows: T[], key: keyof T) => [...rows].sort((a, b) => String(a[key]).localeCompare(String(b[key]), 'en', { numeric: true }));

/** The web console's read-only views: counted per window, listed newest first, one account only. */
export function consoleContract(ctx: ContractContext): void {
  describe('console views', () => {
    test('accountActivity counts the account\'s PINs and deliveries created in [from, to), by bucket, status and verify time', async () => {
      const owner = await createOwner(ctx.store);
      const other = await createOwner(ctx.store);
      const send = async (at: number, verifyAfter: number | null, d: Parameters<typeof insertPin>[3] = {}) => {
        const { pin } = await insertPin(ctx.store, owner, { createdAt: at, expiresAt: at + HOUR }, { state: 'done', final: true, ...d });
        if (verifyAfter !== null) assert.equal(await ctx.store.markVerified(pin.id, at + verifyAfter, true), true);
      };
      await send(T0 + MINUTE, 5 * SECOND, { medium: 'voice', status: 'PROCESSED' }); // bucket 0, bin 0
      await send(T0 + HOUR + MINUTE, 30 * SECOND, { medium: 'voice', status: 'PROCESSED' }); // bucket 1, bin 1
      await send(T0 + HOUR + 2 * MINUTE, null, { medium: 'voice', status: 'ERROR_USER_BUSY' });
      await send(T0 + 3 * HOUR, 2 * MINUTE, { medium: 'sms', status: 'DELIVERED_TO_HANDSET' }); // bucket 3, bin 2 (open)
      await send(T0 + 3 * HOUR + 1, 10 * SECOND, { medium: 'sms', status: 'DELIVERED_TO_HANDSET' }); // bucket 3, bin 0 (edge inclusive)
      await send(T0 - 1, 1000); // before the window
      await send(T0 + 4 * HOUR, 1000); // `to` is exclusive
      await insertPin(ctx.store, other, { createdAt: T0 + MINUTE }, { medium: 'voice', status: 'PROCESSED' });

      const a = await ctx.store.accountActivity(owner.accountId, window);
      assert.deepEqual(byKey(a.sent, 'bucket'), [{ bucket: 0, count: 1 }, { bucket: 1, count: 2 }, { bucket: 3, count: 2 }]);
      assert.deepEqual(byKey(a.verified, 'bucket'), [{ bucket: 0, count: 1 }, { bucket: 1, count: 1 }, { bucket: 3, count: 2 }]);
      assert.deepEqual(byKey(a.outcomes, 'status'), [
        { medium: 'sms', status: 'DELIVERED_TO_HANDSET', count: 2 },
        { medium: 'voice', status: 'ERROR_USER_BUSY', count: 1 },
        { medium: 'voice', status: 'PROCESSED', count: 2 },
      ]);
      assert.deepEqual(byKey(a.verifyTimes, 'bin'), [{ bin: 0, count: 2 }, { bin: 1, count: 1 }, { bin: 2, count: 1 }]);

      const empty = await ctx.store.accountActivity(owner.accountId, { ...window, from: T0 + 10 * HOUR, to: T0 + 11 * HOUR });
      assert.deepEqual(empty, { sent: [], verified: [], outcomes: [], verifyTimes: [] });
    });

    test('listRecentPins: newest first (ties: last inserted first), with deliveries oldest first, never the PIN', async () => {
      const owner = await createOwner(ctx.store);
      const other = await createOwner(ctx.store);
      const a = await insertPin(ctx.store, owner, { createdAt: T0 + 1 });
      const b = await insertPin(ctx.store, owner, { createdAt: T0 + 2 }, { medium: 'voice', status: 'PROCESSING' });
      const c = await insertPin(ctx.store, owner, { createdAt: T0 + 2 });
      await insertPin(ctx.store, other, { createdAt: T0 + 3 });
      // A resend: a second delivery of PIN b. Its id differs from the first in the last hex digit
      // (setting the last two to "FF" collided once in 256 runs, when the random id ended in FF).
      const last = b.delivery.id.slice(-1);
      const resend = { ...b.delivery, id: `${b.delivery.id.slice(0, -1)}${last === 'F' ? 'E' : 'F'}`, medium: 'sms' as const, createdAt: T0 + 5, updatedAt: T0 + 5 };
      assert.equal((await ctx.store.acceptSend({ accountId: owner.accountId, now: T0 + 5, limits: [], delivery: resend })).kind, 'accepted');
      await ctx.store.markVerified(a.pin.id, T0 + 9, true);

      const recent = await ctx.store.listRecentPins(owner.accountId, 10);
      assert.deepEqual(recent.map((p) => p.id), [c.pin.id, b.pin.id, a.pin.id]);
      const pinB = recent[1]!;
      assert.deepEqual(pinB.deliveries.map((d) => [d.id, d.medium, d.status, d.final]), [[b.delivery.id, 'voice', 'PROCESSING', false], [resend.id, 'sms', 'PROCESSING', false]]);
      assert.deepEqual(Object.keys(pinB).sort(), ['applicationId', 'attemptsUsed', 'createdAt', 'deliveries', 'expiresAt', 'id', 'maxAttempts', 'sentAt', 'templateId', 'to', 'verifiedAt']);
      assert.equal(recent[2]!.verifiedAt, T0 + 9);
      assert.equal(recent[0]!.verifiedAt, null);
      assert.deepEqual((await ctx.store.listRecentPins(owner.accountId, 2)).map((p) => p.id), [c.pin.id, b.pin.id]);
      assert.deepEqual((await ctx.store.listRecentPins(owner.accountId, 10, T0 + 2)).map((p) => p.id), [a.pin.id], 'before is exclusive');
      assert.deepEqual(await ctx.store.listRecentPins('nobody', 10), []);
    });

    test('listRecentSandboxMessages: the account\'s captures to any destination, newest first, with the PIN seed', async () => {
      const owner = await createOwner(ctx.store);
      const other = await createOwner(ctx.store);
      const a = await insertPin(ctx.store, owner, { to: '41790000001' });
      const b = await insertPin(ctx.store, owner, { to: '41790000002' }, { medium: 'voice' });
      const f = await insertPin(ctx.store, other);
      const m1 = sandboxMessage(a.delivery, { createdAt: T0 + 1 });
      const m2 = sandboxMessage(b.delivery, { createdAt: T0 + 2, audioFile: 'x.wav' });
      const m3 = sandboxMessage(a.delivery, { createdAt: T0 + 2 });
      for (const m of [m1, m2, m3, sandboxMessage(f.delivery, { createdAt: T0 + 9 })]) await ctx.store.insertSandboxMessage(m);
      const listed = await ctx.store.listRecentSandboxMessages(owner.accountId, 10);
      assert.deepEqual(listed.map((m) => m.id), [m3.id, m2.id, m1.id]);
      const { pin, ...message } = listed[1]!;
      assert.deepEqual(message, m2);
      assert.deepEqual(pin, { id: b.pin.id, seed: b.pin.seed, pinType: b.pin.pinType, pinLength: b.pin.pinLength, expiresAt: b.pin.expiresAt });
      assert.deepEqual((await ctx.store.listRecentSandboxMessages(owner.accountId, 1)).map((m) => m.id), [m3.id]);
    });
  });
}
