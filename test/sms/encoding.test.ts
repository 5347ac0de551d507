import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  chooseEncoding, concatenationUdh, decodeGsm7, describeSmsText, encodeGsm7, encodeSms, encodeUcs2, fitsGsm7,
} from '../../src/channels/sms/encoding.ts';

test('GSM 03.38 basic table: ASCII letters keep their code, the odd ones do not', () => {
  assert.deepEqual([...encodeGsm7('A@$_')], [0x41, 0x00, 0x02, 0x11]);
  assert.deepEqual([...encodeGsm7('£¥èÅΔΩßÉ¤¡ÄÖÑÜ§¿äöñüà')], [
    0x01, 0x03, 0x04, 0x0e, 0x10, 0x15, 0x1e, 0x1f, 0x24, 0x40, 0x5b, 0x5c, 0x5d, 0x5e, 0x5f, 0x60, 0x7b, 0x7c, 0x7d, 0x7e, 0x7f,
  ]);
});

test('GSM 03.38 extension characters are ESC + code and count double', () => {
  assert.deepEqual([...encodeGsm7('^{}\\[~]|€\f')], [
    0x1b, 0x14, 0x1b, 0x28, 0x1b, 0x29, 0x1b, 0x2f, 0x1b, 0x3c, 0x1b, 0x3d, 0x1b, 0x3e, 0x1b, 0x40, 0x1b, 0x65, 0x1b, 0x0a,
  ]);
  assert.deepEqual(describeSmsText('€'.repeat(80)), { encoding: 'GSM7', parts: 1, characters: 80 });
  assert.deepEqual(describeSmsText('€'.repeat(81)), { encoding: 'GSM7', parts: 2, characters: 81 });
});

test('GSM-7 encode/decode round trip for any text of the alphabet', () => {
  const alphabet = [...'@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡AZÄÖÑÜ§¿azäöñüà^{}\\[~]|€'];
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...alphabet), { maxLength: 400 }), (chars) => {
      const text = chars.join('');
      assert.equal(decodeGsm7(encodeGsm7(text)), text);
    }),
  );
});

test('anything outside GSM 03.38 selects UCS-2 (UTF-16BE)', () => {
  assert.equal(chooseEncoding('Your PIN is 1234'), 'GSM7');
  for (const text of ['ç', 'Ваш код', 'á', '`', '😀', '\x1b']) assert.equal(fitsGsm7(text), false, text);
  assert.deepEqual([...encodeUcs2('Aé😀')], [0x00, 0x41, 0x00, 0xe9, 0xd8, 0x3d, 0xde, 0x00]);
});

test('limits: GSM-7 160 single / 153 per part, UCS-2 70 single / 67 per part', () => {
  const cases: [string, number][] = [
    ['a'.repeat(160), 1], ['a'.repeat(161), 2], ['a'.repeat(306), 2], ['a'.repeat(307), 3],
    ['ж'.repeat(70), 1], ['ж'.repeat(71), 2], ['ж'.repeat(134), 2], ['ж'.repeat(135), 3], ['ж'.repeat(300), 5],
  ];
  for (const [text, parts] of cases) assert.equal(describeSmsText(text).parts, parts, `${text.length} × ${text[0]}`);
  assert.deepEqual(describeSmsText(''), { encoding: 'GSM7', parts: 1, characters: 0 });
  assert.deepEqual(describeSmsText('😀'.repeat(35)), { encoding: 'UCS2', parts: 1, characters: 35 });
  assert.deepEqual(describeSmsText('😀'.repeat(36)), { encoding: 'UCS2', parts: 2, characters: 36 });
});

test('a single SMS carries no UDH; long texts carry IEI 0x00 with one reference', () => {
  const single = encodeSms('Your PIN is 1234', 9);
  assert.deepEqual([single.dataCoding, single.esmClass, single.shortMessages.length], [0, 0, 1]);
  assert.equal(single.shortMessages[0]?.toString('latin1'), 'Your PIN is 1234');

  const long = encodeSms('x'.repeat(300), 0x1ff);
  assert.deepEqual([long.dataCoding, long.esmClass, long.shortMessages.length], [0, 0x40, 2]);
  assert.deepEqual([...(long.shortMessages[0]?.subarray(0, 6) ?? [])], [0x05, 0x00, 0x03, 0xff, 0x02, 0x01]);
  assert.deepEqual([...(long.shortMessages[1]?.subarray(0, 6) ?? [])], [0x05, 0x00, 0x03, 0xff, 0x02, 0x02]);
  assert.deepEqual(long.shortMessages.map((sm) => sm.length), [6 + 153, 6 + 147]);
  assert.deepEqual([...concatenationUdh(1, 3, 2)], [5, 0, 3, 1, 3, 2]);

  const ucs2 = encodeSms('ж'.repeat(100), 1);
  assert.deepEqual([ucs2.dataCoding, ucs2.esmClass], [8, 0x40]);
  assert.deepEqual(ucs2.shortMessages.map((sm) => sm.length), [6 + 134, 6 + 66]);
});

test('parts never split an escape sequence or a surrogate pair, and always fit', () => {
  const gsmChars = fc.constantFrom(...'abc €[]^{}|~\\');
  const ucsChars = fc.constantFrom('ж', '😀', 'a', '€', '𝄞');
  fc.assert(
    fc.property(fc.oneof(fc.array(gsmChars, { maxLength: 700 }), fc.array(ucsChars, { minLength: 1, maxLength: 400 })), (chars) => {
      const text = chars.join('');
      const encoded = encodeSms(text, 42);
      const multipart = encoded.shortMessages.length > 1;
      const payloads = encoded.shortMessages.map((sm) => (multipart ? sm.subarray(6) : sm));
      if (encoded.encoding === 'GSM7') {
        assert.ok(payloads.every((p) => p.length <= (multipart ? 153 : 160) && p[p.length - 1] !== 0x1b));
        assert.equal(payloads.map((p) => decodeGsm7(p)).join(''), text);
      } else {
        assert.ok(payloads.every((p) => p.length <= (multipart ? 134 : 140)));
        const texts = payloads.map((p) => Buffer.from(p).swap16().toString('utf16le'));
        assert.ok(texts.every((t) => !/^[\udc00-\udfff]|[\ud800-\udbff]$/.test(t)), 'no lone surrogate at a part edge');
        assert.equal(texts.join(''), text);
      }
      assert.equal(describeSmsText(text).parts, encoded.shortMessages.length);
    }),
  );
});

test('more than 255 parts cannot be numbered in the UDH', () => {
  assert.throws(() => encodeSms('a'.repeat(153 * 255 + 1), 0), RangeError);
});
