/**
 * Deterministic synthetic audio for the SIP/RTP tests: no TTS, no randomness, so every run sends
 * and compares the same bytes.
 */
import { writeFileSync } from 'node:fs';
import alawmulaw from 'alawmulaw';

const RATE = 8000;

/** A linear chirp 300→1500 Hz: every 20 ms frame differs, so echoed frames are unambiguous. */
export function chirpSamples(ms: number, amplitude = 9000): Int16Array {
  const n = Math.round((ms / 1000) * RATE);
  const out = new Int16Array(n);
  const f0 = 300;
  const f1 = 1500;
  const duration = n / RATE;
  for (let i = 0; i < n; i++) {
    const t = i / RATE;
    const phase = 2 * Math.PI * (f0 * t + ((f1 - f0) / (2 * duration)) * t * t);
    out[i] = Math.round(amplitude * Math.sin(phase));
  }
  return out;
}

/** A prompt in both codecs, as CallRequest.prompt wants it. */
export function syntheticPrompt(ms: number): { pcmu: Uint8Array; pcma: Uint8Array } {
  const pcm = chirpSamples(ms);
  return { pcmu: alawmulaw.mulaw.encode(pcm), pcma: alawmulaw.alaw.encode(pcm) };
}

/** Tiny LCG so "noise" is the same on every run. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

/**
 * Speech-like signal: a 180 Hz buzz plus noise, amplitude-modulated at a syllable rate (4 Hz) but
 * never dropping to silence, like a voicemail greeting read without pauses.
 */
export function speechLikeSamples(ms: number, seed = 7): Int16Array {
  const n = Math.round((ms / 1000) * RATE);
  const out = new Int16Array(n);
  const noise = lcg(seed);
  for (let i = 0; i < n; i++) {
    const t = i / RATE;
    const envelope = 0.65 + 0.35 * Math.sin(2 * Math.PI * 4 * t);
    const buzz = Math.sin(2 * Math.PI * 180 * t) + 0.5 * Math.sin(2 * Math.PI * 360 * t);
    out[i] = Math.round(envelope * (5000 * buzz + 3000 * noise()));
  }
  return out;
}

export function concatSamples(...parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) { out.set(p, offset); offset += p.length; }
  return out;
}

export function silenceSamples(ms: number): Int16Array {
  return new Int16Array(Math.round((ms / 1000) * RATE));
}

/**
 * 8 kHz mono µ-law WAV (format tag 7) with the classic 44-byte header, which is what sipp's
 * rtp_stream expects (it sends the data chunk as PCMU payload).
 */
export function writeMulawWav(path: string, samples: Int16Array): void {
  const data = alawmulaw.mulaw.encode(samples);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(7, 20); // WAVE_FORMAT_MULAW
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(RATE, 24);
  header.writeUInt32LE(RATE, 28); // byte rate: 1 byte per sample
  header.writeUInt16LE(1, 32); // block align
  header.writeUInt16LE(8, 34); // bits per sample
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data.length, 40);
  writeFileSync(path, Buffer.concat([header, Buffer.from(data)]));
}
