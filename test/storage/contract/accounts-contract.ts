import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import type { ApiKeyRecord } from '../../../src/domain/records.ts';
import { account, application, id, T0, template, type ContractContext } from './fixtures.ts';

function apiKey(accountId: string, over: Partial<ApiKeyRecord> = {}): ApiKeyRecord & { hash: Buffer } {
  return {
    id: id(), accountId, name: 'key', prefix: 'o2_abc', scopes: ['2fa:manage', '2fa:pin:send'],
    createdAt: T0, revokedAt: null, hash: randomBytes(32), ...over,
  };
}

/** Accounts, API keys, applications and templates: plain records, always scoped by account. */
export function accountsContract(ctx: ContractContext): void {
  describe('accounts', () => {
    test('created accounts are found by id and name, listed by creation time then name', async () => {
      const late = account({ name: 'zeta', createdAt: T0 + 10, creditBalance: 12.5 });
      const b = account({ name: 'bravo' });
      const a = account({ name: 'alpha' });
      for (const x of [late, b, a]) await ctx.store.createAccount(x);
      assert.deepEqual(await ctx.store.getAccount(late.id), late);
      assert.deepEqual(await ctx.store.findAccountByName('bravo'), b);
      assert.equal(await ctx.store.getAccount('nope'), undefined);
      assert.equal(await ctx.store.findAccountByName('nope'), undefined);
      assert.deepEqual((await ctx.store.listAccounts()).map((x) => x.name), ['alpha', 'bravo', 'zeta']);
    });

    test('account names are unique', async () => {
      await ctx.store.createAccount(account({ name: 'same' }));
      await assert.rejects(ctx.store.createAccount(account({ name: 'same' })));
    });
  });

  describe('api keys', () => {
    test('a key is found by its hash, with scopes and hash; unknown hashes are not', async () => {
      const a = account();
      await ctx.store.createAccount(a);
      const k = apiKey(a.id, { scopes: ['2fa:pin:send'] });
      await ctx.store.insertApiKey(k);
      const found = await ctx.store.findApiKeyByHash(Buffer.from(k.hash));
      assert.deepEqual(found, k);
      assert.ok(Buffer.isBuffer(found?.hash));
      assert.equal(await ctx.store.findApiKeyByHash(randomBytes(32)), undefined);
    });

    test('listing is per account or all, oldest first, and never includes the hash', async () => {
      const a = account(); const b = account();
      await ctx.store.createAccount(a); await ctx.store.createAccount(b);
      const k2 = apiKey(a.id, { name: 'second', createdAt: T0 + 2 });
      const k1 = apiKey(a.id, { name: 'first', createdAt: T0 + 1 });
      const kb = apiKey(b.id, { name: 'other', createdAt: T0 + 3 });
      for (const k of [k2, k1, kb]) await ctx.store.insertApiKey(k);
      const mine = await ctx.store.listApiKeys(a.id);
      assert.deepEqual(mine.map((k) => k.name), ['first', 'second']);
      assert.ok(mine.every((k) => !('hash' in k)));
      const { hash: _h, ...k1WithoutHash } = k1;
      assert.deepEqual(mine[0], k1WithoutHash);
      assert.deepEqual((await ctx.store.listApiKeys()).map((k) => k.name), ['first', 'second', 'other']);
    });

    test('revoking works once; active keys are counted across accounts', async () => {
      const a = account(); const b = account();
      await ctx.store.createAccount(a); await ctx.store.createAccount(b);
      const keys = [apiKey(a.id), apiKey(a.id), apiKey(b.id)];
      for (const k of keys) await ctx.store.insertApiKey(k);
      assert.equal(await ctx.store.countActiveApiKeys(), 3);
      assert.equal(await ctx.store.revokeApiKey(keys[0]!.id, T0 + 5), true);
      assert.equal(await ctx.store.revokeApiKey(keys[0]!.id, T0 + 6), false);
      assert.equal(await ctx.store.revokeApiKey('nope', T0 + 6), false);
      assert.equal(await ctx.store.countActiveApiKeys(), 2);
      assert.equal((await ctx.store.findApiKeyByHash(keys[0]!.hash))?.revokedAt, T0 + 5);
    });

    test('a key must belong to an existing account', async () => {
      await assert.rejects(ctx.store.insertApiKey(apiKey('no-such-account')));
    });
  });

  describe('applications', () => {
    test('round-trips every field; a foreign account does not find it', async () => {
      const a = account(); const other = account();
      await ctx.store.createAccount(a); await ctx.store.createAccount(other);
      const app = application(a.id, { enabled: false, notifyUrl: 'https://example.test/hook' });
      await ctx.store.insertApplication(app);
      assert.deepEqual(await ctx.store.getApplication(a.id, app.id), app);
      assert.equal(await ctx.store.getApplication(other.id, app.id), undefined);
      assert.equal(await ctx.store.getApplication(a.id, 'nope'), undefined);
    });

    test('update changes the editable fields, keeps the webhook secret, and only for the owner', async () => {
      const a = account(); const other = account();
      await ctx.store.createAccount(a); await ctx.store.createAccount(other);
      const app = application(a.id);
      await ctx.store.insertApplication(app);
      const edited = {
        ...app, name: 'renamed', enabled: false, notifyUrl: 'https://example.test/n', webhookSecret: 'ignored',
        configuration: { ...app.configuration, pinAttempts: 3 }, updatedAt: T0 + 99,
      };
      await ctx.store.updateApplication(edited);
      assert.deepEqual(await ctx.store.getApplication(a.id, app.id), { ...edited, webhookSecret: app.webhookSecret });
      await ctx.store.updateApplication({ ...edited, accountId: other.id, name: 'hijacked' });
      assert.equal((await ctx.store.getApplication(a.id, app.id))?.name, 'renamed');
    });

    test('listed per account, oldest first, ties in insertion order', async () => {
      const a = account(); const other = account();
      await ctx.store.createAccount(a); await ctx.store.createAccount(other);
      const names = ['c', 'a', 'b'];
      for (const name of names) await ctx.store.insertApplication(application(a.id, { name, createdAt: T0 }));
      await ctx.store.insertApplication(application(a.id, { name: 'older', createdAt: T0 - 1 }));
      await ctx.store.insertApplication(application(other.id, { name: 'foreign' }));
      assert.deepEqual((await ctx.store.listApplications(a.id)).map((x) => x.name), ['older', ...names]);
    });
  });

  describe('templates', () => {
    test('round-trip with optional fields; scoped by account and application', async () => {
      const a = account(); const other = account();
      await ctx.store.createAccount(a); await ctx.store.createAccount(other);
      const app = application(a.id); const app2 = application(a.id);
      await ctx.store.insertApplication(app); await ctx.store.insertApplication(app2);
      const t = template(a.id, app.id, {
        kind: 'email', pinType: 'ALPHANUMERIC', pinLength: 8, from: 'noreply@example.test', emailTemplateId: 42,
        landingPageId: 'lp1', speechRate: 1.25, regional: { indiaDlt: { contentTemplateId: 'x', principalEntityId: 'y' } },
      });
      await ctx.store.insertTemplate(t);
      assert.deepEqual(await ctx.store.getTemplate(a.id, app.id, t.id), t);
      assert.equal(await ctx.store.getTemplate(other.id, app.id, t.id), undefined);
      assert.equal(await ctx.store.getTemplate(a.id, app2.id, t.id), undefined);
    });

    test('update replaces the body for the owner only; listed oldest first, ties in insertion order', async () => {
      const a = account(); const other = account();
      await ctx.store.createAccount(a); await ctx.store.createAccount(other);
      const app = application(a.id);
      await ctx.store.insertApplication(app);
      const t1 = template(a.id, app.id, { messageText: 'one' });
      const t2 = template(a.id, app.id, { messageText: 'two' });
      const t0 = template(a.id, app.id, { messageText: 'zero', createdAt: T0 - 1 });
      for (const t of [t1, t2, t0]) await ctx.store.insertTemplate(t);
      const edited = { ...t1, messageText: 'uno', pinLength: 4, updatedAt: T0 + 7 };
      await ctx.store.updateTemplate(edited);
      await ctx.store.updateTemplate({ ...t2, accountId: other.id, messageText: 'hijacked' });
      assert.deepEqual(await ctx.store.getTemplate(a.id, app.id, t1.id), edited);
      assert.deepEqual((await ctx.store.listTemplates(a.id, app.id)).map((t) => t.messageText), ['zero', 'uno', 'two']);
      assert.deepEqual(await ctx.store.listTemplates(other.id, app.id), []);
    });
  });
}
