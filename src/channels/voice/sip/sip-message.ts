/**
 * SIP message model, parser and serializer: the RFC 3261 §7 subset a UAC needs.
 *
 * Header names are stored in their long, lower-case form (compact forms per §7.3.3 are expanded on
 * parse), values in arrival order. Comma-separated multi-value headers (§7.3.1) are split only for
 * the header fields whose grammar is a list; auth headers carry commas inside one value and are
 * never split.
 */

export interface SipHeader { name: string; value: string }

interface SipMessageBase {
  /** Headers in arrival order; `name` is the long, lower-case form. */
  headers: SipHeader[];
  body: Buffer;
}
export interface SipRequest extends SipMessageBase { kind: 'request'; method: string; uri: string }
export interface SipResponse extends SipMessageBase { kind: 'response'; status: number; reason: string }
export type SipMessage = SipRequest | SipResponse;

/** RFC 3261 §7.3.3 and the IANA registry: compact form → long name. */
const COMPACT_FORMS: Record<string, string> = {
  i: 'call-id', m: 'contact', e: 'content-encoding', l: 'content-length', c: 'content-type', f: 'from',
  s: 'subject', k: 'supported', t: 'to', v: 'via', o: 'event', r: 'refer-to', b: 'referred-by',
  x: 'session-expires', u: 'allow-events', a: 'accept-contact', j: 'reject-contact', d: 'request-disposition',
  y: 'identity', n: 'identity-info',
};

/** Headers whose grammar is `#element`, so a comma separates values (§7.3.1, §20). */
const LIST_HEADERS = new Set([
  'via', 'route', 'record-route', 'contact', 'allow', 'supported', 'require', 'proxy-require', 'unsupported',
  'accept', 'accept-encoding', 'accept-language', 'content-encoding', 'allow-events', 'reason',
]);

/** Canonical spelling used when we serialize our own messages (peers must accept any case). */
const CANONICAL_NAMES: Record<string, string> = {
  'call-id': 'Call-ID', cseq: 'CSeq', 'www-authenticate': 'WWW-Authenticate', 'content-length': 'Content-Length',
};

export function canonicalHeaderName(name: string): string {
  const lower = name.toLowerCase();
  return CANONICAL_NAMES[lower] ?? lower.replace(/(^|-)([a-z])/g, (_m, dash: string, ch: string) => dash + ch.toUpperCase());
}

function longName(name: string): string {
  const lower = name.trim().toLowerCase();
  return COMPACT_FORMS[lower] ?? lower;
}

/** Split on commas that are outside quotes and angle brackets (URIs may contain commas in <>). */
export function splitHeaderList(value: string): string[] {
  const parts: string[] = [];
  let depthAngle = 0;
  let inQuotes = false;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (ch === '\\' && inQuotes) { i++; continue; }
    if (ch === '"') inQuotes = !inQuotes;
    else if (!inQuotes && ch === '<') depthAngle++;
    else if (!inQuotes && ch === '>') depthAngle = Math.max(0, depthAngle - 1);
    else if (!inQuotes && depthAngle === 0 && ch === ',') {
      parts.push(value.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(value.slice(start).trim());
  return parts.filter((p) => p.length > 0);
}

export class SipParseError extends Error {
  override readonly name = 'SipParseError';
}

/** Position of the empty line that ends the header section, and its length (CRLFCRLF or LFLF). */
function findHeaderEnd(data: Buffer): { index: number; length: number } | undefined {
  const crlf = data.indexOf('\r\n\r\n');
  const lf = data.indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf <= lf)) return { index: crlf, length: 4 };
  if (lf >= 0) return { index: lf, length: 2 };
  return undefined;
}

function parseHeaderLines(lines: string[]): SipHeader[] {
  // Unfold continuation lines (§7.3.1: a line starting with whitespace continues the previous one).
  const unfolded: string[] = [];
  for (const line of lines) {
    if (/^[ \t]/.test(line) && unfolded.length > 0) unfolded[unfolded.length - 1] += ' ' + line.trim();
    else if (line.length > 0) unfolded.push(line);
  }
  const headers: SipHeader[] = [];
  for (const line of unfolded) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new SipParseError(`malformed header line: ${line}`);
    const name = longName(line.slice(0, colon));
    const value = line.slice(colon + 1).trim();
    const values = LIST_HEADERS.has(name) ? splitHeaderList(value) : [value];
    for (const v of values) headers.push({ name, value: v });
  }
  return headers;
}

/**
 * Parse one complete message (a UDP datagram, or a frame cut by {@link takeStreamMessage}).
 * With a Content-Length the body is cut to it (§18.3: extra datagram bytes are discarded);
 * without one (allowed on UDP) the body is the rest of the datagram.
 */
export function parseSipMessage(data: Buffer): SipMessage {
  const end = findHeaderEnd(data);
  const head = data.subarray(0, end ? end.index : data.length).toString('utf8');
  const rest = end ? data.subarray(end.index + end.length) : Buffer.alloc(0);
  const [startLine = '', ...headerLines] = head.split(/\r?\n/);
  const headers = parseHeaderLines(headerLines);
  const lengthValue = headers.find((h) => h.name === 'content-length')?.value;
  const contentLength = lengthValue === undefined ? rest.length : Number.parseInt(lengthValue, 10);
  if (!Number.isFinite(contentLength) || contentLength < 0) throw new SipParseError(`bad Content-Length: ${lengthValue}`);
  if (contentLength > rest.length) throw new SipParseError('body shorter than Content-Length');
  const body = Buffer.from(rest.subarray(0, contentLength));

  const status = /^SIP\/2\.0\s+(\d{3})\s*(.*)$/i.exec(startLine);
  if (status) return { kind: 'response', status: Number(status[1]), reason: status[2] ?? '', headers, body };
  const request = /^([A-Za-z]+)\s+(\S+)\s+SIP\/2\.0$/i.exec(startLine);
  if (request) return { kind: 'request', method: (request[1] ?? '').toUpperCase(), uri: request[2] ?? '', headers, body };
  throw new SipParseError(`bad start line: ${startLine}`);
}

/**
 * Cut one message off the front of a stream buffer (TCP, §18.3: Content-Length is mandatory on
 * streams). Leading CRLFs are keep-alives (RFC 5626 §3.5.1) and skipped.
 * Returns undefined while the message is still incomplete.
 */
export function takeStreamMessage(buffer: Buffer): { message: SipMessage; rest: Buffer } | undefined {
  let start = 0;
  while (start < buffer.length && (buffer[start] === 0x0d || buffer[start] === 0x0a)) start++;
  const data = buffer.subarray(start);
  const end = findHeaderEnd(data);
  if (!end) return undefined;
  const head = data.subarray(0, end.index).toString('utf8');
  const match = /^(?:content-length|l)[ \t]*:[ \t]*(\d+)/im.exec(head);
  const contentLength = match ? Number(match[1]) : 0;
  const total = end.index + end.length + contentLength;
  if (data.length < total) return undefined;
  return { message: parseSipMessage(data.subarray(0, total)), rest: Buffer.from(data.subarray(total)) };
}

/** First value of a header (long or compact name accepted). */
export function getHeader(msg: SipMessage, name: string): string | undefined {
  const wanted = longName(name);
  return msg.headers.find((h) => h.name === wanted)?.value;
}

/** Every value of a header, list headers already split, in order. */
export function getHeaders(msg: SipMessage, name: string): string[] {
  const wanted = longName(name);
  return msg.headers.filter((h) => h.name === wanted).map((h) => h.value);
}

/** CSeq as number and method (§20.16). */
export function getCSeq(msg: SipMessage): { seq: number; method: string } {
  const [seq = '', method = ''] = (getHeader(msg, 'cseq') ?? '').split(/\s+/);
  return { seq: Number.parseInt(seq, 10), method: method.toUpperCase() };
}

/** A message we are about to send: headers as [name, value] pairs, Content-Length added here. */
export interface OutgoingMessage {
  startLine: string;
  headers: Array<[string, string]>;
  body?: string;
}

export function serializeSipMessage(msg: OutgoingMessage): string {
  const body = msg.body ?? '';
  const lines = [msg.startLine];
  for (const [name, value] of msg.headers) {
    if (name.toLowerCase() !== 'content-length') lines.push(`${canonicalHeaderName(name)}: ${value}`);
  }
  lines.push(`Content-Length: ${Buffer.byteLength(body, 'utf8')}`);
  return lines.join('\r\n') + '\r\n\r\n' + body;
}
