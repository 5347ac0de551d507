import { startThread, threadEnded } from '../../threads/start-thread.ts';

const WORKER = new URL('./checkpoint-worker.ts', import.meta.url);

/**
 * SQLite's WAL checkpoints, moved off the writer (docs/storage.md#checkpoints).
 *
 * By default the connection that commits also checkpoints: once the WAL holds 1,000 pages, the
 * commit that crossed the mark copies them into the database file and syncs both files before it
 * returns. On a slow disk that held every caller of the store for tens of milliseconds, at times
 * over 100 ms (measured: commits of 8–120 ms, none without checkpoints), and set the p99.
 *
 * Here a thread of its own, with a connection of its own, runs PASSIVE checkpoints: they copy
 * committed frames while the writer goes on appending and never block it. The writer keeps its own
 * automatic checkpoint, at WRITER_CHECKPOINT_PAGES, as the backstop that lets SQLite start the WAL
 * over (that needs a moment when every frame has been copied, which a busy writer rarely leaves)
 * and that bounds the WAL should this thread stop. When it fires, the thread has copied and synced
 * nearly everything, so it has little left to do.
 */
export const WRITER_CHECKPOINT_PAGES = 4000;

export interface CheckpointThread {
  /** Ends the thread after the checkpoint in progress; the writer's connection closes after this. */
  stop(): Promise<void>;
}

export function startCheckpointThread(file: string, options: { busyPauseMs?: number; idlePauseMs?: number } = {}): CheckpointThread {
  const worker = startThread(WORKER, { file, busyPauseMs: options.busyPauseMs ?? 10, idlePauseMs: options.idlePauseMs ?? 100 });
  worker.unref(); // it must not keep a process that is done alive
  // A thread that fails (it should not) only loses the head start: the writer's backstop
  // checkpoint keeps the WAL bounded as before, so the error is not the store's to throw.
  worker.on('error', () => {});
  return {
    async stop() {
      if (worker.threadId === -1) return; // already ended (Node sets -1 on exit)
      worker.ref();
      worker.postMessage('stop');
      await threadEnded(worker).catch(() => {});
    },
  };
}
