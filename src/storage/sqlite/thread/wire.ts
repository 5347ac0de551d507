/**
 * What crosses between the server thread and the SQLite thread. Messages are structured clones,
 * which need two fixes for store records:
 *  - A Buffer arrives as a plain Uint8Array; better-sqlite3 binds and callers compare Buffers,
 *    so received Uint8Arrays become Buffers again (a view, no copy).
 *  - Cloning a typed array clones its whole ArrayBuffer: a 16-byte seed cut from the 4 KiB
 *    randomness pool (domain/ids.ts) or Node's 8 KiB Buffer pool would travel as kilobytes. Such
 *    views are compacted before sending.
 * Errors lose their class and own properties in a clone; they travel as plain data and are
 * rebuilt with their name, message, code and other own fields (errors.ts maps `code`).
 */
export interface Call { id: number; method: string; args: unknown[] }
export type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: WireError };
export interface WireError { name: string; message: string; stack?: string; props: Record<string, unknown> }

const isPlain = (v: object) => { const p = Object.getPrototypeOf(v); return p === Object.prototype || p === null; };

/** Returns `v` itself unless something in it had to be compacted (callers' objects are never changed). */
export function toWire(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (ArrayBuffer.isView(v)) {
    return v.byteLength === v.buffer.byteLength ? v : new Uint8Array(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength));
  }
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const w = toWire(v[i]);
      if (w !== v[i]) (out ??= v.slice())[i] = w;
    }
    return out ?? v;
  }
  if (!isPlain(v)) return v;
  let out: Record<string, unknown> | undefined;
  for (const k in v) {
    const item = (v as Record<string, unknown>)[k];
    const w = toWire(item);
    if (w !== item) (out ??= { ...(v as Record<string, unknown>) })[k] = w;
  }
  return out ?? v;
}

/** Turns received Uint8Arrays back into Buffers, in place (a received clone belongs to its receiver). */
export function fromWire(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (v instanceof Uint8Array) return Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = fromWire(v[i]);
  } else if (isPlain(v)) {
    const o = v as Record<string, unknown>;
    for (const k in o) o[k] = fromWire(o[k]);
  }
  return v;
}

export function errorToWire(e: unknown): WireError {
  if (!(e instanceof Error)) return { name: 'Error', message: String(e), props: {} };
  const props: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(e)) if (val === null || ['string', 'number', 'boolean'].includes(typeof val)) props[k] = val;
  return { name: e.name, message: e.message, ...(e.stack ? { stack: e.stack } : {}), props };
}

export function errorFromWire(w: WireError): Error {
  const e = Object.assign(new Error(w.message), w.props);
  e.name = w.name;
  if (w.stack) e.stack = w.stack;
  return e;
}
