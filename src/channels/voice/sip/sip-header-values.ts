/**
 * Grammar helpers for header values: name-addr (From/To/Contact/Route), generic parameters, Via,
 * and host formatting. RFC 3261 §20 and §25.1, the subset a UAC reads.
 */
import { randomBytes } from 'node:crypto';

export interface NameAddr {
  display?: string;
  uri: string;
  /** Header parameters after the URI (e.g. tag), lower-case names; `''` for a flag parameter. */
  params: Record<string, string>;
}

/** Parse `;a=b;c` (leading semicolon optional) into lower-case names; quoted values are unquoted. */
export function parseParams(text: string): Record<string, string> {
  const params: Record<string, string> = {};
  const re = /;?\s*([^=;\s]+)\s*(?:=\s*("(?:[^"\\]|\\.)*"|[^;]*))?/g;
  for (const m of text.matchAll(re)) {
    const name = (m[1] ?? '').toLowerCase();
    if (!name) continue;
    const raw = (m[2] ?? '').trim();
    params[name] = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw;
  }
  return params;
}

/**
 * Parse a name-addr or addr-spec. Without angle brackets, parameters after the URI belong to the
 * header, not the URI (§20.10), so `sip:a@b;tag=x` yields uri `sip:a@b` and tag `x`.
 */
export function parseNameAddr(value: string): NameAddr {
  const v = value.trim();
  const open = v.indexOf('<');
  if (open >= 0) {
    const close = v.indexOf('>', open);
    if (close < 0) throw new Error(`unterminated name-addr: ${value}`);
    const display = v.slice(0, open).trim().replace(/^"(.*)"$/, '$1');
    return {
      ...(display ? { display } : {}),
      uri: v.slice(open + 1, close),
      params: parseParams(v.slice(close + 1)),
    };
  }
  const semi = v.indexOf(';');
  return semi < 0 ? { uri: v, params: {} } : { uri: v.slice(0, semi), params: parseParams(v.slice(semi)) };
}

export interface Via {
  protocol: string;
  transport: string;
  host: string;
  port?: number;
  params: Record<string, string>;
}

/** `SIP/2.0/UDP host:port;branch=…;rport` (§20.42). */
export function parseVia(value: string): Via {
  const m = /^\s*SIP\s*\/\s*2\.0\s*\/\s*([A-Za-z]+)\s+(\[[^\]]+\]|[^\s:;]+)(?:\s*:\s*(\d+))?\s*(.*)$/i.exec(value);
  if (!m) throw new Error(`bad Via: ${value}`);
  return {
    protocol: 'SIP/2.0',
    transport: (m[1] ?? '').toUpperCase(),
    host: m[2] ?? '',
    ...(m[3] ? { port: Number(m[3]) } : {}),
    params: parseParams(m[4] ?? ''),
  };
}

/** `host:port` with IPv6 literals in brackets (§25.1 IPv6reference). */
export function hostPort(host: string, port: number): string {
  return `${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`;
}

export function bracketHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/** Branch with the RFC 3261 magic cookie (§8.1.1.7) so peers use branch-based matching. */
export function newBranch(): string {
  return `z9hG4bK${randomBytes(10).toString('hex')}`;
}

/** Tags need 32 bits of randomness (§19.3); 64 here. */
export function newTag(): string {
  return randomBytes(8).toString('hex');
}

export function newCallId(host: string): string {
  return `${randomBytes(12).toString('hex')}@${bracketHost(host)}`;
}

/** Parse `Reason: Q.850;cause=17;text="User busy"` values (RFC 3326); returns the Q.850 cause. */
export function q850Cause(reasonValues: string[]): number | undefined {
  for (const value of reasonValues) {
    const semi = value.indexOf(';');
    const protocol = (semi < 0 ? value : value.slice(0, semi)).trim().toUpperCase();
    if (protocol !== 'Q.850') continue;
    const cause = Number.parseInt(parseParams(value.slice(semi)).cause ?? '', 10);
    if (Number.isInteger(cause)) return cause;
  }
  return undefined;
}
