import type { Command } from 'commander';
import { ALL_SCOPES, type Scope } from '../../domain/records.ts';
import { accountByName, printTable, withOpen2fa } from '../context.ts';

const SCOPE_NAMES: Record<string, Scope> = { manage: '2fa:manage', send: '2fa:pin:send', '2fa:manage': '2fa:manage', '2fa:pin:send': '2fa:pin:send' };

export function registerAccountCommands(program: Command): void {
  const accounts = program.command('accounts').description('accounts own keys, applications, PINs and credits');
  accounts.command('create <name>').description('create an account').action(async (name: string, _o, cmd: Command) => {
    await withOpen2fa(cmd, async (o) => {
      const account = await o.services.accounts.createAccount(name);
      console.log(`account "${account.name}" created (id ${account.id})`);
    });
  });
  accounts.command('list').description('list accounts').action(async (_o, cmd: Command) => {
    await withOpen2fa(cmd, async (o) => {
      printTable((await o.store.listAccounts()).map((a) => ({ id: a.id, name: a.name, created: new Date(a.createdAt).toISOString(), credits: a.creditBalance ?? 'unlimited' })));
    });
  });

  const keys = program.command('keys').description('API keys (shown once, stored hashed)');
  keys.command('create').description('create an API key')
    .requiredOption('-a, --account <name>', 'account name')
    .option('-n, --name <name>', 'label for the key', 'cli')
    .option('-s, --scopes <list>', 'comma-separated: manage, send', 'manage,send')
    .action(async (opts: { account: string; name: string; scopes: string }, cmd: Command) => {
      const scopes = opts.scopes.split(',').map((s) => s.trim()).filter(Boolean).map((s) => {
        const scope = SCOPE_NAMES[s];
        if (!scope) throw new Error(`unknown scope "${s}"; use ${ALL_SCOPES.join(', ')} (or manage, send)`);
        return scope;
      });
      await withOpen2fa(cmd, async (o) => {
        const account = await accountByName(o, opts.account);
        const { key, record } = await o.services.accounts.createApiKey({ accountId: account.id, name: opts.name, scopes });
        console.log(`key ${record.id} for account "${account.name}" (${record.scopes.join(' ')}). It is shown only now:\n\n  ${key}\n`);
      });
    });
  keys.command('list').description('list API keys (never the keys themselves)')
    .option('-a, --account <name>', 'only this account')
    .action(async (opts: { account?: string }, cmd: Command) => {
      await withOpen2fa(cmd, async (o) => {
        const accountId = opts.account ? (await accountByName(o, opts.account)).id : undefined;
        printTable((await o.store.listApiKeys(accountId)).map((k) => ({
          id: k.id, account: k.accountId, name: k.name, prefix: `${k.prefix}…`, scopes: k.scopes.join(' '),
          created: new Date(k.createdAt).toISOString(), revoked: k.revokedAt ? new Date(k.revokedAt).toISOString() : '',
        })));
      });
    });
  keys.command('revoke <id>').description('revoke an API key at once').action(async (id: string, _o, cmd: Command) => {
    await withOpen2fa(cmd, async (o) => {
      if (!(await o.store.revokeApiKey(id, Date.now()))) throw new Error(`no live key with id ${id}`);
      console.log(`key ${id} revoked`);
    });
  });
}
