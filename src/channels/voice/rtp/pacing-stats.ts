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
  /** Frames per 0.1 ms bucket of deviation, and frames beyond the last bucket. */
  counts: Uint32Array;
  overflow: number;
}

export function pacingSnapshot(): PacingSnapshot {
  return { frames, maxMs, counts: counts.slice(), overflow };
}

/** Two snapshots as one (e.g. phases of a benchmark run measured separately). */
export function mergePacing(a: PacingSnapshot, b: PacingSnapshot): PacingSnapshot {
  const merged = a.counts.slice();
  b.counts.forEach((n, i) => { merged[i]! += n; });
  return { frames: a.frames + b.frames, maxMs: Math.max(a.maxMs, b.maxMs), counts: merged, overflow: a.overflow + b.overflow };
}

/** Deviation (ms, upper bucket edge) below which fraction `q` (0..1) of the frames fall. */
export function pacingQuantile(s: PacingSnapshot, q: number): number {
  if (s.frames === 0) return 0;
  const rank = Math.ceil(q * s.frames);
  let seen = 0;
  for (let i = 0; i < BUCKETS; i++) {
    seen += s.counts[i]!;
    if (seen >= rank) return Math.min(s.maxMs, (i + 1) * BUCKET_MS);
  }
  return s.maxMs;
}

/** Frames sent more than `ms` from their slot (to the bucket resolution). */
export function pacingOver(s: PacingSnapshot, ms: number): number {
  let n = s.overflow;
  for (let i = Math.ceil(ms / BUCKET_MS); i < BUCKETS; i++) n += s.counts[i]!;
  return n;
}

export function resetPacingStats(): void {
  counts.fill(0);
  overflow = 0;
  frames = 0;
  maxMs = 0;
}
