import type { Command } from 'commander';
import { accountByName, printTable, withOpen2fa } from '../context.ts';

export function registerAppCommands(program: Command): void {
  const apps = program.command('apps').description('2FA applications');
  apps.command('list').description('list an account\'s applications')
    .option('-a, --account <name>', 'account name', 'default')
    .action(async (opts: { account: string }, cmd: Command) => {
      await withOpen2fa(cmd, async (o) => {
        const account = await accountByName(o, opts.account);
        printTable((await o.services.apps.listApplications(account.id)).map((a) => ({
          applicationId: a.id, name: a.name, enabled: a.enabled, pinTimeToLive: a.configuration.pinTimeToLive,
          pinAttempts: a.configuration.pinAttempts, sendPinPerPhoneNumberLimit: a.configuration.sendPinPerPhoneNumberLimit,
        })));
      });
    });

  const templates = program.command('templates').description('message templates');
  templates.command('list').description('list the templates of an application')
    .option('-a, --account <name>', 'account name', 'default')
    .requiredOption('--app <applicationId>', 'application id')
    .action(async (opts: { account: string; app: string }, cmd: Command) => {
      await withOpen2fa(cmd, async (o) => {
        const account = await accountByName(o, opts.account);
        printTable((await o.services.apps.listTemplates(account.id, opts.app)).map((t) => ({
          messageId: t.id, kind: t.kind, pinType: t.pinType, pinLength: t.pinLength, language: t.language ?? '',
          text: t.kind === 'email' ? `emailTemplateId ${t.emailTemplateId}` : t.messageText,
        })));
      });
    });
}
