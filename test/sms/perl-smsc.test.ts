import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createSmsChannel } from '../../src/channels/sms/index.ts';
import { recorder, smscConfig, smsMessage, waitFor } from './helpers/channel-harness.ts';

/**
 * The SMS channel against an SMSC that shares no code with it: Debian's Perl Net::SMPP
 * (test/sms/peers/smsc.pl), run as a child process on its own port. The peer prints the raw
 * short_message octets of every submit_sm, so the encoding is checked byte for byte here.
 */

const PEER = fileURLToPath(new URL('./peers/smsc.pl', import.meta.url));
const perlReady = spawnSync('perl', ['-MNet::SMPP', '-e', '1']).status === 0;

function startPeer(): { child: ChildProcess; lines: string[] } {
  const child = spawn('perl', [PEER, 'open2fa', 'secret', '20'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: string[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => lines.push(line));
  return { child, lines };
}

const hex = (text: string) => Buffer.from(text, 'latin1').toString('hex');

test('send → submit_sm_resp → DELIVRD receipt through Perl Net::SMPP', { skip: !perlReady && 'perl Net::SMPP not installed', timeout: 30_000 }, async () => {
  const { child, lines } = startPeer();
  let channel: Awaited<ReturnType<typeof createSmsChannel>> | undefined;
  try {
    await waitFor(() => lines.some((line) => line.startsWith('LISTENING ')), 5_000);
    const port = Number(lines.find((line) => line.startsWith('LISTENING '))!.split(' ')[1]);
    const rec = recorder();
    channel = await createSmsChannel({ smscs: [smscConfig('perl', port)], routes: [], defaultSender: '40404' }, rec.deps);

    // 1. GSM-7 with an extension character; the default sender is a short code (TON 3 / NPI 0).
    const short = smsMessage({ from: undefined, textParts: ['PIN: ', ' €'], pin: '1234' });
    const accepted = await channel.send(short, AbortSignal.timeout(5_000));
    assert.deepEqual([accepted.status, accepted.providerMessageId, accepted.sender], ['PENDING_ENROUTE', 'perl-1', '40404']);
    const receipt = await rec.nextReport(short.deliveryId);
    assert.deepEqual(receipt, {
      status: 'DELIVERED_TO_HANDSET', final: true, reached: true, resultCode: 'SMPP stat:DELIVRD err:000', providerMessageId: 'perl-1',
    });

    // 2. 170 GSM-7 characters: two parts, one report after both receipts.
    const long = smsMessage({ textParts: ['A'.repeat(160), 'B'.repeat(9)], pin: '7' });
    assert.equal((await channel.send(long, AbortSignal.timeout(5_000))).detail, '2 parts');
    assert.equal((await rec.nextReport(long.deliveryId)).status, 'DELIVERED_TO_HANDSET');

    // 3. UCS-2.
    const cyrillic = smsMessage({ textParts: ['Код ', ''], pin: '1234' });
    await channel.send(cyrillic, AbortSignal.timeout(5_000));
    assert.equal((await rec.nextReport(cyrillic.deliveryId)).status, 'DELIVERED_TO_HANDSET');

    await channel.close();
    channel = undefined;
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 0, 'the peer saw our unbind and exited cleanly');

    const submits = lines.filter((line) => line.startsWith('SUBMIT '));
    assert.equal(submits.length, 4);
    assert.equal(submits[0], `SUBMIT src=3/0/40404 dst=1/1 esm=0 dc=0 rd=1 sm=${hex('PIN: 1234 ')}1b65`);
    const [, ref] = /sm=050003(..)0201/.exec(submits[1] ?? '') ?? [];
    assert.ok(ref, submits[1]);
    assert.equal(submits[1], `SUBMIT src=5/0/open2fa dst=1/1 esm=64 dc=0 rd=1 sm=050003${ref}0201${'41'.repeat(153)}`);
    assert.equal(submits[2], `SUBMIT src=5/0/open2fa dst=1/1 esm=64 dc=0 rd=1 sm=050003${ref}0202${'41'.repeat(7)}37${'42'.repeat(9)}`);
    assert.equal(submits[3], 'SUBMIT src=5/0/open2fa dst=1/1 esm=0 dc=8 rd=1 sm=041a043e043400200031003200330034'); // "Код 1234" UTF-16BE
    assert.deepEqual(lines.filter((line) => line.startsWith('RECEIPT_ACK')), Array(4).fill('RECEIPT_ACK status=0'));
    assert.ok(lines.includes('BIND system_id=open2fa ok=1') && lines.includes('UNBIND'));
  } finally {
    await channel?.close();
    if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGKILL');
  }
});
