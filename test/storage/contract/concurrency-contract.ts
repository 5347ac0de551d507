import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SendOutcome } from '../../../src/domain/ports.ts';
import { emailContent, webhookEvent } from './extras-contract.ts';
import { account, concurrently, createOwner, DAY, insertPin, limit, MINUTE, sendPlan, T0, type ContractContext } from './fixtures.ts';

const countKinds = (results: { kind: string }[]) =>
  results.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.kind]: (acc[r.kind] ?? 0) + 1 }), {});

/**
 * Many callers at once. Trivially true on SQLite (one process, one statement at a time); on
 * PostgreSQL these run on different pooled connections and prove the locking.
 */
export function concurrencyContract(ctx: ContractContext): void {
  describe('concurrency', () => {
    test('50 concurrent verify attempts on a PIN with 20 attempts: exactly 20 get one', async () => {
      const owner = await createOwner(ctx.store);
      const { pin } = await insertPin(ctx.store, owner, { maxAttempts: 20 });
      const l = limit('verify:concurrent', 1000, MINUTE);
      const results = await concurrently(50, (i) => ctx.store.beginVerifyAttempt(pin.id, l, T0 + i));
      assert.deepEqual(countKinds(results), { attempt: 20, exhausted: 30 });
      const used = results.flatMap((r) => (r.kind === 'attempt' ? [r.attemptsUsed] : [])).sort((a, b) => a - b);
      assert.deepEqual(used, Array.from({ length: 20 }, (_, i) => i + 1), 'each attempt number handed out once');
      assert.equal((await ctx.store.getPin(owner.accountId, pin.id))?.attemptsUsed, 20);
    });

    test('30 concurrent sends under a 5/1d limit: exactly 5 accepted', async () => {
      const owner = await createOwner(ctx.store);
      const l = limit('send:number:concurrent', 5, DAY);
      const plans = Array.from({ length: 30 }, (_, i) => sendPlan(owner, T0 + i, { limits: [l] }));
      const results = await concurrently(30, (i) => ctx.store.acceptSend(plans[i]!));
      assert.deepEqual(countKinds(results), { accepted: 5, limited: 25 });
      const written = await Promise.all(plans.map((p) => ctx.store.getPin(owner.accountId, p.pin.id)));
      assert.equal(written.filter(Boolean).length, 5, 'only accepted sends left a PIN');
    });

    test('10 concurrent sends with one idempotency key: 1 accepted, 9 replay its response', async () => {
      const owner = await createOwner(ctx.store);
      const plans = Array.from({ length: 10 }, (_, i) => sendPlan(owner, T0, {
        idempotency: { key: 'same-key', requestHash: 'same-hash', response: { attempt: i }, expiresAt: T0 + DAY },
      }));
      const results: SendOutcome[] = await concurrently(10, (i) => ctx.store.acceptSend(plans[i]!));
      assert.deepEqual(countKinds(results), { accepted: 1, replay: 9 });
      const winner = results.findIndex((r) => r.kind === 'accepted');
      for (const r of results) if (r.kind === 'replay') assert.deepEqual(r.response, { attempt: winner });
      const written = await Promise.all(plans.map((p) => ctx.store.getPin(owner.accountId, p.pin.id)));
      assert.equal(written.filter(Boolean).length, 1);
    });

    test('10 concurrent sends taking over one expired idempotency key: 1 accepted, 9 replay', async () => {
      const owner = await createOwner(ctx.store);
      const idem = (requestHash: string, response: unknown) => ({ key: 'old-key', requestHash, response, expiresAt: T0 + 2 * DAY });
      assert.equal((await ctx.store.acceptSend(sendPlan(owner, T0, { idempotency: { ...idem('old', {}), expiresAt: T0 + MINUTE } }))).kind, 'accepted');
      const at = T0 + MINUTE;
      const results = await concurrently(10, (i) => ctx.store.acceptSend(sendPlan(owner, at, { idempotency: idem('new', { attempt: i }) })));
      assert.deepEqual(countKinds(results), { accepted: 1, replay: 9 });
    });

    test('10 concurrent markVerified on a single-use PIN: exactly one wins', async () => {
      const owner = await createOwner(ctx.store);
      const { pin } = await insertPin(ctx.store, owner);
      const results = await concurrently(10, (i) => ctx.store.markVerified(pin.id, T0 + i, true));
      assert.equal(results.filter(Boolean).length, 1);
    });

    test('20 concurrent reservations of 0.1 against a balance of 1: exactly 10 succeed, none overspends', async () => {
      const a = account({ creditBalance: 1 });
      await ctx.store.createAccount(a);
      const results = await concurrently(20, () => ctx.store.reserveCredits(a.id, 0.1));
      assert.equal(results.filter(Boolean).length, 10);
      assert.equal((await ctx.store.getAccount(a.id))?.creditBalance, 0);
    });

    test('10 concurrent email contents of one account get the ids 1..10', async () => {
      const created = await concurrently(10, (i) => ctx.store.createEmailContent(emailContent('acct-c', { name: `n${i}` })));
      assert.deepEqual(created.map((c) => c.id).sort((x, y) => x - y), Array.from({ length: 10 }, (_, i) => i + 1));
    });

    test('two webhook claimers draining 60 events at once: every event claimed exactly once', async () => {
      for (let i = 0; i < 60; i++) await ctx.store.enqueueWebhook(webhookEvent(`d${i % 5}`, { nextAttemptAt: T0 + (i % 3) }));
      const drain = async (owner: string) => {
        const got: string[] = [];
        for (let batch; (batch = await ctx.store.claimWebhooks(owner, T0 + 10, 10 * MINUTE, 4)).length > 0;) got.push(...batch.map((e) => e.id));
        return got;
      };
      const all = (await Promise.all([drain('a'), drain('b')])).flat();
      assert.equal(all.length, 60);
      assert.equal(new Set(all).size, 60);
    });

    test('two claimers draining 100 jobs at once: every job claimed exactly once', async () => {
      const owner = await createOwner(ctx.store);
      const expected = new Set<string>();
      for (let i = 0; i < 100; i++) expected.add((await insertPin(ctx.store, owner, {}, { nextAttemptAt: T0 + (i % 7) })).delivery.id);
      const drain = async (owner: string) => {
        const got: string[] = [];
        for (;;) {
          const batch = await ctx.store.claimDeliveries(owner, T0 + 10, 10 * MINUTE, 7);
          if (batch.length === 0) return got;
          for (const c of batch) {
            assert.equal(c.delivery.leaseOwner, owner);
            got.push(c.delivery.id);
          }
        }
      };
      const [a, b] = await Promise.all([drain('claimer-a'), drain('claimer-b')]);
      const all = [...a!, ...b!];
      assert.equal(all.length, 100, `claimed ${all.length} (a ${a!.length}, b ${b!.length})`);
      assert.deepEqual(new Set(all), expected);
      const rows = await Promise.all(all.map((id) => ctx.store.getDelivery(id)));
      assert.ok(rows.every((d) => d?.attempts === 1 && d.state === 'running'));
    });
  });
}
