import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { derivePin, hashPin, newPinSeed, PIN_TYPES, pinMatches, type PinType } from '../../src/domain/pin-code.ts';

/** PIN generation, hashing and comparison (decisions #13). */

const SECRET = Buffer.alloc(32, 7);
const ALPHABET: Record<PinType, RegExp> = {
  NUMERIC: /^[0-9]+$/, ALPHA: /^[A-Z]+$/, HEX: /^[0-9A-F]+$/, ALPHANUMERIC: /^[0-9A-Z]+$/,
};
const SIZE: Record<PinType, number> = { NUMERIC: 10, ALPHA: 26, HEX: 16, ALPHANUMERIC: 36 };

describe('derivePin', () => {
  test('every type and length 1..16: right alphabet (upper case only), right length', () => {
    for (const type of PIN_TYPES) {
      for (let length = 1; length <= 16; length++) {
        for (let i = 0; i < 20; i++) {
          const pin = derivePin(SECRET, `PIN${i}`, newPinSeed(), type, length);
          assert.equal(pin.length, length, `${type} ${length}`);
          assert.match(pin, ALPHABET[type], `${type}: ${pin}`);
        }
      }
    }
  });

  test('each alphabet is used in full (every symbol shows up)', () => {
    for (const type of PIN_TYPES) {
      const seen = new Set<string>();
      for (let i = 0; i < 300; i++) for (const c of derivePin(SECRET, `P${i}`, newPinSeed(), type, 16)) seen.add(c);
      assert.equal(seen.size, SIZE[type], `${type}: ${[...seen].sort().join('')}`);
    }
  });

  test('deterministic per (secret, pinId, seed); any of them changed gives another PIN', () => {
    const seed = newPinSeed();
    const pin = derivePin(SECRET, 'ABC', seed, 'ALPHANUMERIC', 16);
    assert.equal(derivePin(SECRET, 'ABC', Buffer.from(seed), 'ALPHANUMERIC', 16), pin, 'same inputs, same PIN (resend repeats the PIN)');
    assert.notEqual(derivePin(Buffer.alloc(32, 8), 'ABC', seed, 'ALPHANUMERIC', 16), pin, 'another secret');
    assert.notEqual(derivePin(SECRET, 'ABD', seed, 'ALPHANUMERIC', 16), pin, 'another pinId');
    assert.notEqual(derivePin(SECRET, 'ABC', newPinSeed(), 'ALPHANUMERIC', 16), pin, 'another seed');
    // A shorter PIN of the same type is a prefix of the longer one (same stream).
    assert.equal(derivePin(SECRET, 'ABC', seed, 'ALPHANUMERIC', 6), pin.slice(0, 6));
  });

  test('a known vector stays stable (stored seeds must keep deriving the same PIN across releases)', () => {
    // A PIN sent before an upgrade is resent and verified after it: derivation must not drift.
    const seed = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
    const vector = (type: PinType) => derivePin(Buffer.alloc(32, 1), '0933F3BC087D2A617AC6DCB2EF5B8A61', seed, type, 8);
    assert.equal(vector('NUMERIC'), '75462532');
    assert.equal(vector('ALPHA'), 'BXIIKZFC');
    assert.equal(vector('HEX'), 'ABD48BEB');
    assert.equal(vector('ALPHANUMERIC'), 'YRPK0ZQB');
  });

  test('seeds are 128 random bits', () => {
    const seeds = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const s = newPinSeed();
      assert.equal(s.length, 16);
      seeds.add(s.toString('hex'));
    }
    assert.equal(seeds.size, 1000);
  });

  test('uniformity: 20 000 NUMERIC digits pass a chi-square test; no position is biased', () => {
    const counts = new Array(10).fill(0);
    const perPosition = Array.from({ length: 4 }, () => new Array(10).fill(0));
    for (let i = 0; i < 5000; i++) {
      const pin = derivePin(SECRET, `U${i}`, newPinSeed(), 'NUMERIC', 4);
      [...pin].forEach((c, pos) => { counts[Number(c)]++; perPosition[pos]![Number(c)]++; });
    }
    const chi = (observed: number[], total: number) => observed.reduce((sum, o) => sum + (o - total / observed.length) ** 2 / (total / observed.length), 0);
    // 9 degrees of freedom: p = 0.001 at 27.88. A loose bound keeps the test from flaking while
    // still catching a modulo bias (which would put the first digits ~10 % over).
    assert.ok(chi(counts, 20_000) < 35, `chi-square ${chi(counts, 20_000).toFixed(1)} for ${counts}`);
    for (const [pos, c] of perPosition.entries()) assert.ok(chi(c, 5000) < 40, `position ${pos}: ${c}`);
    for (const c of counts) assert.ok(c > 1800 && c < 2200, `digit count ${c}`);
  });

  test('uniformity: ALPHANUMERIC (36 symbols, where 256 % 36 ≠ 0) has no modulo bias', () => {
    const counts = new Map<string, number>();
    let total = 0;
    for (let i = 0; i < 1500; i++) {
      for (const c of derivePin(SECRET, `A${i}`, newPinSeed(), 'ALPHANUMERIC', 16)) { counts.set(c, (counts.get(c) ?? 0) + 1); total++; }
    }
    const expected = total / 36;
    const chi = [...counts.values()].reduce((s, o) => s + (o - expected) ** 2 / expected, 0);
    // 35 degrees of freedom: p = 0.001 at 66.6; a modulo bias (256 = 7×36 + 4) would add far more.
    assert.ok(chi < 80, `chi-square ${chi.toFixed(1)}`);
  });
});

describe('hashPin / pinMatches', () => {
  test('the right PIN matches, others do not; letters compare case-insensitively; spaces around are ignored', () => {
    const hash = hashPin(SECRET, 'PIN1', 'A1B2');
    assert.equal(hash.length, 32);
    assert.ok(pinMatches(SECRET, 'PIN1', 'A1B2', hash));
    assert.ok(pinMatches(SECRET, 'PIN1', 'a1b2', hash));
    assert.ok(pinMatches(SECRET, 'PIN1', '  a1B2 ', hash));
    for (const wrong of ['A1B3', 'A1B', 'A1B22', '', 'A 1B2', 'A1B2\u0000']) assert.equal(pinMatches(SECRET, 'PIN1', wrong, hash), false, JSON.stringify(wrong));
  });

  test('the hash is bound to the pinId and the secret', () => {
    const hash = hashPin(SECRET, 'PIN1', '1234');
    assert.equal(pinMatches(SECRET, 'PIN2', '1234', hash), false);
    assert.equal(pinMatches(Buffer.alloc(32, 9), 'PIN1', '1234', hash), false);
    assert.notDeepEqual(hashPin(SECRET, 'PIN1', '1234'), hashPin(SECRET, 'PIN2', '1234'));
    // The hash is not the PIN in any encoding.
    assert.ok(!hash.toString('hex').includes(Buffer.from('1234').toString('hex')));
  });

  test('a hash of another length never matches (and does not throw)', () => {
    assert.equal(pinMatches(SECRET, 'PIN1', '1234', Buffer.alloc(16)), false);
    assert.equal(pinMatches(SECRET, 'PIN1', '1234', Buffer.alloc(0)), false);
  });

  test('property: a derived PIN always matches its own hash, in any letter case', () => {
    fc.assert(fc.property(fc.constantFrom(...PIN_TYPES), fc.integer({ min: 1, max: 16 }), fc.stringMatching(/^[0-9A-F]{32}$/), (type, length, pinId) => {
      const secret = randomBytes(32);
      const pin = derivePin(secret, pinId, newPinSeed(), type, length);
      const hash = hashPin(secret, pinId, pin);
      assert.ok(pinMatches(secret, pinId, pin, hash));
      assert.ok(pinMatches(secret, pinId, pin.toLowerCase(), hash));
    }), { numRuns: 200 });
  });
});
