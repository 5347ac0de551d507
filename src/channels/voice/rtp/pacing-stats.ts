/**
 * Process-wide histogram of RTP send-time deviation: for every frame, how far from its ideal slot
 * on the 20 ms grid it was handed to the socket. One array increment per frame, so it is always
 * on; benchmarks and /metrics read percentiles from it.
 */

/** Bucket width and range: 0.1 ms buckets up to 250 ms; anything later lands in `overflow`. */
const BUCKET_MS = 0.1;
const BUCKETS = 2500;

const counts = new Uint32Array(BUCKETS);
let overflow = 0;
let frames = 0;
let maxMs = 0;

/** Records one frame sent `deviationMs` from its slot (negative = a hair early; counted by magnitude). */
export function recordPacingDeviation(deviationMs: number): void {
  const d = deviationMs < 0 ? -deviationMs : deviationMs;
  const i = (d / BUCKET_MS) | 0;
  if (i < BUCKETS) counts[i]!++;
  else overflow++;
  frames++;
  if (d > maxMs) maxMs = d;
}

export interface PacingSnapshot {
  frames: number;
  maxMs: number;
  /** Deviation (ms, upper bucket edge) below which fraction `q` (0..1) of the frames fall. */
  quantile(q: number): number;
  /** Frames sent more than `ms` from their slot. */
  over(ms: number): number;
}

export function pacingSnapshot(): PacingSnapshot {
  const c = counts.slice();
  const total = frames;
  const over = overflow;
  const max = maxMs;
  return {
    frames: total,
    maxMs: max,
    quantile(q) {
      if (total === 0) return 0;
      const rank = Math.ceil(q * total);
      let seen = 0;
      for (let i = 0; i < BUCKETS; i++) {
        seen += c[i]!;
        if (seen >= rank) return Math.min(max, (i + 1) * BUCKET_MS);
      }
      return max;
    },
    over(ms) {
      let n = over;
      for (let i = Math.ceil(ms / BUCKET_MS); i < BUCKETS; i++) n += c[i]!;
      return n;
    },
  };
}

export function resetPacingStats(): void {
  counts.fill(0);
  overflow = 0;
  frames = 0;
  maxMs = 0;
}
