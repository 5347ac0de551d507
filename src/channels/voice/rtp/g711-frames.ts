/**
 * G.711 framing and decoding helpers (ITU-T G.711, RFC 3551 §4.5.14: 8 kHz, one byte per sample).
 * 20 ms packets = 160 bytes (RFC 3551 default packetization for PCMU/PCMA).
 */
import alawmulaw from 'alawmulaw';
import type { G711Codec } from '../sip/sdp.ts';

export const SAMPLES_PER_FRAME = 160;
export const FRAME_MS = 20;

/** The code for a zero sample: µ-law 0xFF, A-law 0xD5 (even-bit inverted 0x80). */
export const G711_SILENCE: Record<G711Codec, number> = { PCMU: 0xff, PCMA: 0xd5 };

/**
 * Cut a prompt into 160-byte frames; the last one is padded with codec silence. Full frames are
 * views into `audio` (no copy: a call frames its whole prompt at answer), so `audio` must not be
 * changed while they are in use.
 */
export function frameG711(audio: Uint8Array, codec: G711Codec): Uint8Array[] {
  const frames: Uint8Array[] = [];
  for (let offset = 0; offset < audio.length; offset += SAMPLES_PER_FRAME) {
    if (offset + SAMPLES_PER_FRAME <= audio.length) {
      frames.push(audio.subarray(offset, offset + SAMPLES_PER_FRAME));
      continue;
    }
    const frame = new Uint8Array(SAMPLES_PER_FRAME).fill(G711_SILENCE[codec]);
    frame.set(audio.subarray(offset));
    frames.push(frame);
  }
  return frames;
}

export function silenceFrame(codec: G711Codec): Uint8Array {
  return new Uint8Array(SAMPLES_PER_FRAME).fill(G711_SILENCE[codec]);
}

export function decodeG711(payload: Uint8Array, codec: G711Codec): Int16Array {
  return codec === 'PCMU' ? alawmulaw.mulaw.decode(payload) : alawmulaw.alaw.decode(payload);
}
