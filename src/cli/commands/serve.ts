import type { Command } from 'commander';
import { loadConfig } from '../../config/load.ts';
import { createOpen2fa } from '../../main.ts';
import { createLogger } from '../../app/logger.ts';

export function registerServeCommands(program: Command): void {
  program.command('serve')
    .description('start the HTTP API and the delivery worker (sandbox mode when no channel is configured)')
    .option('-p, --port <port>', 'port to listen on (also PORT)')
    .action(async (opts: { port?: string }, cmd: Command) => {
      const config = loadConfig({ file: cmd.optsWithGlobals().config, ...(opts.port ? { overrides: { port: Number(opts.port) } } : {}) });
      const o = await createOpen2fa(config);
      const address = await o.http.listen({ host: config.host, port: config.port });
      const url = `http://localhost:${new URL(address).port}`;
      const channels = o.channels.describe();
      const sandbox = Object.values(channels).every((c) => c.startsWith('sandbox'));
      console.log(`open2fa listening on ${url} (${sandbox ? 'sandbox mode: nothing leaves this machine' : JSON.stringify(channels)}; storage: ${o.store.kind})`);
      if (o.bootstrapKey) {
        console.log(`\nNo API key existed, so one was created for account "default". It is shown only now:\n\n  ${o.bootstrapKey}\n\nUse it as:  Authorization: App ${o.bootstrapKey}\n`);
      }
      let closing = false;
      const shutdown = async (signal: string) => {
        if (closing) return;
        closing = true;
        o.logger.info({ signal }, 'shutting down: finishing deliveries in progress');
        await o.close(15_000);
        process.exit(0);
      };
      process.on('SIGTERM', () => void shutdown('SIGTERM'));
      process.on('SIGINT', () => void shutdown('SIGINT'));
    });

  program.command('migrate')
    .description('apply database migrations and exit')
    .action(async (_opts: unknown, cmd: Command) => {
      const config = loadConfig({ file: cmd.optsWithGlobals().config });
      const o = await createOpen2fa(config, { logger: createLogger('warn'), worker: false });
      console.log(`migrations applied (${o.store.kind})`);
      await o.close(0);
    });
}
