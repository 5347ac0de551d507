import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { Store } from '../../src/domain/ports.ts';
import { accountsContract } from './contract/accounts-contract.ts';
import { concurrencyContract } from './contract/concurrency-contract.ts';
import { consoleContract } from './contract/console-contract.ts';
import { extrasContract } from './contract/extras-contract.ts';
import { pinsContract } from './contract/pins-contract.ts';
import { queueContract } from './contract/queue-contract.ts';
import { receiptsContract } from './contract/receipts-contract.ts';
import { sandboxContract } from './contract/sandbox-contract.ts';
import type { ContractContext } from './contract/fixtures.ts';

export type MakeStore = () => Promise<{ store: Store; cleanup(): Promise<void> }>;

/**
 * The storage contract as tests: every backend must pass the same suite (src/domain/ports.ts).
 *
 * `makeStore` returns a fresh, empty, NOT yet migrated store; the suite migrates it before each
 * test. `cleanup` closes the store (close() must tolerate being called twice) and removes what
 * makeStore created (a temp file, a schema).
 */
export function runStoreContract(name: string, makeStore: MakeStore): void {
  describe(`Store contract: ${name}`, () => {
    let current: Awaited<ReturnType<MakeStore>> | undefined;
    let firstMigration = 0;

    beforeEach(async () => {
      current = await makeStore();
      firstMigration = await current.store.migrate();
    });
    afterEach(async () => {
      const done = current;
      current = undefined;
      await done?.cleanup();
    });

    const ctx: ContractContext = {
      get store() {
        if (!current) throw new Error('no store: used outside a test');
        return current.store;
      },
    };

    describe('lifecycle', () => {
      test('migrate applies every migration once, then nothing', async () => {
        assert.ok(firstMigration >= 1, `first migrate() ran ${firstMigration} migrations`);
        assert.equal(await ctx.store.migrate(), 0);
      });
      test('ping resolves and kind names the backend', async () => {
        await ctx.store.ping();
        assert.ok(['sqlite', 'postgres'].includes(ctx.store.kind));
      });
    });

    accountsContract(ctx);
    pinsContract(ctx);
    queueContract(ctx);
    sandboxContract(ctx);
    extrasContract(ctx);
    concurrencyContract(ctx);
    consoleContract(ctx);
    receiptsContract(ctx);
  });
}
