import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ChannelError } from '../../src/channels/contract.ts';
import { createSmsChannel } from '../../src/channels/sms/index.ts';
import { THROTTLE_RETRIES } from '../../src/channels/sms/sms-channel.ts';
import { DESTINATION, recorder, smscConfig, smsMessage, waitFor } from './helpers/channel-harness.ts';
import { startFakeSmsc, unusedPort } from './helpers/fake-smsc.ts';

/** The SMS channel against the `smpp` package's server as SMSC, in-process on 127.0.0.1. */

const signal = () => AbortSignal.timeout(10_000);

function isChannelError(code: string) {
  return (error: unknown) => error instanceof ChannelError && error.code === code && error.retryable;
}

test('binds as transceiver with the configured credentials and is ready', async () => {
  const smsc = await startFakeSmsc();
  const { deps } = recorder();
  const channel = await createSmsChannel({ smscs: [smscConfig('primary', smsc.port)], routes: [] }, deps);
  try {
    assert.deepEqual(smsc.binds, [{ systemId: 'open2fa', password: 'secret', systemType: 'OTP', accepted: true }]);
    const health = await channel.check!();
    assert.equal(health.ok, true, health.detail);
    assert.match(health.detail, /primary: bound/);
    assert.deepEqual(channel.stats(), { windowInUse: 0, connected: 1 });
  } finally {
    await channel.close();
    await smsc.close();
  }
});

test('a refused bind shows in check() and a send fails UNAVAILABLE (retryable)', async () => {
  const smsc = await startFakeSmsc({ password: 'other' });
  const { deps } = recorder();
  const channel = await createSmsChannel({ smscs: [smscConfig('primary', smsc.port)], routes: [] }, deps);
  try {
    const health = await channel.check!();
    assert.equal(health.ok, false);
    assert.match(health.detail, /primary: bind refused: ESME_RINVPASWD \(0x0000000E\)/);
    await assert.rejects(channel.send(smsMessage(), signal()), isChannelError('UNAVAILABLE'));
    assert.equal(smsc.submits.length, 0);
  } finally {
    await channel.close();
    await smsc.close();
  }
});

test('submit → PENDING_ENROUTE, then the DELIVRD receipt reports DELIVERED_TO_HANDSET', async () => {
  const smsc = await startFakeSmsc({ receiptStat: () => 'DELIVRD' });
  const rec = recorder();
  const channel = await createSmsChannel({ smscs: [smscConfig('primary', smsc.port)], routes: [] }, rec.deps);
  try {
    const message = smsMessage();
    const accepted = await channel.send(message, signal());
    assert.deepEqual(accepted, {
      status: 'PENDING_ENROUTE', final: false, reached: true, resultCode: 'SMPP 0x00000000', providerMessageId: 'fake-1', sender: 'open2fa',
    });
    const [submit] = smsc.submits;
    assert.ok(submit);
    assert.equal(submit.source_addr, 'open2fa');
    assert.deepEqual([submit.source_addr_ton, submit.source_addr_npi], [5, 0]);
    assert.deepEqual([submit.destination_addr, submit.dest_addr_ton, submit.dest_addr_npi], [DESTINATION, 1, 1]);
    assert.deepEqual([submit.registered_delivery, submit.data_coding, submit.esm_class], [1, 0, 0]);
    assert.equal((submit.short_message as { message: string }).message, 'Your PIN is 4821.');

    const report = await rec.nextReport(message.deliveryId);
    assert.deepEqual(report, {
      status: 'DELIVERED_TO_HANDSET', final: true, reached: true, resultCode: 'SMPP stat:DELIVRD err:000', providerMessageId: 'fake-1',
    });
    await waitFor(() => smsc.receiptAcks.length === 1);
    assert.equal(smsc.receiptAcks[0]?.command_status, 0);
    const logs = rec.logs.join('\n');
    assert.ok(!logs.includes(DESTINATION) && !logs.includes('4821'), 'logs carry neither the number nor the PIN');
    assert.match(logs, /4179\*\*\*\*\*27/);
  } finally {
    await channel.close();
    await smsc.close();
  }
});

test('receipt TLVs (receipted_message_id, message_state UNDELIVERABLE) map to UNDELIVERABLE_NOT_DELIVERED', async () => {
  const smsc = await startFakeSmsc({ receiptStat: () => 'UNDELIV', receiptTlvs: true });
  const rec = recorder();
  const channel = await createSmsChannel({ smscs: [smscConfig('primary', smsc.port)], routes: [] }, rec.deps);
  try {
    const message = smsMessage({ from: '41791234567' });
    await channel.send(message, signal());
    assert.deepEqual([smsc.submits[0]?.source_addr, smsc.submits[0]?.source_addr_ton, smsc.submits[0]?.source_addr_npi], ['41791234567', 1, 1]);
    const report = await rec.nextReport(message.deliveryId);
    assert.deepEqual([report.status, report.final, report.reached, report.resultCode], ['UNDELIVERABLE_NOT_DELIVERED', true, false, 'SMPP stat:UNDELIV err:001']);
  } finally {
    await channel.close();
    await smsc.close();
  }
});

test('ESME_RTHROTTLED twice, then accepted: retried on the same bind', async () => {
  const smsc = await startFakeSmsc({ submitStatus: (_pdu, index) => (index < 2 ? 0x58 : 0) });
  const { deps } = recorder();
  const channel = await createSmsChannel({ smscs: [smscConfig('primary', smsc.port)], routes: [] }, deps);
  try {
    const report = await channel.send(smsMessage(), signal());
    assert.equal(report.status, 'PENDING_ENROUTE');
    assert.equal(smsc.submits.length, 3);
    assert.equal(smsc.binds.length, 1);
  } finally {
    await channel.close();
    await smsc.close();
  }
});

test('throttled beyond the retry budget: THROTTLED (retryable) for the queue', async () => {
  const smsc = await startFakeSmsc({ submitStatus: () => 0x14 });
  const { deps } = recorder();
  const channel = await createSmsChannel({ smscs: [smscConfig('primary', smsc.port)], routes: [] }, deps);
  try {
    await assert.rejects(channel.send(smsMessage(), signal()), isChannelError('THROTTLED'));
    assert.equal(smsc.submits.length, 1 + THROTTLE_RETRIES);
  } finally {
    await channel.close();
    await smsc.close();
  }
});

test('a permanent error (0x0B invalid destination) is a final UNDELIVERABLE_REJECTED_OPERATOR', async () => {
  const smsc = await startFakeSmsc({ submitStatus: () => 0x0b });
  const { deps } = recorder();
  const channel = await createSmsChannel({ smscs: [smscConfig('primary', smsc.port)], routes: [] }, deps);
  try {
    const report = await channel.send(smsMessage(), signal());
    assert.deepEqual(
      { status: report.status, final: report.final, reached: report.reached, resultCode: report.resultCode },
      { status: 'UNDELIVERABLE_REJECTED_OPERATOR', final: true, reached: false, resultCode: 'SMPP 0x0000000B' },
    );
    assert.match(report.detail ?? '', /ESME_RINVDSTADR/);
    assert.equal(smsc.submits.length, 1);
  } finally {
    await channel.close();
    await smsc.close();
  }
});

test('no submit_sm_resp within submitTimeoutMs: TIMEOUT (retryable)', async () => {
  const smsc = await startFakeSmsc({ responseDelayMs: 1_000 });
  const { deps } = recorder();
  const channel = await createSmsChannel({ smscs: [smscConfig('primary', smsc.port, { submitTimeoutMs: 200 })], routes: [] }, deps);
  try {
    await assert.rejects(channel.send(smsMessage(), signal()), isChannelError('TIMEOUT'));
    assert.equal(channel.stats().windowInUse, 0);
  } finally {
    await channel.close();
    await smsc.close();
  }
});

test('reconnects after the SMSC drops the connection; the next send goes through', async () => {
  const smsc = await startFakeSmsc();
  const { deps } = recorder();
  const channel = await createSmsChannel({ smscs: [smscConfig('primary', smsc.port)], routes: [] }, deps);
  try {
    assert.equal((await channel.send(smsMessage(), signal())).status, 'PENDING_ENROUTE');
    smsc.dropSessions();
    await waitFor(() => channel.stats().connected === 0);
    const report = await channel.send(smsMessage(), signal());
    assert.equal(report.status, 'PENDING_ENROUTE');
    assert.equal(smsc.binds.length, 2);
    assert.equal(smsc.submits.length, 2);
  } finally {
    await channel.close();
    await smsc.close();
  }
});

test('enquire_link keeps the bind alive; an unanswered one counts as a dead link and triggers a reconnect', async () => {
  const healthy = await startFakeSmsc();
  const hung = await startFakeSmsc({ answerEnquireLink: false });
  const { deps } = recorder();
  const config = { smscs: [smscConfig('healthy', healthy.port, { enquireLinkMs: 40 }), smscConfig('hung', hung.port, { enquireLinkMs: 40 })], routes: [] };
  const channel = await createSmsChannel(config, deps);
  try {
    await waitFor(() => hung.binds.length >= 2, 2_000);
    assert.ok(healthy.enquireLinks >= 2);
    assert.equal(healthy.binds.length, 1, 'the answered keep-alive never disturbs the healthy bind');
  } finally {
    await channel.close();
    await Promise.all([healthy.close(), hung.close()]);
  }
});

test('window: never more than windowSize submit_sm outstanding', async () => {
  const smsc = await startFakeSmsc({ responseDelayMs: 40 });
  const { deps } = recorder();
  const channel = await createSmsChannel({ smscs: [smscConfig('primary', smsc.port, { windowSize: 4 })], routes: [] }, deps);
  try {
    let maxInUse = 0;
    const probe = setInterval(() => (maxInUse = Math.max(maxInUse, channel.stats().windowInUse)), 2);
    const reports = await Promise.all(Array.from({ length: 20 }, () => channel.send(smsMessage(), signal())));
    clearInterval(probe);
    assert.ok(reports.every((r) => r.status === 'PENDING_ENROUTE'));
    assert.equal(smsc.submits.length, 20);
    assert.equal(smsc.maxOutstanding, 4, 'the SMSC saw exactly the window, never more');
    assert.ok(maxInUse <= 4 && maxInUse > 0, `windowInUse peaked at ${maxInUse}`);
    assert.equal(channel.stats().windowInUse, 0);
  } finally {
    await channel.close();
    await smsc.close();
  }
});

test('failover: the first SMSC is down, the route\'s second one takes the message', async () => {
  const downPort = await unusedPort();
  const smsc = await startFakeSmsc();
  const { deps } = recorder();
  const config = {
    smscs: [smscConfig('first', downPort), smscConfig('second', smsc.port)],
    routes: [{ prefix: '41', smscs: ['first', 'second'] }, { prefix: '', smscs: ['first'] }],
  };
  const channel = await createSmsChannel(config, deps);
  try {
    const report = await channel.send(smsMessage(), signal());
    assert.equal(report.status, 'PENDING_ENROUTE');
    assert.equal(smsc.submits.length, 1);
    await assert.rejects(channel.send(smsMessage({ to: '4930123456' }), signal()), isChannelError('UNAVAILABLE'));
    const health = await channel.check!();
    assert.equal(health.ok, false);
    assert.match(health.detail, /first: .*ECONNREFUSED/);
    assert.match(health.detail, /no bound SMSC for prefix ''/);
  } finally {
    await channel.close();
    await smsc.close();
  }
});

test('failover on a transient error (ESME_RSYSERR) to the next SMSC', async () => {
  const broken = await startFakeSmsc({ submitStatus: () => 0x08 });
  const healthy = await startFakeSmsc();
  const { deps } = recorder();
  const channel = await createSmsChannel({ smscs: [smscConfig('broken', broken.port), smscConfig('healthy', healthy.port)], routes: [] }, deps);
  try {
    assert.equal((await channel.send(smsMessage(), signal())).status, 'PENDING_ENROUTE');
    assert.deepEqual([broken.submits.length, healthy.submits.length], [1, 1]);
  } finally {
    await channel.close();
    await Promise.all([broken.close(), healthy.close()]);
  }
});

test('a destination without a route is REJECTED_NETWORK at once', async () => {
  const smsc = await startFakeSmsc();
  const { deps } = recorder();
  const channel = await createSmsChannel({ smscs: [smscConfig('primary', smsc.port)], routes: [{ prefix: '49', smscs: ['primary'] }] }, deps);
  try {
    const report = await channel.send(smsMessage(), signal());
    assert.deepEqual([report.status, report.final, report.reached], ['REJECTED_NETWORK', true, false]);
    assert.equal(smsc.submits.length, 0);
    await assert.rejects(channel.send(smsMessage({ to: '41-79' }), signal()), (e: unknown) => e instanceof ChannelError && e.code === 'INVALID_RECIPIENT' && !e.retryable);
  } finally {
    await channel.close();
    await smsc.close();
  }
});
