import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createSmsChannel } from '../../src/channels/sms/index.ts';
import type { Store } from '../../src/domain/ports.ts';
import { createSqliteStore } from '../../src/storage/sqlite/sqlite-store.ts';
import { recorder, smscConfig, smsMessage, waitFor } from './helpers/channel-harness.ts';
import { startFakeSmsc, type FakeSmsc } from './helpers/fake-smsc.ts';

/**
 * Receipts matched through the store (docs/sms.md, "Delivery receipts"): two channels stand for
 * two open2fa processes on one SMSC account and one database. The SMSC hands a receipt to
 * whichever bind it likes; the one that gets it must find the delivery the other submitted.
 */

const signal = () => AbortSignal.timeout(10_000);

async function withSharedStore(fn: (store: Store, smsc: FakeSmsc) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'open2fa-sms-receipts-'));
  const store = createSqliteStore(join(dir, 'open2fa.sqlite'));
  const smsc = await startFakeSmsc(); // no automatic receipts: the test pushes each one
  try {
    await store.migrate();
    await fn(store, smsc);
  } finally {
    await smsc.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a receipt delivered to another process\'s bind reaches the delivery through the shared store', async () => {
  await withSharedStore(async (store, smsc) => {
    const [a, b] = [recorder(), recorder()];
    const channelA = await createSmsChannel({ smscs: [smscConfig('primary', smsc.port)], routes: [] }, { ...a.deps, receipts: store });
    const channelB = await createSmsChannel({ smscs: [smscConfig('primary', smsc.port)], routes: [] }, { ...b.deps, receipts: store });
    try {
      const message = smsMessage();
      const accepted = await channelA.send(message, signal());
      assert.equal(accepted.status, 'PENDING_ENROUTE');
      const messageId = smsc.messageIds[0]!;
      smsc.pushReceipt(messageId.toUpperCase(), 'DELIVRD', 1); // B's bind; the SMSC writes the id in another case

      const report = await b.nextReport(message.deliveryId);
      assert.deepEqual([report.status, report.final, report.reached], ['DELIVERED_TO_HANDSET', true, true]);
      await waitFor(() => smsc.receiptAcks.length === 1);
      assert.deepEqual(a.reports, [], 'the submitting process reports nothing: its bind got no receipt');
      // Settled once: the same receipt again (an SMSC retrying) reports nothing more.
      smsc.pushReceipt(messageId, 'DELIVRD', 1);
      await waitFor(() => smsc.receiptAcks.length === 2);
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(b.reports.length, 1);
    } finally {
      await Promise.all([channelA.close(), channelB.close()]);
    }
  });
});

test('a receipt arriving after a restart is matched by the new process', async () => {
  await withSharedStore(async (store, smsc) => {
    const before = recorder();
    const first = await createSmsChannel({ smscs: [smscConfig('primary', smsc.port)], routes: [] }, { ...before.deps, receipts: store });
    const message = smsMessage();
    try {
      await first.send(message, signal());
    } finally {
      await first.close();
    }

    const after = recorder();
    const restarted = await createSmsChannel({ smscs: [smscConfig('primary', smsc.port)], routes: [] }, { ...after.deps, receipts: store });
    try {
      smsc.pushReceipt(smsc.messageIds[0]!, 'UNDELIV', -1); // the only bind left: the new process's
      const report = await after.nextReport(message.deliveryId);
      assert.deepEqual([report.status, report.final, report.reached], ['UNDELIVERABLE_NOT_DELIVERED', true, false]);
      assert.deepEqual(before.reports, []);
    } finally {
      await restarted.close();
    }
  });
});
