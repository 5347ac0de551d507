import type { Worker } from 'node:worker_threads';
import { pendingCalls } from '../../../threads/pending-calls.ts';
import { startThread, threadEnded } from '../../../threads/start-thread.ts';
import type { Store } from '../../../domain/ports.ts';
import type { SqliteStoreOptions } from '../sqlite-store.ts';
import { errorFromWire, fromWire, toWire, type Call, type Reply } from './wire.ts';

/** Every method of the contract; the type check below fails when the contract gains one. */
const METHODS = [
  'migrate', 'close', 'ping', 'createAccount', 'findAccountByName', 'getAccount', 'listAccounts', 'insertApiKey',
  'findApiKeyByHash', 'listApiKeys', 'revokeApiKey', 'countActiveApiKeys', 'insertApplication', 'updateApplication',
  'getApplication', 'listApplications', 'insertTemplate', 'updateTemplate', 'getTemplate', 'listTemplates', 'acceptSend',
  'getPin', 'beginVerifyAttempt', 'markVerified', 'listVerifications', 'claimDeliveries', 'extendLease', 'recordReport',
  'retryLater', 'listDeliveries', 'getDelivery', 'expireWaiting', 'countQueued', 'insertSandboxMessage',
  'listSandboxMessages', 'getSandboxAudio', 'setCreditBalance', 'addCredits', 'reserveCredits', 'listCharges',
  'enqueueWebhook', 'claimWebhooks', 'finishWebhook', 'listWebhooks', 'createEmailContent', 'updateEmailContent',
  'getEmailContent', 'listEmailContents', 'addOptOut', 'isOptedOut', 'expectReceipts', 'settleReceipt', 'pruneBefore',
  'accountActivity', 'listRecentPins', 'listRecentSandboxMessages',
] as const;
type Method = Exclude<keyof Store, 'kind'>;
type Missing = Exclude<Method, (typeof METHODS)[number]>;
const complete: [Missing] extends [never] ? true : { missing: Missing } = true;
void complete;

/**
 * Calls are posted once per turn of the event loop, or as soon as this many are waiting. Without
 * the cap, the 32 requests of 32 connections arrive together, travel as one batch, and the two
 * threads take turns (each idle while the other works: measured send 10.6k/s). With chunks of 8
 * the SQLite thread starts on the first while the server thread still parses the rest (12.8k/s);
 * 4 and 16 measured the same or worse.
 */
const CHUNK = 8;
const WORKER = new URL('./sqlite-thread-worker.ts', import.meta.url);

/**
 * The SQLite store on its own thread. better-sqlite3 is synchronous: in the server's thread
 * every statement, commit and retention batch holds the event loop that also parses HTTP and
 * paces RTP. Here the server thread only posts calls (batched per turn of its event loop) and the
 * SQLite thread runs them, so both cores work and the event loop never waits on the disk.
 * Semantics are those of createSqliteStore: one connection, calls run in the order they were
 * made, writes of one turn share one group commit.
 *
 * If the thread dies (it should not: every error is answered), calls in flight fail with
 * STORE_UNAVAILABLE (a 503 to HTTP callers; whether their writes committed is unknown, as after
 * a crash) and the next call starts a new thread on the same file.
 */
export function createThreadedSqliteStore(
  file: string, options: SqliteStoreOptions = {},
  spawn: (data: Record<string, unknown>) => Worker = (data) => startThread(WORKER, data),
): Store {
  let worker: Worker | undefined;
  let outbox: Call[] = [];
  let closed = false;
  const pending = pendingCalls<unknown>();

  function start(): Worker {
    const w = spawn({ file, options });
    pending.attach(w);
    w.on('message', (replies: Reply[]) => {
      for (const r of replies) pending.settle(r.id, (p) => (r.ok ? p.resolve(fromWire(r.value)) : p.reject(errorFromWire(r.error))));
    });
    let failure: Error | undefined;
    w.on('error', (err) => { failure = err; });
    w.on('exit', (code) => {
      if (worker === w) worker = undefined;
      pending.failAll(Object.assign(new Error(`The SQLite thread stopped (exit code ${code})${failure ? `: ${failure.message}` : ''}`), { code: 'STORE_UNAVAILABLE' }));
    });
    return w;
  }

  function flush(): void {
    if (outbox.length === 0) return;
    const batch = outbox;
    outbox = [];
    worker ??= start();
    worker.postMessage(batch);
  }

  function call(method: Method, args: unknown[]): Promise<unknown> {
    if (closed) return Promise.reject(Object.assign(new Error('The store is closed'), { code: 'STORE_UNAVAILABLE' }));
    return new Promise((resolve, reject) => {
      const id = pending.add({ resolve, reject });
      if (outbox.length === 0) setImmediate(flush);
      outbox.push({ id, method, args: toWire(args) as unknown[] });
      if (outbox.length >= CHUNK) flush();
    });
  }

  const store: Record<string, unknown> = { kind: 'sqlite' };
  for (const m of METHODS) store[m] = (...args: unknown[]) => call(m, args);
  store.close = async () => {
    if (closed) return;
    if (!worker && outbox.length === 0) { closed = true; return; }
    const done = call('close', []);
    closed = true;
    pending.closing();
    await done;
    const w = worker; // unset by the exit handler once the thread has ended
    if (!w) return;
    await threadEnded(w);
  };
  return store as unknown as Store;
}
