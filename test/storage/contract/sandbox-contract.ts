import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createOwner, DAY, insertPin, limit, MINUTE, sandboxMessage, sendPlan, T0, type ContractContext } from './fixtures.ts';

/** Sandbox captures and housekeeping. */
export function sandboxContract(ctx: ContractContext): void {
  describe('sandbox messages', () => {
    test('listed per account and destination, newest first (ties: last inserted first), with the PIN seed', async () => {
      const owner = await createOwner(ctx.store);
      const other = await createOwner(ctx.store);
      const to = '41790000042';
      const a = await insertPin(ctx.store, owner, { to, pinType: 'ALPHA', pinLength: 5 });
      const b = await insertPin(ctx.store, owner, { to });
      const c = await insertPin(ctx.store, owner, { to: '41790000043' });
      const f = await insertPin(ctx.store, other, { to });
      const m1 = sandboxMessage(a.delivery, { createdAt: T0 + 1, content: { textParts: ['PIN: ', ''] } });
      const m2 = sandboxMessage(b.delivery, { createdAt: T0 + 2 });
      const m3 = sandboxMessage(a.delivery, { createdAt: T0 + 2, medium: 'voice', audioFile: 'call-1.wav', from: null });
      for (const m of [m1, m2, m3, sandboxMessage(c.delivery), sandboxMessage(f.delivery)]) await ctx.store.insertSandboxMessage(m);

      const listed = await ctx.store.listSandboxMessages(owner.accountId, to, 10);
      assert.deepEqual(listed.map((m) => m.id), [m3.id, m2.id, m1.id]);
      const { pin: joined, ...message } = listed[2]!;
      assert.deepEqual(message, m1);
      assert.deepEqual(joined, { id: a.pin.id, seed: a.pin.seed, pinType: 'ALPHA', pinLength: 5, expiresAt: a.pin.expiresAt });
      assert.ok(Buffer.isBuffer(joined.seed));
      assert.deepEqual((await ctx.store.listSandboxMessages(owner.accountId, to, 2)).map((m) => m.id), [m3.id, m2.id]);
    });

    test('the audio file of a delivery, for its own account only', async () => {
      const owner = await createOwner(ctx.store);
      const other = await createOwner(ctx.store);
      const voice = await insertPin(ctx.store, owner, {}, { medium: 'voice' });
      const sms = await insertPin(ctx.store, owner);
      await ctx.store.insertSandboxMessage(sandboxMessage(voice.delivery, { audioFile: 'abc.wav' }));
      await ctx.store.insertSandboxMessage(sandboxMessage(sms.delivery));
      assert.equal(await ctx.store.getSandboxAudio(owner.accountId, voice.delivery.id), 'abc.wav');
      assert.equal(await ctx.store.getSandboxAudio(other.accountId, voice.delivery.id), undefined);
      assert.equal(await ctx.store.getSandboxAudio(owner.accountId, sms.delivery.id), undefined);
      assert.equal(await ctx.store.getSandboxAudio(owner.accountId, 'nope'), undefined);
    });
  });

  describe('pruneBefore', () => {
    test('removes what is past retention, keeps what is live or unfinished', async () => {
      const owner = await createOwner(ctx.store);
      const retention = DAY;
      const now = T0 + 10 * DAY;
      // Expired long ago, delivery done: PIN, delivery and capture go.
      const gone = await insertPin(ctx.store, owner, { expiresAt: T0 + MINUTE });
      await ctx.store.claimDeliveries('w', T0, MINUTE, 10);
      await ctx.store.recordReport(gone.delivery.id, 'w', { channelId: 'sms', status: 'DELIVERED_TO_HANDSET', final: true, reached: true }, T0 + 1);
      await ctx.store.insertSandboxMessage(sandboxMessage(gone.delivery, { createdAt: T0 }));
      // Expired long ago but its delivery is unfinished: both stay.
      const unfinished = await insertPin(ctx.store, owner, { expiresAt: T0 + MINUTE }, { nextAttemptAt: now });
      // Expired within retention: stays.
      const recent = await insertPin(ctx.store, owner, { createdAt: now - MINUTE, expiresAt: now - 1 }, { state: 'done', final: true });
      const recentCapture = sandboxMessage(recent.delivery, { createdAt: now - MINUTE });
      await ctx.store.insertSandboxMessage(recentCapture);
      // Limits and idempotency keys go once expired (not after retention).
      const l = limit('send:number:prune', 1, MINUTE);
      await ctx.store.acceptSend(sendPlan(owner, now - 2 * MINUTE, { limits: [l], idempotency: { key: 'k-old', requestHash: 'h', response: {}, expiresAt: now - 1 } }));
      const liveL = limit('send:number:live', 1, DAY);
      await ctx.store.acceptSend(sendPlan(owner, now - MINUTE, { limits: [liveL], idempotency: { key: 'k-live', requestHash: 'h', response: { live: true }, expiresAt: now + DAY } }));

      // deliveries 1 + captures 1 + pins 1 + rate_limits 1 + idempotency_keys 1
      assert.equal(await ctx.store.pruneBefore(now, retention), 5);
      assert.equal(await ctx.store.getPin(owner.accountId, gone.pin.id), undefined);
      assert.equal(await ctx.store.getDelivery(gone.delivery.id), undefined);
      assert.ok(await ctx.store.getPin(owner.accountId, unfinished.pin.id));
      assert.ok(await ctx.store.getDelivery(unfinished.delivery.id));
      assert.ok(await ctx.store.getPin(owner.accountId, recent.pin.id));
      assert.deepEqual((await ctx.store.listSandboxMessages(owner.accountId, gone.pin.to, 10)).map((m) => m.id), [recentCapture.id]);
      // The expired limit is gone: a new window opens. The live one still counts; its key still replays.
      assert.equal((await ctx.store.acceptSend(sendPlan(owner, now, { limits: [l] }))).kind, 'accepted');
      assert.equal((await ctx.store.acceptSend(sendPlan(owner, now, { limits: [liveL] }))).kind, 'limited');
      assert.deepEqual(await ctx.store.acceptSend(sendPlan(owner, now, { idempotency: { key: 'k-live', requestHash: 'h', response: {}, expiresAt: now + DAY } })),
        { kind: 'replay', response: { live: true } });
      assert.equal(await ctx.store.pruneBefore(now, retention), 0);
    });
  });
}
