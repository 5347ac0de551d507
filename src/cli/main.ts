import { Command } from 'commander';
import { ConfigError } from '../config/load.ts';
import { registerAccountCommands } from './commands/accounts.ts';
import { registerAppCommands } from './commands/apps.ts';
import { registerCreditCommands } from './commands/credits.ts';
import { registerSandboxCommands } from './commands/sandbox.ts';
import { registerServeCommands } from './commands/serve.ts';

/** `open2fa <command>`: thin shells over the same services the HTTP API uses. */
const program = new Command()
  .name('open2fa')
  .description('Self-hosted phone verification server speaking Infobip\'s 2FA API')
  .option('-c, --config <file>', 'YAML or JSON config file (also OPEN2FA_CONFIG)')
  .showHelpAfterError();

registerServeCommands(program);
registerAccountCommands(program);
registerAppCommands(program);
registerCreditCommands(program);
registerSandboxCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
  } else {
    console.error(`open2fa: ${(err as Error).message}`);
  }
  process.exitCode = 1;
}
