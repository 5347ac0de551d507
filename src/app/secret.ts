import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The server secret keys PIN hashes, PIN derivation and signed audio links. Configured
 * (OPEN2FA_SECRET) it is used as given; otherwise one is generated once into the data
 * directory, readable by the owner only. Several processes (PostgreSQL) must share it, so there
 * it has to be configured.
 */
export function resolveSecret(configured: string | undefined, dataDir: string, shared: boolean): Buffer {
  if (configured) return decode(configured);
  if (shared) throw new Error('secret: set OPEN2FA_SECRET (64 hex characters, e.g. `openssl rand -hex 32`) when DATABASE_URL is used, so every process derives the same PINs');
  const file = join(dataDir, 'secret.key');
  if (existsSync(file)) return decode(readFileSync(file, 'utf8').trim());
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return decode(secret);
}

function decode(value: string): Buffer {
  const bytes = /^[0-9a-fA-F]+$/.test(value) && value.length % 2 === 0 ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
  if (bytes.length < 32) throw new Error('secret: must encode at least 32 bytes (64 hex characters)');
  return bytes;
}
