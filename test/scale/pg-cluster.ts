/**
 * A PostgreSQL server the restart test may stop and start. Preferably a private one (initdb into
 * a temp dir, on its own port), so restarting it cannot disturb other tests or engineers using
 * the shared cluster; when the server binaries are missing, the shared local cluster
 * (pg_ctlcluster) is restarted instead and always started again afterwards.
 */
import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { promisify } from 'node:util';
import { PG_URL } from './lib.ts';

const run = promisify(execFile);

export interface Cluster {
  url: string;
  kind: 'private' | 'shared';
  describe: string;
  stop(): Promise<void>;
  start(): Promise<void>;
}

function serverBinDir(): string | undefined {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base).filter((v) => existsSync(join(base, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(base, versions[0], 'bin');
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** initdb refuses to run as root: run the server binaries as `postgres` then. */
function asServerUser(bin: string, args: string[]): [string, string[]] {
  return userInfo().uid === 0 ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
}

async function privateCluster(t: TestContext, bin: string): Promise<Cluster> {
  const dir = mkdtempSync(join(tmpdir(), 'open2fa-pg-'));
  if (userInfo().uid === 0) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const data = join(dir, 'data');
  const port = await freePort();
  const pgctl = (args: string[]) => {
    const [cmd, argv] = asServerUser(join(bin, 'pg_ctl'), ['-D', data, '-l', join(dir, 'log'), ...args]);
    return run(cmd, argv, { timeout: 60_000 });
  };
  const [initCmd, initArgs] = asServerUser(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  await run(initCmd, initArgs, { timeout: 120_000 });
  const options = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${dir} -c fsync=off -c max_connections=200`;
  const start = async () => { await pgctl(['-o', options, '-w', '-t', '60', 'start']); };
  const stop = async () => { await pgctl(['-m', 'fast', '-w', '-t', '60', 'stop']); };
  await start();
  t.after(async () => {
    await pgctl(['-m', 'immediate', '-w', 'stop']).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });
  return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, kind: 'private', describe: `private PostgreSQL (${bin}) on port ${port}`, start, stop };
}

async function sharedCluster(t: TestContext): Promise<Cluster> {
  const version = readdirSync('/etc/postgresql').sort((a, b) => Number(b) - Number(a))[0] as string;
  const ctl = (action: string) => run('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', action], { timeout: 60_000 });
  const start = async () => {
    await ctl('start').catch(async (err) => {
      // "already running" is fine; anything else is reported.
      const { stdout } = await run('pg_lsclusters', ['-h']);
      if (!/online/.test(stdout)) throw err;
    });
  };
  // Whatever happens in the test, the shared cluster is running again afterwards.
  t.after(() => start());
  return { url: PG_URL, kind: 'shared', describe: `the shared cluster ${version}/main (pg_ctlcluster)`, start, stop: async () => { await ctl('stop'); } };
}

/** A cluster to restart: private when the server binaries are installed, otherwise the shared one. */
export async function restartableCluster(t: TestContext): Promise<Cluster> {
  const bin = serverBinDir();
  if (bin) {
    try { return await privateCluster(t, bin); } catch (err) {
      t.diagnostic(`private PostgreSQL could not be created (${(err as Error).message.split('\n')[0]}); restarting the shared cluster instead`);
    }
  }
  if (existsSync('/etc/postgresql')) return sharedCluster(t);
  throw new Error('no way to restart PostgreSQL here: neither /usr/lib/postgresql/<v>/bin/initdb nor pg_ctlcluster is available');
}
