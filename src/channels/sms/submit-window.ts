/**
 * The window of one SMPP session: at most `size` submit_sm outstanding (sent, no response yet).
 * SMPP v3.4 §2.7 lets an ESME send further requests before earlier responses arrive; SMSCs cap
 * how many, and exceeding the cap earns ESME_RTHROTTLED or a dropped bind.
 */

interface Waiter {
  grant(): void;
  fail(error: Error): void;
}

export class SubmitWindow {
  private used = 0;
  private readonly waiters: Waiter[] = [];

  constructor(private readonly size: number) {}

  get inUse(): number {
    return this.used;
  }

  /**
   * Takes a place, waiting first-come first-served while the window is full.
   * Rejects with `abortError()` if `signal` aborts while waiting.
   */
  acquire(signal: AbortSignal, abortError: () => Error): Promise<void> {
    if (signal.aborted) return Promise.reject(abortError());
    if (this.used < this.size) {
      this.used++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(abortError());
      };
      const waiter: Waiter = {
        grant: () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        },
        fail: (error) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  /** Hands the place straight to the next waiter, so a newcomer cannot jump the queue. */
  release(): void {
    const next = this.waiters.shift();
    if (next) next.grant();
    else this.used--;
  }

  /** Rejects everyone still waiting (the session is closing). */
  failWaiters(error: Error): void {
    for (const waiter of this.waiters.splice(0)) waiter.fail(error);
  }
}
