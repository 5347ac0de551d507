import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createOwner, DAY, insertPin, limit, MINUTE, sandboxMessage, sendPlan, T0, type ContractContext } from './fixtures.ts';
import { webhookEvent } from './extras-contract.ts';

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

    test('charges of pruned deliveries stay listed; finished delivery reports go after retention, pending ones stay', async () => {
      const owner = await createOwner(ctx.store);
      const now = T0 + 10 * DAY;
      const old = [0, 1, 2].map(() => insertPin(ctx.store, owner, { expiresAt: T0 + MINUTE }));
      const [a, b, free] = await Promise.all(old);
      const live = await insertPin(ctx.store, owner, { createdAt: now - MINUTE, expiresAt: now + MINUTE }, { nextAttemptAt: now - MINUTE });
      await ctx.store.claimDeliveries('w', now, MINUTE, 10);
      const report = (d: { id: string }, price: number, at: number) => ctx.store.recordReport(d.id, 'w', { channelId: 'voice', status: 'COMPLETED', final: true, reached: true, price, endedAt: at }, at);
      await report(a!.delivery, 0.05, T0 + 2);
      await report(b!.delivery, 0.07, T0 + 2);
      await report(free!.delivery, 0, T0 + 3);
      await report(live.delivery, 0.02, now);
      const sent = webhookEvent(a!.delivery.id, { accountId: owner.accountId, applicationId: owner.applicationId, createdAt: T0 });
      const pending = webhookEvent(b!.delivery.id, { accountId: owner.accountId, applicationId: owner.applicationId, createdAt: T0, nextAttemptAt: T0 + 1 });
      const recent = webhookEvent(live.delivery.id, { accountId: owner.accountId, applicationId: owner.applicationId, createdAt: now, nextAttemptAt: now });
      for (const e of [sent, pending, recent]) await ctx.store.enqueueWebhook(e);
      await ctx.store.claimWebhooks('h', T0, MINUTE, 1);
      await ctx.store.finishWebhook(sent.id, 'h', { delivered: true, giveUp: false, nextAttemptAt: T0 }, T0 + 1);
      await ctx.store.claimWebhooks('h', now, MINUTE, 10);
      await ctx.store.finishWebhook(recent.id, 'h', { delivered: true, giveUp: false, nextAttemptAt: now }, now);
      const before = await ctx.store.listCharges(owner.accountId, 10);

      // deliveries 3 + pins 3 + the delivered report past retention 1
      assert.equal(await ctx.store.pruneBefore(now, DAY), 7);
      assert.equal(await ctx.store.getDelivery(a!.delivery.id), undefined);
      assert.deepEqual(await ctx.store.listCharges(owner.accountId, 10), before, 'the charges list is the same before and after');
      assert.deepEqual(before.map((c) => [c.deliveryId, c.price, c.endedAt]),
        [[live.delivery.id, 0.02, now], [b!.delivery.id, 0.07, T0 + 2], [a!.delivery.id, 0.05, T0 + 2]]);
      assert.deepEqual(await ctx.store.listCharges(owner.accountId, 2), before.slice(0, 2));
      assert.deepEqual(await ctx.store.listWebhooks(a!.delivery.id), []);
      assert.deepEqual((await ctx.store.listWebhooks(b!.delivery.id)).map((e) => e.state), ['pending']);
      assert.deepEqual((await ctx.store.listWebhooks(live.delivery.id)).map((e) => e.state), ['delivered']);
      assert.equal(await ctx.store.pruneBefore(now, DAY), 0);
      assert.deepEqual(await ctx.store.listCharges(owner.accountId, 10), before);
    });
  });
}
