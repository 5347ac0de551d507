import { parentPort, workerData } from 'node:worker_threads';
import { createSqliteStore, type SqliteStoreOptions } from '../sqlite-store.ts';
import { errorToWire, fromWire, toWire, type Call, type Reply } from './wire.ts';

/**
 * The SQLite thread: owns the one connection and serves the store's methods to the server
 * thread. Calls arrive in batches (one message per turn of the server's event loop) and answers
 * leave in batches; the sends of one batch share one group commit (group-commit.ts).
 */
const port = parentPort;
if (!port) throw new Error('sqlite-thread-worker runs only as a worker thread');
const { file, options } = workerData as { file: string; options: SqliteStoreOptions };
const store = createSqliteStore(file, options) as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;

let replies: Reply[] = [];
let closing = false;

function flushReplies(): void {
  const batch = replies;
  replies = [];
  port!.postMessage(batch);
  if (closing) port!.close(); // the thread ends once its last answer is out
}

function answer(reply: Reply): void {
  if (replies.length === 0) setImmediate(flushReplies);
  replies.push(reply);
}

function run(call: Call): void {
  let result: Promise<unknown>;
  try {
    const method = store[call.method];
    if (typeof method !== 'function') throw new Error(`unknown store method ${call.method}`);
    result = method(...(fromWire(call.args) as unknown[]));
  } catch (err) {
    result = Promise.reject(err);
  }
  result.then(
    (value) => {
      if (call.method === 'close') closing = true;
      answer({ id: call.id, ok: true, value: toWire(value) });
    },
    (err) => answer({ id: call.id, ok: false, error: errorToWire(err) }),
  );
}

port.on('message', (calls: Call[]) => { for (const call of calls) run(call); });
