import alawmulaw from 'alawmulaw';

/**
 * G.711 for the RTP stream: 8 kHz, one byte per sample, 20 ms = 160 bytes per packet.
 * PCMU (µ-law, RTP payload type 0) is the North American / Japanese variant, PCMA (A-law, PT 8)
 * the European one; the SDP answer decides which one a call uses.
 */
export type G711Codec = 'PCMU' | 'PCMA';

/** 20 ms of 8 kHz audio, the packet size every trunk accepts (a=ptime:20). */
export const FRAME_BYTES = 160;

export function encodePcmu(pcm: Int16Array): Uint8Array {
  return alawmulaw.mulaw.encode(pcm);
}

export function encodePcma(pcm: Int16Array): Uint8Array {
  return alawmulaw.alaw.encode(pcm);
}

export function decodePcmu(payload: Uint8Array): Int16Array {
  return alawmulaw.mulaw.decode(payload);
}

export function decodePcma(payload: Uint8Array): Int16Array {
  return alawmulaw.alaw.decode(payload);
}

export function encodeG711(pcm: Int16Array, codec: G711Codec): Uint8Array {
  return codec === 'PCMU' ? encodePcmu(pcm) : encodePcma(pcm);
}

export function decodeG711(payload: Uint8Array, codec: G711Codec): Int16Array {
  return codec === 'PCMU' ? decodePcmu(payload) : decodePcma(payload);
}

/** The code of a zero sample: 0xFF in µ-law, 0xD5 in A-law (not 0x00, which is loud). */
export function silenceByte(codec: G711Codec): number {
  return codec === 'PCMU' ? 0xff : 0xd5;
}

/**
 * Cuts an encoded payload into 160-byte frames; the last frame is padded with the codec's
 * silence so every RTP packet carries exactly 20 ms.
 */
export function toFrames(payload: Uint8Array, codec: G711Codec): Uint8Array[] {
  const frames: Uint8Array[] = [];
  for (let offset = 0; offset < payload.length; offset += FRAME_BYTES) {
    const chunk = payload.subarray(offset, offset + FRAME_BYTES);
    if (chunk.length === FRAME_BYTES) {
      frames.push(chunk.slice());
    } else {
      const padded = new Uint8Array(FRAME_BYTES).fill(silenceByte(codec));
      padded.set(chunk);
      frames.push(padded);
    }
  }
  return frames;
}
