import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import type { Config } from '../config/schema.ts';
import type { Clock, Store } from '../domain/ports.ts';
import {
  createEmailContentService, createOptOutService, type OptOutClaim, type OptOutTokens,
} from '../domain/services/email-content-service.ts';
import type { SendDeps } from '../domain/services/pin-send-service.ts';

/**
 * Wiring for email PINs: stored bodies, opt-out links and the opt-out check of a send.
 *
 * Opt-out token: AES-256-GCM over [accountId, address, landingPageId], keyed by an HMAC of the
 * server secret. GCM's tag makes it unforgeable (a link validates without a database lookup, as
 * the audio links do); the encryption keeps the address out of anything that records URL paths
 * (our request log, proxies, link scanners), which a merely signed base64 payload would not.
 * Layout, base64url: version (1) | nonce (12) | tag (16) | ciphertext. No expiry: an opt-out
 * link has to keep working for as long as the email may be read.
 */

const VERSION = 1;
const NONCE = 12;
const TAG = 16;
/** Longest token we try to open: an address of 254 and a landingPageId of 64 characters fit well below. */
const MAX_TOKEN = 1024;

export function createOptOutTokens(secret: Buffer): OptOutTokens {
  const key = createHmac('sha256', secret).update('open2fa:optout-token:v1').digest();
  return {
    seal(claim) {
      const nonce = randomBytes(NONCE);
      const cipher = createCipheriv('aes-256-gcm', key, nonce);
      const body = Buffer.concat([cipher.update(JSON.stringify([claim.accountId, claim.address, claim.landingPageId]), 'utf8'), cipher.final()]);
      return Buffer.concat([Buffer.of(VERSION), nonce, cipher.getAuthTag(), body]).toString('base64url');
    },
    open(token) {
      if (token.length > MAX_TOKEN || !/^[A-Za-z0-9_-]+$/.test(token)) return undefined;
      const raw = Buffer.from(token, 'base64url');
      if (raw.length <= 1 + NONCE + TAG || raw[0] !== VERSION) return undefined;
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(1, 1 + NONCE));
        decipher.setAuthTag(raw.subarray(1 + NONCE, 1 + NONCE + TAG));
        const plain = Buffer.concat([decipher.update(raw.subarray(1 + NONCE + TAG)), decipher.final()]).toString('utf8');
        return claimOf(JSON.parse(plain));
      } catch {
        return undefined; // wrong tag (forged, damaged, or sealed with another secret)
      }
    },
  };
}

function claimOf(value: unknown): OptOutClaim | undefined {
  if (!Array.isArray(value) || value.length !== 3) return undefined;
  const [accountId, address, landingPageId] = value as unknown[];
  if (typeof accountId !== 'string' || typeof address !== 'string' || !(landingPageId === null || typeof landingPageId === 'string')) return undefined;
  return { accountId, address, landingPageId };
}

/** Where people reach this server: config.publicUrl, else http://localhost:PORT. */
export function publicBaseUrl(config: Pick<Config, 'publicUrl' | 'port'>): string {
  return (config.publicUrl ?? `http://localhost:${config.port}`).replace(/\/+$/, '');
}

/**
 * The email services and the three send dependencies pin-send-service asks for: the stored body
 * of an emailTemplateId, the opt-out link of a PIN email, and whether the address opted out.
 */
export function createEmailSetup(deps: { store: Store; clock: Clock; secret: Buffer; publicUrl: string }) {
  const contents = createEmailContentService(deps);
  const optOut = createOptOutService({ ...deps, tokens: createOptOutTokens(deps.secret) });
  const sendDeps: Pick<SendDeps, 'emailBody' | 'unsubscribeUrl' | 'optedOut'> = {
    emailBody: (accountId, emailTemplateId) => contents.bodyFor(accountId, emailTemplateId),
    unsubscribeUrl: (accountId, to, landingPageId) => optOut.linkFor(accountId, to, landingPageId),
    optedOut: (accountId, to) => optOut.isOptedOut(accountId, to),
  };
  return { contents, optOut, sendDeps };
}
