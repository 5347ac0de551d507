import { createHmac, timingSafeEqual } from 'node:crypto';
import { randomChunk } from './ids.ts';

/**
 * PIN generation, hashing and comparison.
 *
 * open2fa never stores a PIN. For each PIN it stores a random 128-bit seed and a keyed hash
 * HMAC-SHA256(key, pinId ‖ PIN). Whenever a delivery (or a resend, which must repeat the same
 * PIN) needs the PIN, it is derived again from the seed with HMAC keyed by the server secret,
 * and exists only in memory. The database alone reveals neither the PIN nor a way to test
 * guesses offline; with the secret, the PIN is recoverable exactly as long as the row lives.
 */
export const PIN_TYPES = ['NUMERIC', 'ALPHA', 'HEX', 'ALPHANUMERIC'] as const;
export type PinType = (typeof PIN_TYPES)[number];

// Upper case only: a voice call cannot say case, and verification is case-insensitive (decisions #13).
const ALPHABETS: Record<PinType, string> = {
  NUMERIC: '0123456789',
  ALPHA: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  HEX: '0123456789ABCDEF',
  ALPHANUMERIC: '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ',
};

export function newPinSeed(): Buffer {
  return Buffer.from(randomChunk(16));
}

/**
 * Derives the PIN of `pinId` from its seed. Uniform over the alphabet: bytes of an HMAC stream
 * are drawn by rejection sampling (a byte is used only below the largest multiple of the
 * alphabet size), so no character is more likely than another.
 */
export function derivePin(secret: Buffer, pinId: string, seed: Buffer, type: PinType, length: number): string {
  const alphabet = ALPHABETS[type];
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  for (let block = 0; out.length < length; block++) {
    const bytes = createHmac('sha256', secret).update('open2fa-pin\0').update(pinId).update(seed).update(String(block)).digest();
    for (const b of bytes) {
      if (b < limit) out += alphabet[b % alphabet.length];
      if (out.length === length) break;
    }
  }
  return out;
}

export function hashPin(secret: Buffer, pinId: string, pin: string): Buffer {
  return createHmac('sha256', secret).update('open2fa-pin-hash\0').update(pinId).update('\0').update(normalizePin(pin)).digest();
}

/** Constant-time: the comparison costs the same whatever the candidate. */
export function pinMatches(secret: Buffer, pinId: string, candidate: string, storedHash: Buffer): boolean {
  const candidateHash = hashPin(secret, pinId, candidate);
  return candidateHash.length === storedHash.length && timingSafeEqual(candidateHash, storedHash);
}

function normalizePin(pin: string): string {
  return pin.trim().toUpperCase();
}
