/**
 * The email channel against an independent SMTP implementation: Debian's python3-aiosmtpd,
 * whose Debugging handler prints every received message to stdout.
 * Skipped when aiosmtpd is not installed, except in CI (CI=true), where that is a failure.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createEmailChannel } from '../../src/channels/email/index.ts';
import { closedPort, noDeps, pinEmail, testConfig } from './smtp-peer.ts';

// Debian's interpreter, not the pyenv python3 that may come first on PATH.
const PYTHON = '/usr/bin/python3';
const probe = spawnSync(PYTHON, ['-c', 'import aiosmtpd'], { encoding: 'utf8' });
const missing = probe.status === 0 ? undefined : `${PYTHON} cannot import aiosmtpd (apt-get install python3-aiosmtpd): ${probe.error?.message ?? probe.stderr.trim()}`;
const inCI = process.env.CI === 'true';

async function waitForPort(port: number, deadlineMs: number): Promise<void> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const sock = net.connect(port, '127.0.0.1', () => { sock.destroy(); resolve(true); });
      sock.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`aiosmtpd did not listen on ${port} within ${deadlineMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('email channel → Debian aiosmtpd (independent peer)', { skip: !inCI && missing ? missing : false }, () => {
  let child: ChildProcess | undefined;
  let port = 0;
  let stdout = '';

  before(async () => {
    if (missing) throw new Error(`CI=true but ${missing}`);
    port = await closedPort();
    // -u: unbuffered, so the printed message reaches our pipe before the 250 reaches the client.
    child = spawn(PYTHON, ['-u', '-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${port}`, '-c', 'aiosmtpd.handlers.Debugging'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk; });
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
    await waitForPort(port, 8_000).catch((err: Error) => {
      throw new Error(`${err.message}; stderr: ${stderr}`);
    });
  });

  after(() => {
    if (child && child.exitCode === null) child.kill('SIGTERM');
  });

  it('delivers one message; aiosmtpd prints the subject, the PIN and the List-Unsubscribe header', async () => {
    // aiosmtpd without TLS config offers neither STARTTLS nor AUTH: plain SMTP on loopback.
    const channel = await createEmailChannel(testConfig({ port, requireTLS: false }), noDeps);
    try {
      const report = await channel.send(pinEmail('tester@example.test', '246810'), new AbortController().signal);
      assert.equal(report.status, 'DELIVERED');
      assert.equal(report.resultCode, 'SMTP 250');
      assert.equal(report.final, true);
      assert.equal(report.reached, true);

      const until = Date.now() + 2_000;
      while (!stdout.includes('END MESSAGE') && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      assert.match(stdout, /^Subject: Your open2fa verification code$/m);
      assert.match(stdout, /Your verification code is 246810\./);
      assert.match(stdout, /^List-Unsubscribe: <https:\/\/otp\.example\.test\/unsub\?u=42>$/m);
      assert.match(stdout, new RegExp(`^Message-ID: <${report.providerMessageId}>$`, 'mi'));
    } finally {
      await channel.close();
    }
  });
});
