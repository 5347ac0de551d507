import type { Worker } from 'node:worker_threads';

type Waiter<T> = { resolve(value: T): void; reject(error: unknown): void };

/**
 * Calls waiting for a worker thread's answer, numbered. The thread keeps the process alive while
 * a call waits and while it is closing; an idle thread does not (a server that is done must be
 * able to exit). Closing matters: a late answer that arrives after close() began must not let go
 * of the thread while close() still waits for it to end — the process would run out of work with
 * close() pending.
 */
export function pendingCalls<T>() {
  const waiting = new Map<number, Waiter<T>>();
  let nextId = 1;
  let closing = false;
  let thread: Worker | undefined;

  return {
    /** The thread that answers (again after a restart). */
    attach(w: Worker): void { thread = w; if (waiting.size > 0 || closing) w.ref(); else w.unref(); },
    add(waiter: Waiter<T>): number {
      const id = nextId++;
      waiting.set(id, waiter);
      thread?.ref();
      return id;
    },
    /** Hands an answer to its caller; unknown ids (answered already) are ignored. */
    settle(id: number, answer: (waiter: Waiter<T>) => void): void {
      const waiter = waiting.get(id);
      if (!waiter) return;
      waiting.delete(id);
      answer(waiter);
      if (waiting.size === 0 && !closing) thread?.unref();
    },
    /** The thread is gone: every call still waiting fails with `error`. */
    failAll(error: unknown): void {
      for (const waiter of waiting.values()) waiter.reject(error);
      waiting.clear();
    },
    /** From now on the thread keeps the process alive until it ends. */
    closing(): void { closing = true; thread?.ref(); },
  };
}
