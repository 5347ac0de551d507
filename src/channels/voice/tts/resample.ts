/**
 * Band-limited sample-rate conversion to the 8 kHz of G.711 (22 050 Hz espeak, 16 000 Hz flite).
 *
 * A polyphase windowed-sinc filter: for the exact rational ratio up/down every output sample
 * falls on one of `up` fractional input positions, so the filter taps are computed once per
 * phase and reused. Cut-off 3.6 kHz with a Kaiser window (β 6, 32 zero crossings per side):
 * flat to ~3.4 kHz (the telephone band), ~60 dB down above ~3.8 kHz, so nothing folds back
 * below the new Nyquist. Plain float arithmetic in a fixed order: the same input always gives
 * the same output, on any machine.
 */

const CUTOFF_HZ = 3600;
const ZERO_CROSSINGS = 32;
const KAISER_BETA = 6;

interface PolyphaseFilter {
  up: number;
  down: number;
  /** Taps reach this many input samples on each side of the output position. */
  halfWidth: number;
  /** `up` rows of `2 * halfWidth` taps. */
  taps: Float64Array;
}

const filters = new Map<string, PolyphaseFilter>();

export function resampleTo(samples: Int16Array, fromRate: number, toRate: number): Int16Array {
  if (fromRate === toRate) return samples.slice();
  const key = `${fromRate}/${toRate}`;
  let filter = filters.get(key);
  if (!filter) {
    filter = designFilter(fromRate, toRate);
    filters.set(key, filter);
  }
  return applyFilter(samples, filter);
}

function designFilter(fromRate: number, toRate: number): PolyphaseFilter {
  const divisor = gcd(fromRate, toRate);
  const up = toRate / divisor;
  const down = fromRate / divisor;
  // Cut-off relative to the input rate; when upsampling the input's own band is the limit.
  const cutoff = Math.min(CUTOFF_HZ, 0.45 * Math.min(fromRate, toRate)) / fromRate;
  const halfWidth = Math.ceil(ZERO_CROSSINGS / (2 * cutoff));
  const width = 2 * halfWidth;
  const taps = new Float64Array(up * width);
  const i0Beta = besselI0(KAISER_BETA);
  for (let phase = 0; phase < up; phase++) {
    const fraction = phase / up;
    let sum = 0;
    for (let j = 0; j < width; j++) {
      // Distance (in input samples) from tap j to the output position.
      const distance = fraction + halfWidth - 1 - j;
      const x = distance / halfWidth;
      const window = Math.abs(x) >= 1 ? 0 : besselI0(KAISER_BETA * Math.sqrt(1 - x * x)) / i0Beta;
      const value = 2 * cutoff * sinc(2 * cutoff * distance) * window;
      taps[phase * width + j] = value;
      sum += value;
    }
    // Unity gain at DC for every phase, so no phase-dependent ripple.
    for (let j = 0; j < width; j++) taps[phase * width + j]! /= sum;
  }
  return { up, down, halfWidth, taps };
}

function applyFilter(input: Int16Array, { up, down, halfWidth, taps }: PolyphaseFilter): Int16Array {
  const width = 2 * halfWidth;
  const outLength = Math.floor((input.length * up) / down);
  const out = new Int16Array(outLength);
  for (let n = 0; n < outLength; n++) {
    const position = n * down;
    const base = Math.floor(position / up);
    const row = (position - base * up) * width;
    const first = base - halfWidth + 1;
    const jStart = Math.max(0, -first);
    const jEnd = Math.min(width, input.length - first);
    let acc = 0;
    for (let j = jStart; j < jEnd; j++) acc += input[first + j]! * taps[row + j]!;
    out[n] = clampToInt16(acc);
  }
  return out;
}

export function clampToInt16(value: number): number {
  const rounded = Math.round(value);
  return rounded > 32767 ? 32767 : rounded < -32768 ? -32768 : rounded;
}

function sinc(x: number): number {
  if (x === 0) return 1;
  const px = Math.PI * x;
  return Math.sin(px) / px;
}

/** Modified Bessel function of the first kind, order 0 (power series; converges fast for β ≤ 10). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const quarterSquare = (x * x) / 4;
  for (let k = 1; k < 50; k++) {
    term *= quarterSquare / (k * k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}
