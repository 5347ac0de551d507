/**
 * Minimal RIFF/WAVE support for 16-bit PCM: writing the sandbox's "audio of the call" file and
 * reading what flite writes. The sandbox WAV is made from the very PCM the call encodes to G.711,
 * so a listener hears exactly what the callee heard (minus the codec).
 */

const RIFF_HEADER_BYTES = 44;
const PCM_FORMAT = 1;
const EXTENSIBLE_FORMAT = 0xfffe;

export interface ParsedWav {
  sampleRate: number;
  channels: number;
  /** Mono samples; several channels are averaged. */
  samples: Int16Array;
}

/** 16-bit mono PCM RIFF WAV, little-endian, canonical 44-byte header. */
export function pcmToWav(pcm: Int16Array, sampleRate = 8000): Buffer {
  const dataBytes = pcm.length * 2;
  const buf = Buffer.alloc(RIFF_HEADER_BYTES + dataBytes);
  buf.write('RIFF', 0, 'ascii');
  buf.writeUInt32LE(36 + dataBytes, 4);
  buf.write('WAVE', 8, 'ascii');
  buf.write('fmt ', 12, 'ascii');
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(PCM_FORMAT, 20);
  buf.writeUInt16LE(1, 22); // channels
  buf.writeUInt32LE(sampleRate, 24);
  buf.writeUInt32LE(sampleRate * 2, 28); // byte rate
  buf.writeUInt16LE(2, 32); // block align
  buf.writeUInt16LE(16, 34); // bits per sample
  buf.write('data', 36, 'ascii');
  buf.writeUInt32LE(dataBytes, 40);
  for (let i = 0; i < pcm.length; i++) buf.writeInt16LE(pcm[i]!, RIFF_HEADER_BYTES + i * 2);
  return buf;
}

/** Duration of the audio in a WAV file, from its fmt byte rate and data size. */
export function wavDurationMs(buf: Uint8Array): number {
  const { format, data } = readChunks(buf);
  return (data.length / format.byteRate) * 1000;
}

export function parseWav(buf: Uint8Array): ParsedWav {
  const { format, data } = readChunks(buf);
  if ((format.audioFormat !== PCM_FORMAT && format.audioFormat !== EXTENSIBLE_FORMAT) || format.bitsPerSample !== 16) {
    throw new Error(`unsupported WAV encoding (format ${format.audioFormat}, ${format.bitsPerSample} bits)`);
  }
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const frames = Math.floor(data.length / (2 * format.channels));
  const samples = new Int16Array(frames);
  for (let frame = 0; frame < frames; frame++) {
    let sum = 0;
    for (let ch = 0; ch < format.channels; ch++) sum += view.getInt16((frame * format.channels + ch) * 2, true);
    samples[frame] = Math.round(sum / format.channels);
  }
  return { sampleRate: format.sampleRate, channels: format.channels, samples };
}

interface WavFormat {
  audioFormat: number;
  channels: number;
  sampleRate: number;
  byteRate: number;
  bitsPerSample: number;
}

/** Walks the RIFF chunks; tolerates extra chunks (LIST, fact) and a data size past the end. */
function readChunks(buf: Uint8Array): { format: WavFormat; data: Uint8Array } {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const tag = (offset: number) => String.fromCharCode(buf[offset]!, buf[offset + 1]!, buf[offset + 2]!, buf[offset + 3]!);
  if (buf.length < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') throw new Error('not a RIFF/WAVE file');
  let format: WavFormat | undefined;
  let offset = 12;
  while (offset + 8 <= buf.length) {
    const id = tag(offset);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'fmt ') {
      format = {
        audioFormat: view.getUint16(body, true),
        channels: view.getUint16(body + 2, true),
        sampleRate: view.getUint32(body + 4, true),
        byteRate: view.getUint32(body + 8, true),
        bitsPerSample: view.getUint16(body + 14, true),
      };
    } else if (id === 'data') {
      if (!format) throw new Error('WAV data chunk before fmt chunk');
      return { format, data: buf.subarray(body, Math.min(buf.length, body + size)) };
    }
    offset = body + size + (size % 2); // chunks are word-aligned
  }
  throw new Error('WAV file has no data chunk');
}
