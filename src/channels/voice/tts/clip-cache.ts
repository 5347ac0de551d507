/**
 * In-memory LRU of rendered clips, bounded by bytes. Clips are what a prompt is assembled from:
 * the spoken form of each PIN character and each template text fragment, per voice and rate.
 * Concurrent requests for a clip that is still being synthesized share that one synthesis.
 */

export interface ClipCacheStats {
  /** Lookups answered from memory (or from a synthesis already under way). */
  hits: number;
  /** Lookups that had to synthesize. */
  misses: number;
  evictions: number;
  entries: number;
  bytes: number;
  maxBytes: number;
}

/** Map bookkeeping per entry, roughly; keeps many tiny clips from escaping the bound. */
const ENTRY_OVERHEAD_BYTES = 96;

export class ClipCache {
  private readonly entries = new Map<string, Int16Array>();
  private readonly pending = new Map<string, Promise<Int16Array>>();
  private bytes = 0;
  private hits = 0;
  private misses = 0;
  private evictions = 0;

  constructor(private readonly maxBytes: number) {
    if (!(maxBytes >= 0)) throw new RangeError(`maxCacheBytes must be >= 0, got ${maxBytes}`);
  }

  async getOrCreate(key: string, create: () => Promise<Int16Array>): Promise<Int16Array> {
    const cached = this.entries.get(key);
    if (cached) {
      this.hits++;
      this.entries.delete(key); // re-insert: Map order is the recency order
      this.entries.set(key, cached);
      return cached;
    }
    const inFlight = this.pending.get(key);
    if (inFlight) {
      this.hits++;
      return inFlight;
    }
    this.misses++;
    const created = create().finally(() => this.pending.delete(key));
    this.pending.set(key, created);
    this.store(key, await created);
    return created;
  }

  stats(): ClipCacheStats {
    return {
      hits: this.hits,
      misses: this.misses,
      evictions: this.evictions,
      entries: this.entries.size,
      bytes: this.bytes,
      maxBytes: this.maxBytes,
    };
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  private store(key: string, clip: Int16Array): void {
    const cost = costOf(key, clip);
    if (cost > this.maxBytes || this.entries.has(key)) return;
    this.entries.set(key, clip);
    this.bytes += cost;
    for (const [oldestKey, oldestClip] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(oldestKey);
      this.bytes -= costOf(oldestKey, oldestClip);
      this.evictions++;
    }
  }
}

function costOf(key: string, clip: Int16Array): number {
  return clip.byteLength + key.length * 2 + ENTRY_OVERHEAD_BYTES;
}
