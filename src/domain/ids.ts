import { randomFillSync, randomUUID } from 'node:crypto';

// Randomness is drawn 4 KiB at a time: one call into the CSPRNG per 256 ids instead of one each
// (a per-id randomBytes call cost ~10 % of a PIN send).
const pool = Buffer.alloc(4096);
let offset = pool.length;

/** `n` fresh random bytes from the pool (a view, valid until the next call). */
export function randomChunk(n: number): Buffer {
  if (offset + n > pool.length) { randomFillSync(pool); offset = 0; }
  const chunk = pool.subarray(offset, offset + n);
  offset += n;
  return chunk;
}

/**
 * Infobip's id format for applications, templates and PINs: 32 upper-case hex. Like a UUIDv7,
 * the first 48 bits are the creation time in milliseconds and the other 80 are random: ids
 * created together sort together, so the primary-key indexes grow at their right edge instead
 * of dirtying a random page per insert (that made each SQLite commit write several times the
 * pages). 80 random bits keep ids unguessable; the creation time they reveal is also in the API.
 */
export function newId(now: number = Date.now()): string {
  return (now.toString(16).padStart(12, '0') + randomChunk(10).toString('hex')).toUpperCase();
}

/** `externalMessageId` and webhook event ids: a lower-case UUID, as Infobip's examples show. */
export function newUuid(): string {
  return randomUUID();
}
