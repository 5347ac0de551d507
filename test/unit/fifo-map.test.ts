import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FifoMap } from '../../src/domain/fifo-map.ts';

/**
 * FifoMap (domain/fifo-map.ts) must keep exactly a Map's order while finding the oldest entry
 * with one long-lived iterator. The model below is the plain Map it replaced: set moves a key to
 * the end (delete, then set), the oldest is what a fresh iterator reads first.
 */
function model() {
  const m = new Map<string, number>();
  return {
    m,
    set(k: string, v: number) { m.delete(k); m.set(k, v); },
    oldest(): [string, number] | undefined { const r = m.entries().next(); return r.done ? undefined : r.value; },
  };
}

/** A small deterministic PRNG, so a failure can be replayed from its seed. */
function prng(seed: number) {
  let s = seed >>> 0;
  return () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32; };
}

describe('FifoMap', () => {
  test('the oldest, a deleted one skipped, a set-again one met at its new place', () => {
    const f = new FifoMap<string, number>();
    assert.equal(f.oldest(), undefined);
    f.set('a', 1).set('b', 2).set('c', 3);
    assert.deepEqual(f.oldest(), ['a', 1]);
    f.delete('a');
    assert.deepEqual(f.oldest(), ['b', 2]);
    f.set('b', 20); // moves to the end
    assert.deepEqual(f.oldest(), ['c', 3]);
    f.delete('c');
    assert.deepEqual(f.oldest(), ['b', 20]);
    f.delete('b');
    assert.equal(f.oldest(), undefined, 'empty again');
    f.set('d', 4);
    assert.deepEqual(f.oldest(), ['d', 4], 'entries added after the cursor reached the end are found');
    assert.deepEqual([...f.keys()], ['d']);
    assert.deepEqual([...f.values()], [4]);
  });

  test('trimTo and dropOldestWhile remove from the front only', () => {
    const f = new FifoMap<string, number>();
    for (let i = 0; i < 10; i++) f.set(`k${i}`, i);
    const dropped: string[] = [];
    const note = (v: number, k: string) => { dropped.push(`${k}=${v}`); };
    f.trimTo(6, note);
    assert.deepEqual([...f.keys()], ['k4', 'k5', 'k6', 'k7', 'k8', 'k9']);
    f.dropOldestWhile((v) => v < 7 || v === 9, note); // stops at k7 although k9 would match
    assert.deepEqual([...f.keys()], ['k7', 'k8', 'k9']);
    assert.deepEqual(dropped, ['k0=0', 'k1=1', 'k2=2', 'k3=3', 'k4=4', 'k5=5', 'k6=6'], 'each deleted entry reported once, oldest first');
    assert.equal(f.size, 3);
    assert.equal(f.get('k8'), 8);
    assert.equal(f.has('k4'), false);
  });

  for (const seed of [1, 2, 3, 4, 5]) {
    test(`same order as a Map under random sets, deletes and trims (seed ${seed})`, () => {
      const rnd = prng(seed);
      const f = new FifoMap<string, number>();
      const ref = model();
      for (let i = 0; i < 40_000; i++) {
        const k = `k${Math.floor(rnd() * 2_000)}`;
        const op = rnd();
        if (op < 0.55) { f.set(k, i); ref.set(k, i); }
        else if (op < 0.8) assert.equal(f.delete(k), ref.m.delete(k));
        else if (op < 0.95) assert.deepEqual(f.oldest(), ref.oldest(), `oldest after step ${i}`);
        else {
          const max = Math.floor(rnd() * 1_500);
          f.trimTo(max);
          while (ref.m.size > max) ref.m.delete(ref.oldest()![0]);
        }
        assert.equal(f.size, ref.m.size);
      }
      assert.deepEqual([...f.keys()], [...ref.m.keys()]);
      assert.deepEqual([...f.values()], [...ref.m.values()]);
    });
  }
});
