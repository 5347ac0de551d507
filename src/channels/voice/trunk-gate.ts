/**
 * Per-trunk admission: at most `maxConcurrentCalls` calls at once and `callsPerSecond` new
 * INVITEs per second. Callers wait in FIFO order; an aborted wait leaves the queue.
 */
export class TrunkGate {
  private active = 0;
  private nextStartAt = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly maxConcurrent: number, private readonly callsPerSecond: number) {}

  async acquire(signal?: AbortSignal): Promise<() => void> {
    if (this.active < this.maxConcurrent) {
      this.active++;
    } else {
      // A releasing call hands its slot straight to the first waiter (active stays the same),
      // so a newcomer can never slip in between and exceed the limit.
      await new Promise<void>((resolve, reject) => {
        const wake = () => { signal?.removeEventListener('abort', onAbort); resolve(); };
        const onAbort = () => { this.waiting.splice(this.waiting.indexOf(wake), 1); reject(signal?.reason); };
        this.waiting.push(wake);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    }
    // Pace INVITEs: each start takes the next free slot of the 1/cps grid.
    const now = Date.now();
    const startAt = Math.max(now, this.nextStartAt);
    this.nextStartAt = startAt + 1000 / this.callsPerSecond;
    if (startAt > now) await new Promise((r) => setTimeout(r, startAt - now));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    };
  }

  get inUse(): number {
    return this.active;
  }
}
