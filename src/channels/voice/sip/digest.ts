/**
 * SIP digest authentication (RFC 3261 §22.4, computed per RFC 2617 §3.2.2; SHA-256 per RFC 8760).
 *
 * A 401 carries WWW-Authenticate and is answered with Authorization; a 407 carries
 * Proxy-Authenticate and is answered with Proxy-Authorization (§22.3). Both share this code.
 */
import { createHash, randomBytes } from 'node:crypto';

export interface DigestChallenge {
  realm: string;
  nonce: string;
  opaque?: string;
  /** Upper-case, e.g. MD5, MD5-SESS, SHA-256 (default MD5). */
  algorithm: string;
  /** qop options offered, lower-case (`auth`, `auth-int`); empty when the server sent none. */
  qop: string[];
  stale: boolean;
}

export interface DigestCredentials { username: string; password: string }

export interface DigestRequest {
  method: string;
  uri: string;
  /** Needed only for qop=auth-int. */
  body?: string;
  /** Injected for reproducible tests; random otherwise. */
  cnonce?: string;
  /** Nonce count for this nonce, starting at 1. */
  nc?: number;
}

/** Parse `Digest realm="x", nonce="y", qop="auth,auth-int"`. Returns undefined for other schemes. */
export function parseDigestChallenge(headerValue: string): DigestChallenge | undefined {
  const m = /^\s*Digest\s+(.*)$/is.exec(headerValue);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  const re = /([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g;
  for (const p of (m[1] ?? '').matchAll(re)) {
    params[(p[1] ?? '').toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : (p[3] ?? '');
  }
  if (params.nonce === undefined || params.realm === undefined) return undefined;
  return {
    realm: params.realm,
    nonce: params.nonce,
    ...(params.opaque !== undefined ? { opaque: params.opaque } : {}),
    algorithm: (params.algorithm ?? 'MD5').toUpperCase(),
    qop: (params.qop ?? '').split(',').map((q) => q.trim().toLowerCase()).filter(Boolean),
    stale: (params.stale ?? '').toLowerCase() === 'true',
  };
}

function hashFunction(algorithm: string): ((s: string) => string) | undefined {
  const base = algorithm.replace(/-SESS$/, '');
  const name = base === 'MD5' ? 'md5' : base === 'SHA-256' ? 'sha256' : undefined;
  return name ? (s: string) => createHash(name).update(s, 'utf8').digest('hex') : undefined;
}

export function supportsAlgorithm(algorithm: string): boolean {
  return hashFunction(algorithm.toUpperCase()) !== undefined;
}

export interface DigestResponse {
  response: string;
  /** qop actually used (`auth`, `auth-int`) or undefined for the RFC 2069 compatible form. */
  qop?: string;
  cnonce?: string;
  nc?: string;
}

/**
 * RFC 2617 §3.2.2.1: response = H(H(A1) ":" nonce [":" nc ":" cnonce ":" qop] ":" H(A2)).
 * We prefer qop=auth when offered, auth-int only when it is the sole option.
 */
export function computeDigestResponse(ch: DigestChallenge, cred: DigestCredentials, req: DigestRequest): DigestResponse {
  const H = hashFunction(ch.algorithm);
  if (!H) throw new Error(`unsupported digest algorithm ${ch.algorithm}`);
  const qop = ch.qop.includes('auth') ? 'auth' : ch.qop.includes('auth-int') ? 'auth-int' : undefined;
  const cnonce = req.cnonce ?? randomBytes(8).toString('hex');
  const nc = (req.nc ?? 1).toString(16).padStart(8, '0');
  let ha1 = H(`${cred.username}:${ch.realm}:${cred.password}`);
  if (ch.algorithm.endsWith('-SESS')) ha1 = H(`${ha1}:${ch.nonce}:${cnonce}`);
  const ha2 = qop === 'auth-int' ? H(`${req.method}:${req.uri}:${H(req.body ?? '')}`) : H(`${req.method}:${req.uri}`);
  if (!qop) {
    // Without qop the cnonce is only needed for -sess algorithms.
    const response = H(`${ha1}:${ch.nonce}:${ha2}`);
    return ch.algorithm.endsWith('-SESS') ? { response, cnonce } : { response };
  }
  return { response: H(`${ha1}:${ch.nonce}:${nc}:${cnonce}:${qop}:${ha2}`), qop, cnonce, nc };
}

function quote(s: string): string {
  return `"${s.replace(/(["\\])/g, '\\$1')}"`;
}

/** The Authorization / Proxy-Authorization header value (§22.4, §25.1 credentials). */
export function buildAuthorizationHeader(ch: DigestChallenge, cred: DigestCredentials, req: DigestRequest): string {
  const r = computeDigestResponse(ch, cred, req);
  const parts = [
    `username=${quote(cred.username)}`, `realm=${quote(ch.realm)}`, `nonce=${quote(ch.nonce)}`,
    `uri=${quote(req.uri)}`, `response=${quote(r.response)}`, `algorithm=${ch.algorithm === 'MD5-SESS' ? 'MD5-sess' : ch.algorithm === 'SHA-256-SESS' ? 'SHA-256-sess' : ch.algorithm}`,
  ];
  if (r.cnonce !== undefined) parts.push(`cnonce=${quote(r.cnonce)}`);
  if (ch.opaque !== undefined) parts.push(`opaque=${quote(ch.opaque)}`);
  // qop and nc are unquoted tokens (RFC 2617 §3.2.2).
  if (r.qop) parts.push(`qop=${r.qop}`, `nc=${r.nc}`);
  return `Digest ${parts.join(', ')}`;
}
