import type { Command } from 'commander';
import { loadConfig } from '../../config/load.ts';
import { createOpen2fa } from '../../main.ts';
import { createLogger } from '../../app/logger.ts';

export function registerServeCommands(program: Command): void {
  program.command('serve')
    .description('start the HTTP API and the delivery worker (sandbox mode when no channel is configured)')
    .option('-p, --port <port>', 'port to listen on (also PORT)')
    .option('-r, --role <role>', 'all (default), api (HTTP only) or worker (deliveries only); also OPEN2FA_ROLE')
    .action(async (opts: { port?: string; role?: string }, cmd: Command) => {
      const overrides = { ...(opts.port ? { port: Number(opts.port) } : {}), ...(opts.role ? { role: opts.role } : {}) };
      const config = loadConfig({ file: cmd.optsWithGlobals().config, overrides });
      const o = await createOpen2fa(config, { worker: config.role !== 'api' });
      const channels = o.channels.describe();
      const sandbox = Object.values(channels).every((c) => c.startsWith('sandbox'));
      const mode = `${sandbox ? 'sandbox mode: nothing leaves this machine' : JSON.stringify(channels)}; storage: ${o.store.kind}; role: ${config.role}`;
      if (config.role === 'worker') {
        console.log(`open2fa worker running (${mode})`);
      } else {
        const address = await o.http.listen({ host: config.host, port: config.port });
        console.log(`open2fa listening on http://localhost:${new URL(address).port} (${mode})`);
      }
      if (o.ops) {
        const opsAddress = await o.ops.listen({ host: config.ops.host ?? config.host, port: config.ops.port ?? 0 });
        console.log(`operations endpoints (/healthz, /readyz, /metrics) on http://localhost:${new URL(opsAddress).port}`);
      }
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
      const config = loadConfig({ file: cmd.optsWithGlobals().config, overrides: { sqliteThread: false } });
      const o = await createOpen2fa(config, { logger: createLogger('warn'), worker: false, bootstrap: false });
      console.log(`migrations applied (${o.store.kind})`);
      await o.close(0);
    });
}
