import { once } from 'node:events';
import { Worker } from 'node:worker_threads';

const ENTRY = new URL('./worker-entry.mjs', import.meta.url);

/**
 * Starts a TypeScript module on a worker thread of its own; `data` reaches it as workerData
 * (structured clone). Used for the work that would otherwise hold the event loop that parses HTTP
 * and paces RTP: SQLite (storage/sqlite/thread) and speech synthesis (channels/voice/tts).
 */
export function startThread(module: URL, data: Record<string, unknown> = {}): Worker {
  // A thread inherits the process's flags; `--input-type` (a script given with -e) is refused
  // for a thread that starts from a file.
  const execArgv = process.execArgv.filter((flag) => !flag.startsWith('--input-type'));
  return new Worker(ENTRY, { workerData: { ...data, module: module.href }, execArgv });
}

/**
 * Waits for a thread that was asked to end; one still running after `graceMs` is terminated.
 * Rejects when the thread fails with an error instead of exiting.
 */
export async function threadEnded(worker: Worker, graceMs = 5000): Promise<void> {
  const stuck = setTimeout(() => void worker.terminate(), graceMs);
  try {
    await once(worker, 'exit');
  } finally {
    clearTimeout(stuck);
  }
}
