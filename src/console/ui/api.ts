/// <reference lib="dom" />
/**
 * The console's only door to the server: the same JSON API every client uses, with the key the
 * person signed in with. Errors come back as Infobip's envelope; ApiError carries its parts so
 * forms can show a message next to the field that was wrong.
 */
const KEY_STORAGE = 'open2fa.console.apiKey';

export class ApiError extends Error {
  constructor(readonly status: number, readonly messageId: string, text: string, readonly validationErrors: Record<string, string[]> = {}) {
    super(text);
  }
}

/** The key lives in sessionStorage: gone when the tab closes, never written to disk by us. */
export const storedKey = (): string | null => sessionStorage.getItem(KEY_STORAGE);
export const storeKey = (key: string): void => sessionStorage.setItem(KEY_STORAGE, key);
export const forgetKey = (): void => sessionStorage.removeItem(KEY_STORAGE);

let onUnauthorized: (message: string) => void = () => {};
/** Called when a request answers 401: the key was revoked or mistyped; the app signs out. */
export function whenUnauthorized(handler: (message: string) => void): void { onUnauthorized = handler; }

async function request(path: string, init: RequestInit & { key?: string } = {}): Promise<Response> {
  const key = init.key ?? storedKey();
  const headers = new Headers(init.headers);
  if (key) headers.set('authorization', `App ${key}`);
  if (init.body !== undefined) headers.set('content-type', 'application/json');
  const res = await fetch(path, { ...init, headers, cache: 'no-store' });
  if (res.ok) return res;
  let body: unknown;
  try { body = await res.json(); } catch { body = undefined; }
  const se = (body as { requestError?: { serviceException?: { messageId?: string; text?: string; validationErrors?: Record<string, string[]> } } } | undefined)?.requestError?.serviceException;
  const error = new ApiError(res.status, se?.messageId ?? 'ERROR', se?.text ?? `The server answered ${res.status}`, se?.validationErrors);
  if (res.status === 401 && init.key === undefined) onUnauthorized(error.message);
  throw error;
}

export async function getJson<T>(path: string, key?: string): Promise<T> {
  return (await request(path, key === undefined ? {} : { key })).json() as Promise<T>;
}

export async function sendJson<T>(method: 'POST' | 'PUT', path: string, body: unknown): Promise<T> {
  return (await request(path, { method, body: JSON.stringify(body) })).json() as Promise<T>;
}

/** Binary answers (the preview WAV): fetched with the key, played from memory. */
export async function getBlob(path: string): Promise<{ blob: Blob; headers: Headers }> {
  const res = await request(path);
  return { blob: await res.blob(), headers: res.headers };
}

export const enc = encodeURIComponent;
