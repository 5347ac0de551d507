import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createRecentPins } from '../../src/domain/recent-pins.ts';
import type { PinRecord } from '../../src/domain/records.ts';

/** The PINs a process remembers from their send (domain/recent-pins.ts). */

const pin = (id: string, over: Partial<PinRecord> = {}): PinRecord => ({
  id, accountId: 'A', applicationId: 'APP', templateId: 'T', to: '41793026727', seed: Buffer.alloc(16), hash: Buffer.alloc(32),
  pinType: 'NUMERIC', pinLength: 4, maxAttempts: 3, attemptsUsed: 0, multipleVerifications: false, verifyLimit: '10/1s',
  expiresAt: 1_000, verifiedAt: null, sentAt: null, createdAt: 0, placeholders: {}, ...over,
});

describe('recent PINs', () => {
  test('found for its own account only, and only before it expires', () => {
    const recent = createRecentPins();
    recent.remember(pin('P1'), 'voice');
    assert.equal(recent.lookup('A', 'P1', 999)?.id, 'P1');
    assert.equal(recent.lookup('B', 'P1', 999), undefined, 'another account never gets it');
    assert.equal(recent.lookup('A', 'P2', 999), undefined);
    assert.equal(recent.lookup('A', 'P1', 1_000), undefined, 'expired: read from the store instead');
    assert.equal(recent.mediumOf('P1'), 'voice', 'the channel of its send, for the metrics');
    assert.equal(recent.mediumOf('P2'), undefined);
  });

  test('bounded: the oldest goes first', () => {
    const recent = createRecentPins(3);
    for (const id of ['P1', 'P2', 'P3', 'P4']) recent.remember(pin(id), 'sms');
    assert.equal(recent.lookup('A', 'P1', 0), undefined);
    assert.equal(recent.mediumOf('P1'), undefined);
    assert.deepEqual(['P2', 'P3', 'P4'].map((id) => recent.lookup('A', id, 0)?.id), ['P2', 'P3', 'P4']);
  });
});
