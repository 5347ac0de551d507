/**
 * Runs a real sipp (Debian sip-tester) as the far end of a test call: one process per test, its
 * own scenario file, loopback address and port, killed by PID when the test ends.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseSipMessage, type SipMessage } from '../../../src/channels/voice/sip/sip-message.ts';

export const SIPP_BINARY = '/usr/bin/sipp';

export interface SippOptions {
  name: string;
  /** Scenario XML; write it with the builders in sipp-scenarios.ts. */
  scenario: string;
  ip: string;
  port: number;
  mediaPort?: number;
  transport?: 'udp' | 'tcp';
  extraArgs?: string[];
  /** sipp's own global timeout: it gives up by itself even if the test forgot it. */
  timeoutSeconds?: number;
}

export interface SippExit { code: number | null; signal: NodeJS.Signals | null }

export class SippPeer {
  private readonly exitPromise: Promise<SippExit>;
  private exitInfo: SippExit | undefined;
  stdout = '';
  stderr = '';

  constructor(private readonly child: ChildProcess, readonly dir: string, readonly opts: SippOptions) {
    child.stdout?.on('data', (d: Buffer) => { this.stdout = (this.stdout + d.toString()).slice(-20000); });
    child.stderr?.on('data', (d: Buffer) => { this.stderr = (this.stderr + d.toString()).slice(-20000); });
    this.exitPromise = new Promise((resolve) => {
      child.once('exit', (code, signal) => { this.exitInfo = { code, signal }; resolve(this.exitInfo); });
    });
  }

  get pid(): number { return this.child.pid ?? -1; }
  get running(): boolean { return this.exitInfo === undefined; }

  /** Wait for sipp to finish its scenario by itself (-m 1); undefined on timeout. */
  async waitExit(timeoutMs: number): Promise<SippExit | undefined> {
    return Promise.race([this.exitPromise, sleep(timeoutMs, undefined, { ref: false }).then(() => undefined)]);
  }

  /** Kill by PID (SIGTERM, then SIGKILL); safe to call twice. Keeps the temp dir on failure for debugging. */
  async kill(): Promise<SippExit> {
    if (this.running && this.child.pid) {
      try { process.kill(this.child.pid, 'SIGTERM'); } catch { /* already gone */ }
      if (!(await this.waitExit(2000)) && this.child.pid) {
        try { process.kill(this.child.pid, 'SIGKILL'); } catch { /* already gone */ }
      }
    }
    return this.exitPromise;
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  private read(file: string): string {
    const path = join(this.dir, file);
    return existsSync(path) ? readFileSync(path, 'utf8') : '';
  }
  get messages(): string { return this.read('messages.log'); }
  get errors(): string { return this.read('errors.log'); }
  get logs(): string { return this.read('logs.log'); }

  /** Everything useful to print when an assertion fails. */
  describe(): string {
    return `sipp ${this.opts.name} pid ${this.pid} exit ${JSON.stringify(this.exitInfo)}\n--- errors\n${this.errors.slice(-3000)}\n--- logs\n${this.logs.slice(-2000)}\n--- stderr\n${this.stderr.slice(-1500)}`;
  }
}

/** `127.0.0.2:5070` as /proc/net/{udp,tcp} writes it: little-endian hex address, hex port. */
function procNetKey(ip: string, port: number): string {
  const hexIp = ip.split('.').map((o) => Number(o).toString(16).padStart(2, '0').toUpperCase()).reverse().join('');
  return `${hexIp}:${port.toString(16).padStart(4, '0').toUpperCase()}`;
}

async function waitListening(ip: string, port: number, transport: 'udp' | 'tcp', peer: SippPeer): Promise<void> {
  const key = procNetKey(ip, port);
  for (let i = 0; i < 100; i++) {
    if (!peer.running) throw new Error(`sipp exited before listening\n${peer.describe()}\n${peer.stdout.slice(-1500)}`);
    const table = readFileSync(`/proc/net/${transport}`, 'utf8');
    if (table.includes(` ${key} `)) return;
    await sleep(50);
  }
  throw new Error(`sipp did not listen on ${ip}:${port}/${transport}\n${peer.describe()}`);
}

export async function startSipp(opts: SippOptions): Promise<SippPeer> {
  const dir = mkdtempSync(join(tmpdir(), `sipp-${opts.name}-`));
  const scenarioPath = join(dir, `${opts.name}.xml`);
  writeFileSync(scenarioPath, opts.scenario);
  const transport = opts.transport ?? 'udp';
  const args = [
    '-sf', scenarioPath, '-i', opts.ip, '-p', String(opts.port),
    '-mi', opts.ip, '-mp', String(opts.mediaPort ?? 6000),
    '-t', transport === 'tcp' ? 't1' : 'u1', '-m', '1', '-nostdin',
    '-timeout', `${opts.timeoutSeconds ?? 40}s`,
    '-trace_err', '-error_file', join(dir, 'errors.log'),
    '-trace_msg', '-message_file', join(dir, 'messages.log'),
    '-trace_logs', '-log_file', join(dir, 'logs.log'),
    ...(opts.extraArgs ?? []),
  ];
  const child = spawn(SIPP_BINARY, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const peer = new SippPeer(child, dir, opts);
  try {
    await waitListening(opts.ip, opts.port, transport, peer);
  } catch (err) {
    await peer.kill();
    throw err;
  }
  return peer;
}

/** The SIP messages sipp received (from its -message_file) whose start line matches. */
export function receivedMessages(log: string, startLine: RegExp): string[] {
  return log
    .split(/^-{20,} .*$/m)
    .map((block) => block.trim())
    .filter((block) => /^(UDP|TCP) message received/.test(block))
    .map((block) => block.replace(/^(UDP|TCP) message received \[\d+\] bytes :\s*/, ''))
    .filter((message) => startLine.test(message.split(/\r?\n/)[0] ?? ''));
}

/** Parse the header part of a logged message (sipp's log trims/normalizes bodies, so skip them). */
export function parseLoggedHeaders(message: string): SipMessage {
  const lines = (message.split(/\r?\n\r?\n/)[0] ?? '').split(/\r?\n/).filter((l) => !/^(content-length|l)\s*:/i.test(l));
  return parseSipMessage(Buffer.from(`${lines.join('\r\n')}\r\nContent-Length: 0\r\n\r\n`));
}
