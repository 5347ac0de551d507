import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { durationMs, limitOf, ONE_DAY_MS, ONE_YEAR_MS, parseDuration, parseLimit } from '../../src/domain/time-format.ts';

/** Infobip's time and limit strings (reference §3.1, §3.2). */

describe('parseDuration', () => {
  test('every unit, with and without a length', () => {
    const cases: [string, number][] = [
      ['ms', 1], ['1ms', 1], ['500ms', 500], ['s', 1000], ['45s', 45_000], ['m', 60_000], ['15m', 900_000], ['h', 3_600_000],
      ['2h', 7_200_000], ['d', 86_400_000], ['365d', ONE_YEAR_MS], ['8760h', ONE_YEAR_MS], ['0001m', 60_000],
    ];
    for (const [value, ms] of cases) assert.equal(parseDuration(value, ONE_YEAR_MS), ms, value);
  });

  test('"ms" is milliseconds, never minutes followed by junk', () => {
    assert.equal(parseDuration('5ms', ONE_YEAR_MS), 5);
    assert.equal(parseDuration('5m', ONE_YEAR_MS), 300_000);
    assert.notEqual(parseDuration('5ms', ONE_YEAR_MS), parseDuration('5m', ONE_YEAR_MS));
  });

  test('maxima: one year is allowed, a millisecond more is not; the error names the maximum', () => {
    assert.equal(parseDuration('365d', ONE_YEAR_MS), ONE_YEAR_MS);
    assert.equal(parseDuration(`${ONE_YEAR_MS}ms`, ONE_YEAR_MS), ONE_YEAR_MS);
    const over = parseDuration(`${ONE_YEAR_MS + 1}ms`, ONE_YEAR_MS);
    assert.equal(typeof over, 'object');
    assert.match((over as { error: string }).error, /one year/);
    assert.match((parseDuration('366d', ONE_YEAR_MS) as { error: string }).error, /maximum of one year \(365d\)/);
    assert.match((parseDuration('25h', ONE_DAY_MS) as { error: string }).error, /one day/);
  });

  test('malformed values are refused with a text showing the format', () => {
    for (const value of ['', '15', '15x', 'x', '15 m', ' 15m', '15m ', '-5m', '+5m', '1.5h', '15M', '15mm', '15sm', 'ms5', '1e3ms', '15min', '0x10s', '１５m']) {
      const r = parseDuration(value, ONE_YEAR_MS);
      assert.equal(typeof r, 'object', JSON.stringify(value));
      assert.match((r as { error: string }).error, /\{length\}\{unit\}|zero|maximum/, value);
    }
    assert.match((parseDuration('0m', ONE_YEAR_MS) as { error: string }).error, /zero/);
    assert.match((parseDuration('0ms', ONE_YEAR_MS) as { error: string }).error, /zero/);
  });

  test('a very long value is clipped in the error text', () => {
    const r = parseDuration('x'.repeat(500), ONE_YEAR_MS) as { error: string };
    assert.ok(r.error.length < 200, r.error);
  });

  test('huge lengths do not overflow into acceptance', () => {
    assert.equal(typeof parseDuration('999999999999d', ONE_YEAR_MS), 'object');
    assert.equal(typeof parseDuration('9999999999999d', ONE_YEAR_MS), 'object');
  });

  test('property: n{unit} parses to n × unit whenever it fits under the maximum', () => {
    const units = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
    fc.assert(fc.property(fc.integer({ min: 1, max: 10_000_000 }), fc.constantFrom(...(Object.keys(units) as (keyof typeof units)[])), (n, unit) => {
      const r = parseDuration(`${n}${unit}`, ONE_YEAR_MS);
      const ms = n * units[unit];
      if (ms <= ONE_YEAR_MS) assert.equal(r, ms);
      else assert.equal(typeof r, 'object');
    }), { numRuns: 300 });
  });
});

describe('parseLimit', () => {
  test('attempts and period', () => {
    const cases: [string, number, number][] = [
      ['1/3s', 1, 3000], ['3/1d', 3, ONE_DAY_MS], ['10000/1d', 10000, ONE_DAY_MS], ['5000/12h', 5000, 43_200_000], ['2/4s', 2, 4000],
      ['10/20m', 10, 1_200_000], ['3/s', 3, 1000], ['2/ms', 2, 1], ['100/250ms', 100, 250], ['1/1440m', 1, ONE_DAY_MS],
    ];
    for (const [value, attempts, periodMs] of cases) assert.deepEqual(parseLimit(value, ONE_YEAR_MS), { attempts, periodMs }, value);
  });

  test('verifyPinLimit maximum is one day: "1/1d" and "1/24h" pass, "1/2d" and "1/25h" do not', () => {
    assert.deepEqual(parseLimit('1/1d', ONE_DAY_MS), { attempts: 1, periodMs: ONE_DAY_MS });
    assert.deepEqual(parseLimit('1/24h', ONE_DAY_MS), { attempts: 1, periodMs: ONE_DAY_MS });
    for (const value of ['1/2d', '1/25h', '1/1441m', `1/${ONE_DAY_MS + 1}ms`]) {
      const r = parseLimit(value, ONE_DAY_MS);
      assert.ok('error' in r, value);
      assert.match(r.error, /one day/, value);
    }
  });

  test('send limits maximum is one year', () => {
    assert.deepEqual(parseLimit('10000/365d', ONE_YEAR_MS), { attempts: 10000, periodMs: ONE_YEAR_MS });
    const r = parseLimit('10000/366d', ONE_YEAR_MS);
    assert.ok('error' in r && /one year/.test(r.error));
  });

  test('malformed limits are refused with a text showing the format', () => {
    for (const value of ['', '3', '/1d', '3/', '3/1', '3/1x', '3 /1d', '3/ 1d', '-1/1d', '1.5/1d', '3/1d/2', 'a/1d', '3\\1d', '3/1D', '15x']) {
      const r = parseLimit(value, ONE_YEAR_MS);
      assert.ok('error' in r, JSON.stringify(value));
      assert.match(r.error, /\{attempts\}\/\{length\}\{unit\}/, value);
    }
    const zero = parseLimit('0/1d', ONE_YEAR_MS);
    assert.ok('error' in zero && /at least 1/.test(zero.error));
    const noPeriod = parseLimit('3/0s', ONE_YEAR_MS);
    assert.ok('error' in noPeriod && /longer than zero/.test(noPeriod.error));
  });
});

describe('stored values', () => {
  test('durationMs and limitOf read validated values and throw on junk', () => {
    assert.equal(durationMs('15m'), 900_000);
    assert.deepEqual(limitOf('3/1d'), { attempts: 3, periodMs: ONE_DAY_MS });
    assert.throws(() => durationMs('15x'), /not a time/);
    assert.throws(() => limitOf('x'), /not a limit/);
  });
});
