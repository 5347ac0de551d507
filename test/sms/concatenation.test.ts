import assert from 'node:assert/strict';
import { test } from 'node:test';
import type smpp from 'smpp';
import { createSmsChannel } from '../../src/channels/sms/index.ts';
import { recorder, smscConfig, smsMessage } from './helpers/channel-harness.ts';
import { startFakeSmsc } from './helpers/fake-smsc.ts';

/**
 * Long texts on the wire: the in-process SMSC decodes each submit_sm with the `smpp` package's
 * own GSM 03.38 / UCS-2 decoders, so these tests check our encoder against an independent one.
 */

const signal = () => AbortSignal.timeout(10_000);

interface Part {
  udh: number[];
  text: string;
  esmClass: number;
  dataCoding: number;
}

function partsOf(submits: smpp.PDU[]): Part[] {
  return submits.map((pdu) => {
    const sm = pdu.short_message as { udh?: Buffer[]; message: string };
    assert.equal(sm.udh?.length, 1, 'one information element per part');
    return { udh: [...(sm.udh?.[0] ?? [])], text: sm.message, esmClass: Number(pdu.esm_class), dataCoding: Number(pdu.data_coding) };
  });
}

/** Checks IEI 0x00 / IEDL 3 / one reference / total / 1-based sequence, then joins the texts. */
function reassemble(parts: Part[]): string {
  const reference = parts[0]?.udh[2];
  parts.forEach((part, i) => assert.deepEqual(part.udh, [0x00, 0x03, reference, parts.length, i + 1]));
  return parts.map((part) => part.text).join('');
}

test('300 GSM-7 characters travel as 2 concatenated parts (153 + 147 septets)', async () => {
  const smsc = await startFakeSmsc({ receiptStat: () => 'DELIVRD' });
  const rec = recorder();
  const channel = await createSmsChannel({ smscs: [smscConfig('primary', smsc.port)], routes: [] }, rec.deps);
  try {
    const sentence = 'Your open2fa code is 4821. Never share it with anyone, not even support staff! ';
    const text = (sentence.repeat(3) + '@£$¥èéÄÖÑÜ§¿_!'.repeat(10)).slice(0, 300);
    const message = smsMessage({ textParts: [text], pin: '' });
    const accepted = await channel.send(message, signal());
    assert.deepEqual([accepted.status, accepted.detail, accepted.providerMessageId], ['PENDING_ENROUTE', '2 parts', 'fake-1']);

    const parts = partsOf(smsc.submits);
    assert.equal(parts.length, 2);
    assert.ok(parts.every((p) => p.esmClass === 0x40 && p.dataCoding === 0));
    assert.deepEqual(parts.map((p) => p.text.length), [153, 147]);
    assert.equal(reassemble(parts), text);

    // Both parts get a DELIVRD receipt: one final report, only after the last.
    const report = await rec.nextReport(message.deliveryId);
    assert.equal(report.status, 'DELIVERED_TO_HANDSET');
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(rec.reports.length, 1);
  } finally {
    await channel.close();
    await smsc.close();
  }
});

test('an extension character is never split from its escape at a part boundary', async () => {
  const smsc = await startFakeSmsc();
  const { deps } = recorder();
  const channel = await createSmsChannel({ smscs: [smscConfig('primary', smsc.port)], routes: [] }, deps);
  try {
    const text = `${'a'.repeat(152)}€${'b'.repeat(20)}`; // 152 + 2 septets would overflow 153
    await channel.send(smsMessage({ textParts: [text], pin: '' }), signal());
    const parts = partsOf(smsc.submits);
    assert.deepEqual(parts.map((p) => p.text), ['a'.repeat(152), `€${'b'.repeat(20)}`]);
    assert.equal(reassemble(parts), text);
  } finally {
    await channel.close();
    await smsc.close();
  }
});

test('300 UCS-2 characters travel as 5 concatenated parts (4 × 67 + 32)', async () => {
  const smsc = await startFakeSmsc({ receiptStat: (pdu) => ((pdu.short_message as { udh: Buffer[] }).udh[0]?.[4] === 3 ? 'EXPIRED' : 'DELIVRD') });
  const rec = recorder();
  const channel = await createSmsChannel({ smscs: [smscConfig('primary', smsc.port)], routes: [] }, rec.deps);
  try {
    const text = 'Ваш код подтверждения 4821. Никому его не сообщайте. '.repeat(6).slice(0, 300);
    assert.equal(text.length, 300);
    const message = smsMessage({ textParts: [text], pin: '' });
    const accepted = await channel.send(message, signal());
    assert.equal(accepted.detail, '5 parts');

    const parts = partsOf(smsc.submits);
    assert.equal(parts.length, 5);
    assert.ok(parts.every((p) => p.esmClass === 0x40 && p.dataCoding === 8));
    assert.deepEqual(parts.map((p) => p.text.length), [67, 67, 67, 67, 32]);
    assert.equal(reassemble(parts), text);

    // Part 3 expired: the delivery is EXPIRED_EXPIRED, reported once.
    const report = await rec.nextReport(message.deliveryId);
    assert.deepEqual([report.status, report.final, report.reached, report.resultCode], ['EXPIRED_EXPIRED', true, false, 'SMPP stat:EXPIRED err:001']);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(rec.reports.length, 1);
  } finally {
    await channel.close();
    await smsc.close();
  }
});

test('a surrogate pair (emoji) is never split across UCS-2 parts', async () => {
  const smsc = await startFakeSmsc();
  const { deps } = recorder();
  const channel = await createSmsChannel({ smscs: [smscConfig('primary', smsc.port)], routes: [] }, deps);
  try {
    const text = `${'x'.repeat(66)}😀${'y'.repeat(10)}`; // 66 + 2 code units would overflow 67
    await channel.send(smsMessage({ textParts: [text], pin: '' }), signal());
    const parts = partsOf(smsc.submits);
    assert.deepEqual(parts.map((p) => p.text), ['x'.repeat(66), `😀${'y'.repeat(10)}`]);
  } finally {
    await channel.close();
    await smsc.close();
  }
});
