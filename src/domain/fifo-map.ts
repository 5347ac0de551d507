/**
 * A Map used as a queue: entries in the order they were set, the oldest found in constant time.
 * For bounded caches (drop the oldest past a size) and time-ordered sets (drop from the front
 * while expired).
 *
 * Why not a plain Map and `map.keys().next()`: V8 leaves a deleted entry's slot in the hash
 * table until the table is rebuilt, and a fresh iterator steps over every such slot from the
 * start. A Map that deletes at its front piles them up exactly there: at 50,000 entries each
 * call stepped over tens of thousands of dead slots, 20–36 µs (measured). That was a PIN send's
 * server-thread cost growing by ~30 µs once a process had sent 50,000 PINs (docs/performance.md).
 * Here one long-lived iterator steps over each slot once. It meets entries added after it was
 * made in turn and skips deleted ones; the entry it last read is checked by a sequence number,
 * so one deleted and set again is met at its new place, as in a Map.
 */
export class FifoMap<K, V> {
  readonly #entries = new Map<K, { value: V; seq: number }>();
  #seq = 0;
  #cursor = this.#entries.entries();
  /** The entry the cursor read last: the oldest, unless it has been deleted since. */
  #head: { key: K; seq: number } | undefined;

  get size(): number {
    return this.#entries.size;
  }

  get(key: K): V | undefined {
    return this.#entries.get(key)?.value;
  }

  has(key: K): boolean {
    return this.#entries.has(key);
  }

  /** Sets `key` as the newest entry: a key already present moves to the end. */
  set(key: K, value: V): this {
    this.#entries.delete(key);
    this.#entries.set(key, { value, seq: this.#seq++ });
    return this;
  }

  delete(key: K): boolean {
    return this.#entries.delete(key);
  }

  /** The oldest entry, or undefined when there is none. */
  oldest(): [K, V] | undefined {
    for (;;) {
      const head = this.#head;
      const entry = head && this.#entries.get(head.key);
      if (head && entry?.seq === head.seq) return [head.key, entry.value];
      let next = this.#cursor.next();
      // An iterator that has reached the end stays there, even when entries are added later.
      if (next.done) {
        this.#cursor = this.#entries.entries();
        next = this.#cursor.next();
        if (next.done) { this.#head = undefined; return undefined; }
      }
      this.#head = { key: next.value[0], seq: next.value[1].seq };
    }
  }

  /**
   * Deletes the oldest entries while `expired` says so; stops at the first it keeps. `dropped`
   * hears of each entry deleted (for owners that index the same entries elsewhere too).
   */
  dropOldestWhile(expired: (value: V, key: K) => boolean, dropped?: (value: V, key: K) => void): void {
    for (let e = this.oldest(); e && expired(e[1], e[0]); e = this.oldest()) this.#drop(e, dropped);
  }

  /** Deletes the oldest entries until at most `max` are left; `dropped` as in dropOldestWhile. */
  trimTo(max: number, dropped?: (value: V, key: K) => void): void {
    while (this.#entries.size > max) this.#drop(this.oldest() as [K, V], dropped);
  }

  #drop([key, value]: [K, V], dropped?: (value: V, key: K) => void): void {
    this.#entries.delete(key);
    dropped?.(value, key);
  }

  *keys(): IterableIterator<K> {
    yield* this.#entries.keys();
  }

  *values(): IterableIterator<V> {
    for (const e of this.#entries.values()) yield e.value;
  }
}
