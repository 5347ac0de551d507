import type { Command } from 'commander';
import { accountByName, printTable, withOpen2fa } from '../context.ts';

const amountOf = (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`"${value}" is not a non-negative amount`);
  return n;
};

/** Credits: an account's optional balance; voice calls are priced by `voice.prices`. */
export function registerCreditCommands(program: Command): void {
  const credits = program.command('credits').description('account balances and call charges');
  credits.command('set')
    .description('set a balance (use "unlimited" to remove it)')
    .requiredOption('-a, --account <name>', 'account name')
    .requiredOption('-b, --balance <amount>', 'new balance, or "unlimited"')
    .action(async (opts: { account: string; balance: string }, cmd: Command) => {
      await withOpen2fa(cmd, async (o) => {
        const account = await accountByName(o, opts.account);
        const balance = opts.balance === 'unlimited' ? null : amountOf(opts.balance);
        await o.store.setCreditBalance(account.id, balance);
        console.log(`balance of "${account.name}": ${balance ?? 'unlimited'}`);
      });
    });
  credits.command('topup')
    .description('add to a balance')
    .requiredOption('-a, --account <name>', 'account name')
    .requiredOption('--amount <amount>', 'amount to add')
    .action(async (opts: { account: string; amount: string }, cmd: Command) => {
      await withOpen2fa(cmd, async (o) => {
        const account = await accountByName(o, opts.account);
        if (account.creditBalance === null) throw new Error(`"${account.name}" is unlimited; set a balance first with \`credits set\``);
        const balance = await o.store.addCredits(account.id, amountOf(opts.amount));
        console.log(`balance of "${account.name}": ${balance}`);
      });
    });
  credits.command('show')
    .description('show the balance and the latest charges')
    .requiredOption('-a, --account <name>', 'account name')
    .option('-n, --limit <n>', 'charges to list', '20')
    .action(async (opts: { account: string; limit: string }, cmd: Command) => {
      await withOpen2fa(cmd, async (o) => {
        const account = await accountByName(o, opts.account);
        console.log(`balance of "${account.name}": ${account.creditBalance ?? 'unlimited'}`);
        printTable((await o.store.listCharges(account.id, Number(opts.limit))).map((c) => ({
          deliveryId: c.deliveryId, pinId: c.pinId, to: `${c.to.slice(0, 4)}…${c.to.slice(-2)}`, price: c.price,
          ended: c.endedAt ? new Date(c.endedAt).toISOString() : '',
        })));
      });
    });
}
