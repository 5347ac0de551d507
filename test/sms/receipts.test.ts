import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { storeReceiptBook } from '../../src/channels/sms/receipt-book.ts';
import { ReceiptTracker, isDeliveryReceipt, parseReceipt, receiptFieldsOf, receiptReport } from '../../src/channels/sms/receipts.ts';
import { createSqliteStore } from '../../src/storage/sqlite/sqlite-store.ts';

const receiptText = (id: string, stat: string, err = '000') =>
  `id:${id} sub:001 dlvrd:001 submit date:2611251200 done date:2611251201 stat:${stat} err:${err} text:Your PIN is stat:DELIVRD`;

test('esm_class 0x04 marks an SMSC delivery receipt, other message types do not', () => {
  assert.equal(isDeliveryReceipt(0x04), true);
  assert.equal(isDeliveryReceipt(0x44), true); // receipt with UDHI
  for (const esmClass of [0x00, 0x08, 0x10, 0x20, 0x40]) assert.equal(isDeliveryReceipt(esmClass), false);
});

test('parses the Appendix B receipt text; the free text field cannot fool it', () => {
  assert.deepEqual(parseReceipt({ text: receiptText('0A1b2C', 'UNDELIV', '017') }), { messageId: '0A1b2C', stat: 'UNDELIV', err: '017' });
  assert.deepEqual(parseReceipt({ text: 'ID:77 Stat:delivrd Err:000 Text:hello' }), { messageId: '77', stat: 'DELIVRD', err: '000' });
  assert.equal(parseReceipt({ text: 'hello there' }), undefined);
});

test('TLVs win over the text: receipted_message_id, message_state, network_error_code', () => {
  const parsed = parseReceipt({
    text: receiptText('ignored', 'DELIVRD'),
    receiptedMessageId: 'tlv-id',
    messageState: 8,
    networkErrorCode: Uint8Array.from([3, 0x00, 0x2a]),
  });
  assert.deepEqual(parsed, { messageId: 'tlv-id', stat: 'REJECTD', err: '000' });
  assert.deepEqual(parseReceipt({ text: '', receiptedMessageId: 'x', messageState: 3, networkErrorCode: Uint8Array.from([3, 0x00, 0x2a]) }), {
    messageId: 'x', stat: 'EXPIRED', err: '042',
  });
});

test('stat → Infobip status mapping', () => {
  const mapping: [string, string, boolean][] = [
    ['DELIVRD', 'DELIVERED_TO_HANDSET', true],
    ['UNDELIV', 'UNDELIVERABLE_NOT_DELIVERED', false],
    ['EXPIRED', 'EXPIRED_EXPIRED', false],
    ['REJECTD', 'UNDELIVERABLE_REJECTED_OPERATOR', false],
    ['DELETED', 'UNKNOWN', false],
    ['UNKNOWN', 'UNKNOWN', false],
    ['SOMETHING', 'UNKNOWN', false],
  ];
  for (const [stat, status, reached] of mapping) {
    assert.deepEqual(receiptReport({ messageId: 'm', stat, err: '000' }), {
      status, final: true, reached, resultCode: `SMPP stat:${stat} err:000`, providerMessageId: 'm',
    });
  }
});

test('reads a deliver_sm as the smpp library decodes it, undoing its GSM reading of ASCII', () => {
  // The library turned ASCII '_' (0x5F) into GSM '§' and '$' (0x24) into '¤'.
  const fields = receiptFieldsOf({ data_coding: 0, short_message: { message: 'id:ab§c¤1 stat:DELIVRD err:000' } });
  assert.equal(fields.text, 'id:ab_c$1 stat:DELIVRD err:000');
  assert.equal(receiptFieldsOf({ data_coding: 8, short_message: { message: 'id:§ stat:DELIVRD' } }).text, 'id:§ stat:DELIVRD');
  assert.deepEqual(receiptFieldsOf({ receipted_message_id: 'r1', message_state: 2, short_message: { message: '' } }), {
    text: '', receiptedMessageId: 'r1', messageState: 2, networkErrorCode: undefined,
  });
});

function trackerAt(start = 1_000) {
  const clock = { now: start };
  return { clock, tracker: new ReceiptTracker({ ttlMs: 60_000, now: () => clock.now, maxIds: 5 }) };
}

test('tracker: one final report per delivery; ids match case-insensitively; interim stats are skipped', () => {
  const { tracker } = trackerAt();
  tracker.expect('d1', ['ABC']);
  assert.equal(tracker.settle({ messageId: 'abc', stat: 'ACCEPTD', err: '000' }), undefined);
  assert.equal(tracker.settle({ messageId: 'abc', stat: 'DELIVRD', err: '000' })?.deliveryId, 'd1');
  assert.equal(tracker.settle({ messageId: 'abc', stat: 'DELIVRD', err: '000' }), undefined, 'a duplicate receipt reports nothing');
  assert.equal(tracker.size, 0);
});

test('tracker: a multipart delivery is DELIVERED after the last part, failed at the first failing part', () => {
  const { tracker } = trackerAt();
  tracker.expect('ok', ['p1', 'p2', 'p3']);
  assert.equal(tracker.settle({ messageId: 'p2', stat: 'DELIVRD', err: '000' }), undefined);
  assert.equal(tracker.settle({ messageId: 'p1', stat: 'DELIVRD', err: '000' }), undefined);
  assert.equal(tracker.settle({ messageId: 'p3', stat: 'DELIVRD', err: '000' })?.report.status, 'DELIVERED_TO_HANDSET');

  tracker.expect('bad', ['q1', 'q2']);
  assert.equal(tracker.settle({ messageId: 'q2', stat: 'UNDELIV', err: '001' })?.report.status, 'UNDELIVERABLE_NOT_DELIVERED');
  assert.equal(tracker.settle({ messageId: 'q1', stat: 'DELIVRD', err: '000' }), undefined, 'decided already');
  assert.equal(tracker.size, 0);
});

test('tracker: a receipt that beats its submit_sm_resp is kept and applied on expect()', () => {
  const { tracker } = trackerAt();
  assert.equal(tracker.settle({ messageId: 'early', stat: 'DELIVRD', err: '000' }), undefined);
  assert.equal(tracker.expect('d2', ['early'])?.report.status, 'DELIVERED_TO_HANDSET');
});

test('tracker: expectations expire after the TTL (nothing reported) and are capped in number', () => {
  const { clock, tracker } = trackerAt();
  tracker.expect('old', ['o1']);
  clock.now += 60_001;
  tracker.sweep();
  assert.equal(tracker.size, 0);
  assert.equal(tracker.settle({ messageId: 'o1', stat: 'DELIVRD', err: '000' }), undefined);

  for (let i = 0; i < 8; i++) tracker.expect(`d${i}`, [`m${i}`]);
  assert.equal(tracker.size, 5);
  assert.equal(tracker.settle({ messageId: 'm0', stat: 'DELIVRD', err: '000' }), undefined, 'the oldest were dropped');
  assert.equal(tracker.settle({ messageId: 'm7', stat: 'DELIVRD', err: '000' })?.deliveryId, 'd7');
});

test('tracker: the same id on two SMSCs belongs to two deliveries', () => {
  const { tracker } = trackerAt();
  tracker.expect('on-a', ['7'], 'a');
  tracker.expect('on-b', ['7'], 'b');
  assert.equal(tracker.settle({ messageId: '7', stat: 'DELIVRD', err: '000' }, 'b')?.deliveryId, 'on-b');
  assert.equal(tracker.settle({ messageId: '7', stat: 'DELIVRD', err: '000' }, 'a')?.deliveryId, 'on-a');
});

test('store book: early receipts wait in memory; sweep finds those another process expected since', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'open2fa-receipt-book-'));
  const store = createSqliteStore(join(dir, 'open2fa.sqlite'));
  try {
    await store.migrate();
    const book = storeReceiptBook(store, { ttlMs: 60_000, now: Date.now });
    // Beats its own submit_sm_resp: applied when this process expects the id.
    assert.equal(await book.settle('a', { messageId: 'E1', stat: 'DELIVRD', err: '000' }), undefined);
    assert.equal((await book.expect('d1', 'a', ['e1']))?.report.status, 'DELIVERED_TO_HANDSET');
    // Interim receipts are neither applied nor kept.
    await book.expect('d2', 'a', ['i1']);
    assert.equal(await book.settle('a', { messageId: 'i1', stat: 'ENROUTE', err: '000' }), undefined);
    assert.equal((await book.settle('a', { messageId: 'I1', stat: 'UNDELIV', err: '001' }))?.report.status, 'UNDELIVERABLE_NOT_DELIVERED');
    // Beats the expectation ANOTHER process writes: this process's sweep asks the store again.
    assert.equal(await book.settle('a', { messageId: 'x1', stat: 'DELIVRD', err: '000' }), undefined);
    assert.deepEqual(await book.sweep(), []);
    await store.expectReceipts('d3', 'a', ['x1'], Date.now() + 60_000);
    assert.deepEqual((await book.sweep()).map((s) => [s.smsc, s.deliveryId, s.report.status]), [['a', 'd3', 'DELIVERED_TO_HANDSET']]);
    assert.deepEqual(await book.sweep(), [], 'applied once');
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
