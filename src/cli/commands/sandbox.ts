import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { Medium } from '../../channels/contract.ts';
import { accountByName, withOpen2fa } from '../context.ts';

const DEMO_APP = 'open2fa CLI demo';

export function registerSandboxCommands(program: Command): void {
  const sandbox = program.command('sandbox').description('try deliveries without sending anything');
  sandbox.command('send')
    .description('send a PIN to a sandbox destination and print what was captured')
    .requiredOption('-t, --to <destination>', 'phone number (sms, voice) or email address (email)')
    .option('--channel <channel>', 'voice, sms or email', 'sms')
    .option('-a, --account <name>', 'account name', 'default')
    .action(async (opts: { to: string; channel: string; account: string }, cmd: Command) => {
      const medium = opts.channel as Medium;
      if (!['voice', 'sms', 'email'].includes(medium)) throw new Error('--channel must be voice, sms or email');
      await withOpen2fa(cmd, async (o) => {
        const account = await accountByName(o, opts.account);
        const { apps, sender, sandbox } = o.services;
        const app = (await apps.listApplications(account.id)).find((a) => a.name === DEMO_APP)
          ?? (await apps.createApplication(account.id, { name: DEMO_APP, configuration: { sendPinPerPhoneNumberLimit: '100/1d' } }));
        const kind = medium === 'email' ? 'email' : 'message';
        const template = (await apps.listTemplates(account.id, app.id)).find((t) => t.kind === kind)
          ?? (kind === 'email'
            ? await apps.createEmailTemplate(account.id, app.id, { emailTemplateId: 1, pinLength: 6 })
            : await apps.createMessageTemplate(account.id, app.id, { pinType: 'NUMERIC', pinLength: 6, messageText: 'Your open2fa code is {{pin}}.', repeatDTMF: '1#' }));
        const to = medium === 'email' ? opts.to : opts.to.replace(/^\+/, '');
        const response = await sender.send({ accountId: account.id, medium, applicationId: app.id, messageId: template.id, to });
        console.log(`accepted: ${JSON.stringify(response)}`);
        if (o.channels.describe()[medium].startsWith('sandbox')) {
          await o.worker.drain();
          const [captured] = await sandbox.list(account.id, to, 1);
          const { audioFile, ...shown } = captured ?? { audioFile: null };
          console.log(`captured: ${JSON.stringify(shown, null, 2)}`);
          if (audioFile) console.log(`audio (what the callee hears): ${join(resolve(o.config.dataDir), 'audio', audioFile)}`);
        } else {
          console.log(`delivered through ${o.channels.describe()[medium]}; see GET /2fa/2/pin/${response.pinId}/status`);
        }
      }, { worker: true });
    });
}
