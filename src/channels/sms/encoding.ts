/**
 * SMS text encoding and segmentation, pure (no I/O).
 *
 * A text goes out in the GSM 03.38 default alphabet (SMPP data_coding 0) when every character is
 * in the basic table or its extension table, else in UCS-2 (data_coding 8, UTF-16BE). Texts longer
 * than one SMS are split into parts carrying a concatenation User Data Header (3GPP TS 23.040
 * §9.2.3.24.1, IEI 0x00 with an 8-bit reference), announced by esm_class 0x40 (UDHI, SMPP v3.4
 * §5.2.12).
 *
 * GSM-7 travels unpacked in short_message, one septet per octet: that is what SMSCs expect for
 * data_coding 0 (they pack for the air interface), so a GSM part of 153 septets plus the 6-octet
 * UDH is a 159-octet short_message, well below the 254-octet limit of SMPP v3.4 §5.2.21.
 */

/** GSM 03.38 basic table: index = septet value. 0x1B is the escape to the extension table. */
const GSM7_BASIC_TABLE =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';

/** GSM 03.38 extension table: these characters cost two septets (ESC + code). */
const GSM7_EXTENSION: ReadonlyMap<string, number> = new Map([
  ['\f', 0x0a], ['^', 0x14], ['{', 0x28], ['}', 0x29], ['\\', 0x2f],
  ['[', 0x3c], ['~', 0x3d], [']', 0x3e], ['|', 0x40], ['€', 0x65],
]);

const GSM7_ESCAPE = 0x1b;
const GSM7_BASIC: ReadonlyMap<string, number> = new Map(
  [...GSM7_BASIC_TABLE].map((char, septet) => [char, septet] as const).filter(([, septet]) => septet !== GSM7_ESCAPE),
);
const GSM7_EXTENSION_REVERSE: ReadonlyMap<number, string> = new Map([...GSM7_EXTENSION].map(([c, s]) => [s, c]));

/** Capacity per SMS in encoding units (septets for GSM-7, UTF-16 code units for UCS-2). */
const LIMITS = {
  GSM7: { single: 160, part: 153 },
  UCS2: { single: 70, part: 67 },
} as const;

/** The concatenation UDH counts parts in one octet. */
export const MAX_PARTS = 255;

export type SmsEncoding = 'GSM7' | 'UCS2';

/** SMPP v3.4 §5.2.19 data_coding: 0 = SMSC default alphabet (GSM 03.38), 8 = UCS-2. */
export const DATA_CODING = { GSM7: 0x00, UCS2: 0x08 } as const;

/** SMPP v3.4 §5.2.12 esm_class bit 6: short_message starts with a User Data Header. */
export const ESM_CLASS_UDHI = 0x40;

/** One segment of a text: the characters it carries and their size in encoding units. */
interface Segment {
  chars: string[];
  units: number;
}

/** The septets a character costs in GSM-7, or undefined when it is outside both tables. */
function gsm7Septets(char: string): number | undefined {
  if (GSM7_BASIC.has(char)) return 1;
  if (GSM7_EXTENSION.has(char)) return 2;
  return undefined;
}

/** True when every character of `text` fits the GSM 03.38 basic or extension table. */
export function fitsGsm7(text: string): boolean {
  for (const char of text) if (gsm7Septets(char) === undefined) return false;
  return true;
}

/** GSM-7 septets, unpacked (one per octet); extension characters become ESC + code. */
export function encodeGsm7(text: string): Buffer {
  const septets: number[] = [];
  for (const char of text) {
    const basic = GSM7_BASIC.get(char);
    if (basic !== undefined) septets.push(basic);
    else {
      const extension = GSM7_EXTENSION.get(char);
      if (extension === undefined) throw new RangeError('character outside the GSM 03.38 alphabet');
      septets.push(GSM7_ESCAPE, extension);
    }
  }
  return Buffer.from(septets);
}

/** Inverse of {@link encodeGsm7}; unknown septets decode as a space (3GPP TS 23.038 §6.2.1.1). */
export function decodeGsm7(septets: Uint8Array): string {
  let text = '';
  for (let i = 0; i < septets.length; i++) {
    const septet = septets[i] ?? 0;
    if (septet === GSM7_ESCAPE && i + 1 < septets.length) {
      text += GSM7_EXTENSION_REVERSE.get(septets[++i] ?? 0) ?? ' ';
    } else {
      text += GSM7_BASIC_TABLE[septet & 0x7f] ?? ' ';
    }
  }
  return text;
}

/** UTF-16BE, as SMPP data_coding 8 requires; surrogate pairs stay as two code units. */
export function encodeUcs2(text: string): Buffer {
  const bytes = Buffer.alloc(text.length * 2);
  for (let i = 0; i < text.length; i++) bytes.writeUInt16BE(text.charCodeAt(i), i * 2);
  return bytes;
}

/**
 * Split into segments that never cut a character in two: iterating code points keeps surrogate
 * pairs together, and a GSM extension character (ESC + code) moves whole to the next part.
 */
function segment(text: string, encoding: SmsEncoding): Segment[] {
  const costOf = encoding === 'GSM7' ? (c: string) => gsm7Septets(c) ?? 1 : (c: string) => c.length;
  const chars = [...text];
  const total = chars.reduce((sum, c) => sum + costOf(c), 0);
  const limits = LIMITS[encoding];
  if (total <= limits.single) return [{ chars, units: total }];
  const segments: Segment[] = [];
  let current: Segment = { chars: [], units: 0 };
  for (const char of chars) {
    const cost = costOf(char);
    if (current.units + cost > limits.part) {
      segments.push(current);
      current = { chars: [], units: 0 };
    }
    current.chars.push(char);
    current.units += cost;
  }
  segments.push(current);
  return segments;
}

/** The encoding a text needs: GSM-7 when it fits, else UCS-2. */
export function chooseEncoding(text: string): SmsEncoding {
  return fitsGsm7(text) ? 'GSM7' : 'UCS2';
}

/**
 * How a text would go out, for previews (console, CLI).
 *
 * @example
 * describeSmsText('Your PIN is 1234')  // { encoding: 'GSM7', parts: 1, characters: 16 }
 * describeSmsText('€'.repeat(81))       // { encoding: 'GSM7', parts: 2, characters: 81 } (162 septets)
 * @remarks `characters` counts Unicode code points; an empty text is still one (empty) SMS.
 */
export function describeSmsText(text: string): { encoding: SmsEncoding; parts: number; characters: number } {
  const encoding = chooseEncoding(text);
  return { encoding, parts: segment(text, encoding).length, characters: [...text].length };
}

/** 3GPP TS 23.040 §9.2.3.24.1: UDHL 5, IEI 0x00 (concatenation, 8-bit reference), IEDL 3. */
export function concatenationUdh(reference: number, total: number, sequence: number): Buffer {
  return Buffer.from([0x05, 0x00, 0x03, reference & 0xff, total, sequence]);
}

/** What goes into submit_sm for one text: shared coding fields and one short_message per part. */
export interface EncodedSms {
  encoding: SmsEncoding;
  dataCoding: number;
  /** 0 for a single SMS, {@link ESM_CLASS_UDHI} when the parts carry a UDH. */
  esmClass: number;
  shortMessages: Buffer[];
}

/**
 * Encode `text` into submit_sm payloads; `reference` (0–255) ties the parts of one text together.
 *
 * @example
 * encodeSms('x'.repeat(300), 7).shortMessages.length  // 2: [UDH 05 00 03 07 02 01 + 153 septets, UDH … 02 02 + 147]
 */
export function encodeSms(text: string, reference: number): EncodedSms {
  const encoding = chooseEncoding(text);
  const encode = encoding === 'GSM7' ? encodeGsm7 : encodeUcs2;
  const segments = segment(text, encoding);
  const dataCoding = DATA_CODING[encoding];
  if (segments.length === 1) return { encoding, dataCoding, esmClass: 0, shortMessages: [encode(text)] };
  if (segments.length > MAX_PARTS) throw new RangeError(`text needs ${segments.length} SMS parts, at most ${MAX_PARTS} fit a UDH`);
  const shortMessages = segments.map((part, index) =>
    Buffer.concat([concatenationUdh(reference, segments.length, index + 1), encode(part.chars.join(''))]),
  );
  return { encoding, dataCoding, esmClass: ESM_CLASS_UDHI, shortMessages };
}
