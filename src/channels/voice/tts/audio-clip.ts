import { clampToInt16, resampleTo } from './resample.ts';
import type { EngineAudio } from './speech-engine.ts';

/**
 * Small, deterministic operations on 8 kHz mono 16-bit PCM: every clip the renderer caches
 * (a text fragment, one PIN character) is cut to its speech, levelled and faded here, so the
 * prompt can be assembled from clips plus silences of exactly known length.
 */

export const SAMPLE_RATE = 8000;

/** A sample is "speech" above this share of the clip's peak (≈ -36 dB: keeps soft /s/ and /f/). */
const SPEECH_THRESHOLD_RATIO = 0.015;
const SPEECH_THRESHOLD_FLOOR = 60;
/** Kept before the first and after the last speech sample, so onsets and decays are not clipped. */
const TRIM_MARGIN_MS = 25;
/** Clicks at cut points are avoided by a short linear ramp. */
const FADE_MS = 4;
/** -3 dBFS peak: loud on the line, yet headroom for G.711's companding. */
const TARGET_PEAK = 23_000;
/** Never amplify engine noise of a near-silent clip by more than this. */
const MAX_GAIN = 4;
/** Below this peak an utterance is engine noise (flite asked for Chinese text says nothing). */
const MIN_SPEECH_PEAK = 500;

export function msToSamples(ms: number): number {
  return Math.round((ms * SAMPLE_RATE) / 1000);
}

export function samplesToMs(samples: number): number {
  return (samples * 1000) / SAMPLE_RATE;
}

/**
 * Engine output → an 8 kHz clip of just the speech, at a uniform level, with soft edges;
 * empty when the engine said nothing.
 */
export function prepareClip(audio: EngineAudio): Int16Array {
  const at8k = resampleTo(audio.samples, audio.sampleRate, SAMPLE_RATE);
  if (peakOf(at8k) < MIN_SPEECH_PEAK) return new Int16Array(0);
  const speech = trimSilence(at8k);
  normalizePeak(speech);
  applyFades(speech);
  return speech;
}

export function trimSilence(pcm: Int16Array): Int16Array {
  const threshold = Math.max(SPEECH_THRESHOLD_FLOOR, peakOf(pcm) * SPEECH_THRESHOLD_RATIO);
  let first = 0;
  while (first < pcm.length && Math.abs(pcm[first]!) <= threshold) first++;
  if (first === pcm.length) return new Int16Array(0);
  let last = pcm.length - 1;
  while (last > first && Math.abs(pcm[last]!) <= threshold) last--;
  const margin = msToSamples(TRIM_MARGIN_MS);
  return pcm.slice(Math.max(0, first - margin), Math.min(pcm.length, last + 1 + margin));
}

/** Scales in place so the peak reaches TARGET_PEAK (gain capped at MAX_GAIN). */
export function normalizePeak(pcm: Int16Array): void {
  const peak = peakOf(pcm);
  if (peak === 0) return;
  const gain = Math.min(MAX_GAIN, TARGET_PEAK / peak);
  for (let i = 0; i < pcm.length; i++) pcm[i] = clampToInt16(pcm[i]! * gain);
}

export function applyFades(pcm: Int16Array): void {
  const ramp = Math.min(msToSamples(FADE_MS), Math.floor(pcm.length / 2));
  for (let i = 0; i < ramp; i++) {
    const factor = (i + 1) / (ramp + 1);
    pcm[i] = Math.round(pcm[i]! * factor);
    pcm[pcm.length - 1 - i] = Math.round(pcm[pcm.length - 1 - i]! * factor);
  }
}

export function silence(ms: number): Int16Array {
  return new Int16Array(msToSamples(ms));
}

export function concatPcm(parts: readonly Int16Array[]): Int16Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Int16Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export function peakOf(pcm: Int16Array): number {
  let peak = 0;
  for (let i = 0; i < pcm.length; i++) {
    const magnitude = Math.abs(pcm[i]!);
    if (magnitude > peak) peak = magnitude;
  }
  return peak;
}

export function rmsOf(pcm: Int16Array): number {
  if (pcm.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < pcm.length; i++) sum += pcm[i]! * pcm[i]!;
  return Math.sqrt(sum / pcm.length);
}
