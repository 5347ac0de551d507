/**
 * Two open2fa processes on one PostgreSQL schema (issue 5, "Must show"): verification attempts,
 * the per-number send limit and idempotency keys hold across processes, because every count is
 * one atomic statement or transaction in the shared database, never a per-process counter.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  appAndTemplate, call, captures, freshSchema, ok, pinIn, whenPostgres, startServer, tally, waitFor,
} from './lib.ts';

await whenPostgres('two processes on one PostgreSQL', () => {
  test('two processes on one PostgreSQL', { timeout: 180_000 }, async (t) => {
    const db = await freshSchema();
    t.after(() => db.drop());
    // Started one after the other; starting at once on an empty schema is tested below.
    const a = await startServer(t, { role: 'all', databaseUrl: db.url });
    const b = await startServer(t, { role: 'all', databaseUrl: db.url });
    const A = a.url as string;
    const B = b.url as string;
    const either = (i: number) => (i % 2 === 0 ? A : B);

    await t.test('200 concurrent wrong PINs over both processes take exactly the 100 attempts there are', async () => {
      const { appId, messageId } = await appAndTemplate(A, { pinAttempts: 100, verifyPinLimit: '100000/1s', sendPinPerPhoneNumberLimit: '100/1d' });
      const to = '41793000001';
      const { pinId } = await ok(A, 'POST', '/2fa/2/pin', { applicationId: appId, messageId, to });
      // Captured by whichever process's worker claimed the delivery; read through the other one.
      const [message] = await waitFor('the PIN is delivered', 20_000, async () => ((await captures(B, to)).length ? await captures(B, to) : undefined));
      const pin = pinIn(message.text);
      const wrong = pin.split('').map((c: string) => (c === '0' ? '1' : '0')).join('');

      const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => call(either(i), 'POST', `/2fa/2/pin/${pinId}/verify`, { pin: wrong })));
      assert.deepEqual([...tally(answers.map((r) => r.status))], [[200, 200]], 'every verify answers 200');
      const errors = tally(answers.map((r) => r.body.pinError));
      assert.equal(errors.get('WRONG_PIN'), 100, JSON.stringify([...errors]));
      assert.equal(errors.get('NO_MORE_PIN_ATTEMPTS'), 100, JSON.stringify([...errors]));
      // Each attempt was handed out once: the wrong answers saw 99, 98, … 0 remaining, each exactly once.
      const remaining = answers.filter((r) => r.body.pinError === 'WRONG_PIN').map((r) => r.body.attemptsRemaining as number).sort((x, y) => x - y);
      assert.deepEqual(remaining, Array.from({ length: 100 }, (_, i) => i));
      // Both processes took part.
      for (const base of [A, B]) assert.ok(answers.some((r, i) => either(i) === base && r.body.pinError === 'WRONG_PIN'), `${base} took attempts`);

      for (const base of [A, B]) assert.equal((await ok(base, 'GET', `/2fa/2/pin/${pinId}/status`)).attemptsRemaining, 0);
      for (const base of [A, B]) {
        const right = await ok(base, 'POST', `/2fa/2/pin/${pinId}/verify`, { pin });
        assert.equal(right.verified, false, 'the correct PIN after the last attempt is refused');
        assert.equal(right.pinError, 'NO_MORE_PIN_ATTEMPTS');
      }
    });

    await t.test('the per-number send limit holds across both: 40 concurrent sends, exactly 5 accepted', async () => {
      const { appId, messageId } = await appAndTemplate(A, { sendPinPerPhoneNumberLimit: '5/1d', sendPinPerApplicationLimit: '100000/1d' });
      const to = '41793000002';
      const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => call(either(i), 'POST', '/2fa/2/pin', { applicationId: appId, messageId, to })));
      const statuses = tally(answers.map((r) => r.status));
      assert.equal(statuses.get(200), 5, JSON.stringify([...statuses]));
      assert.equal(statuses.get(429), 35, JSON.stringify([...statuses]));
      for (const r of answers.filter((x) => x.status === 429)) {
        assert.equal(r.body.requestError.serviceException.messageId, 'TOO_MANY_REQUESTS');
        assert.match(r.body.requestError.serviceException.text, /sendPinPerPhoneNumberLimit 5\/1d/);
        assert.ok(Number(r.headers.get('retry-after')) > 0, 'Retry-After is set');
      }
      const accepted = new Set(answers.filter((r) => r.status === 200).map((r) => r.body.pinId as string));
      assert.equal(accepted.size, 5);
      // The refused sends left nothing behind: exactly five deliveries happened.
      const got = await waitFor('five deliveries', 20_000, async () => { const m = await captures(A, to); return m.length >= 5 ? m : undefined; });
      assert.equal(got.length, 5);
      assert.deepEqual(new Set(got.map((m) => m.pinId)), accepted);
      // And the limit still refuses from either process.
      for (const base of [A, B]) assert.equal((await call(base, 'POST', '/2fa/2/pin', { applicationId: appId, messageId, to })).status, 429);
    });

    await t.test('one Idempotency-Key sent to both at once: one PIN, one delivery, the same answer 20 times', async () => {
      const { appId, messageId } = await appAndTemplate(A, { sendPinPerPhoneNumberLimit: '100/1d' });
      const to = '41793000003';
      const body = { applicationId: appId, messageId, to };
      const headers = { 'idempotency-key': `scale-${Date.now()}` };
      const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => call(either(i), 'POST', '/2fa/2/pin', body, { headers })));
      assert.deepEqual([...tally(answers.map((r) => r.status))], [[200, 20]], JSON.stringify(answers.find((r) => r.status !== 200)?.body));
      const pinIds = new Set(answers.map((r) => r.body.pinId));
      assert.equal(pinIds.size, 1, `pinIds: ${[...pinIds].join(', ')}`);
      const first = JSON.stringify(answers[0]?.body);
      for (const r of answers) assert.equal(JSON.stringify(r.body), first, 'every replay is the stored answer, byte for byte');
      const pinId = [...pinIds][0] as string;
      const status = await waitFor('the delivery ends', 20_000, async () => {
        const s = await ok(B, 'GET', `/2fa/2/pin/${pinId}/status`);
        return s.deliveries.every((d: { final: boolean }) => d.final) ? s : undefined;
      });
      assert.equal(status.deliveries.length, 1, 'one delivery');
      assert.equal((await captures(A, to)).length, 1, 'one sandbox capture');
      // A different body under the same key is a conflict, from either process.
      for (const base of [A, B]) {
        const r = await call(base, 'POST', '/2fa/2/pin', { ...body, to: '41793000004' }, { headers });
        assert.equal(r.status, 409, JSON.stringify(r.body));
      }
    });
  });

  // Known bug (not in the storage layer): on an empty database, processes that start at the same
  // time all find no bootstrap key and all insert it (read-then-write in
  // AccountService.bootstrap); the losers exit with "duplicate key value violates unique
  // constraint". Migrations themselves serialise correctly (advisory lock). Until bootstrap
  // tolerates the race, start one process first or let the supervisor restart the loser.
  test('processes starting at once on an empty schema all come up (bootstrap race)', { timeout: 120_000 }, async (t) => {
    for (let round = 0; round < 4; round++) {
      const db = await freshSchema();
      const started = [1, 2, 3].map(() => startServer(t, { role: 'api', databaseUrl: db.url }));
      try {
        await Promise.all(started);
      } finally {
        for (const s of await Promise.allSettled(started)) if (s.status === 'fulfilled') { s.value.signal('SIGKILL'); await s.value.exited; }
        await db.drop();
      }
    }
  });
});
