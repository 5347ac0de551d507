import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ChannelError } from '../../src/channels/contract.ts';
import { classifySubmitStatus, describeStatus, formatStatus } from '../../src/channels/sms/command-status.ts';
import { createSmsChannel, smsConfigSchema, type SmsConfig } from '../../src/channels/sms/index.ts';
import { createRouter, destinationAddress, maskNumber, senderAddress } from '../../src/channels/sms/routing.ts';

test('routing: the longest matching prefix wins, "" is the default', () => {
  const route = createRouter([
    { prefix: '', smscs: ['default'] },
    { prefix: '41', smscs: ['swiss'] },
    { prefix: '4179', smscs: ['swisscom', 'swiss'] },
  ]);
  assert.deepEqual(route('41793026727'), ['swisscom', 'swiss']);
  assert.deepEqual(route('41443026727'), ['swiss']);
  assert.deepEqual(route('4930123456'), ['default']);
  assert.equal(createRouter([{ prefix: '49', smscs: ['de'] }])('41793026727'), undefined);
});

test('sender TON/NPI: alphanumeric 5/0, international 1/1, short code 3/0, none 0/0', () => {
  assert.deepEqual(senderAddress('open2fa'), { ton: 5, npi: 0, addr: 'open2fa' });
  assert.deepEqual(senderAddress('+41793026727'), { ton: 1, npi: 1, addr: '41793026727' });
  assert.deepEqual(senderAddress('123456789'), { ton: 1, npi: 1, addr: '123456789' });
  assert.deepEqual(senderAddress('12345678'), { ton: 3, npi: 0, addr: '12345678' });
  assert.deepEqual(senderAddress('40404'), { ton: 3, npi: 0, addr: '40404' });
  assert.deepEqual(senderAddress(undefined), { ton: 0, npi: 0, addr: '' });
});

test('destination: international digits, TON 1 / NPI 1; anything else is refused', () => {
  assert.deepEqual(destinationAddress('+41793026727'), { ton: 1, npi: 1, addr: '41793026727' });
  assert.equal(destinationAddress('41 79 302'), undefined);
  assert.equal(destinationAddress('1'.repeat(21)), undefined);
});

test('masking keeps the first 4 and last 2 digits', () => {
  assert.equal(maskNumber('41793026727'), '4179*****27');
  assert.equal(maskNumber('12345'), '*****');
  assert.equal(maskNumber('open2fa'), 'open2fa');
});

test('submit_sm_resp status classes and their names', () => {
  assert.deepEqual([0x00, 0x58, 0x14, 0x08, 0x04, 0x0b, 0x0a, 0x45].map(classifySubmitStatus), [
    'ACCEPTED', 'THROTTLED', 'THROTTLED', 'TRANSIENT', 'TRANSIENT', 'PERMANENT', 'PERMANENT', 'PERMANENT',
  ]);
  assert.equal(formatStatus(0x0b), 'SMPP 0x0000000B');
  assert.equal(describeStatus(0x58), 'ESME_RTHROTTLED (0x00000058)');
});

const valid: SmsConfig = {
  smscs: [{ name: 'a', host: '127.0.0.1', port: 2775, systemId: 'open2fa', password: 'secret' }],
  routes: [{ prefix: '', smscs: ['a'] }],
  defaultSender: 'open2fa',
};

test('config schema: accepts a valid config and names the key of each problem', () => {
  assert.deepEqual(smsConfigSchema.parse(valid), valid);
  const bad = {
    smscs: [{ ...valid.smscs[0], port: 0 }],
    routes: [{ prefix: '+41', smscs: ['a'] }],
    defaultSender: 'much-too-long-sender',
    extra: true,
  };
  const result = smsConfigSchema.safeParse(bad);
  assert.equal(result.success, false);
  const paths = result.error!.issues.map((issue) => issue.path.join('.')).sort();
  assert.deepEqual(paths, ['', 'defaultSender', 'routes.0.prefix', 'smscs.0.port']);
});

test('config schema: cross-checks names, route targets and reconnect bounds', () => {
  const result = smsConfigSchema.safeParse({
    ...valid,
    smscs: [valid.smscs[0], { ...valid.smscs[0], reconnectMinMs: 5_000, reconnectMaxMs: 1_000 }],
    routes: [{ prefix: '', smscs: ['a', 'ghost'] }, { prefix: '', smscs: ['a'] }],
  });
  const messages = result.error!.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  assert.deepEqual(messages.sort(), [
    'routes.0.smscs.1: unknown SMSC "ghost"',
    'routes.1.prefix: duplicate prefix ""',
    'smscs.1.name: duplicate SMSC name "a"',
    'smscs.1.reconnectMaxMs: must not be below reconnectMinMs',
  ]);
});

test('createSmsChannel refuses an invalid config with INVALID_CONFIG', async () => {
  await assert.rejects(
    createSmsChannel({ ...valid, routes: [{ prefix: '', smscs: ['nope'] }] }, { report: () => {}, now: Date.now }),
    (error: unknown) => error instanceof ChannelError && error.code === 'INVALID_CONFIG' && /sms\.routes\.0\.smscs\.0/.test(error.message),
  );
});
