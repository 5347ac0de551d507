/**
 * RTP fixed header (RFC 3550 §5.1): build ours, parse theirs (CSRC list, header extension and
 * padding are skipped so the payload offset is right for any sender).
 */

export const RTP_HEADER_BYTES = 12;

export interface RtpHeaderFields {
  payloadType: number;
  marker: boolean;
  sequence: number;
  timestamp: number;
  ssrc: number;
}

export interface RtpPacket extends RtpHeaderFields {
  payload: Uint8Array;
}

export function buildRtpPacket(h: RtpHeaderFields, payload: Uint8Array): Buffer {
  // Every byte is written below, so the pooled, uninitialised allocation is safe (and much
  // cheaper per frame than a zero-filled buffer of its own).
  const packet = Buffer.allocUnsafe(RTP_HEADER_BYTES + payload.length);
  packet[0] = 0x80; // V=2, P=0, X=0, CC=0
  packet[1] = (h.marker ? 0x80 : 0) | (h.payloadType & 0x7f);
  packet.writeUInt16BE(h.sequence & 0xffff, 2);
  packet.writeUInt32BE(h.timestamp >>> 0, 4);
  packet.writeUInt32BE(h.ssrc >>> 0, 8);
  packet.set(payload, RTP_HEADER_BYTES);
  return packet;
}

/** Returns undefined for anything that is not a well-formed RTP v2 packet (RTCP on the same port, junk). */
export function parseRtpPacket(data: Uint8Array): RtpPacket | undefined {
  if (data.length < RTP_HEADER_BYTES || (data[0]! >> 6) !== 2) return undefined;
  const view = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const payloadType = data[1]! & 0x7f;
  // RTCP packet types 200-204 collide with PT 72-76 when the marker bit is set (RFC 5761 §4).
  if (payloadType >= 72 && payloadType <= 76) return undefined;
  let offset = RTP_HEADER_BYTES + (data[0]! & 0x0f) * 4;
  if (data[0]! & 0x10) {
    if (data.length < offset + 4) return undefined;
    offset += 4 + view.readUInt16BE(offset + 2) * 4;
  }
  let end = data.length;
  if (data[0]! & 0x20) end -= data[data.length - 1]!;
  if (end < offset) return undefined;
  return {
    payloadType,
    marker: (data[1]! & 0x80) !== 0,
    sequence: view.readUInt16BE(2),
    timestamp: view.readUInt32BE(4),
    ssrc: view.readUInt32BE(8),
    payload: data.subarray(offset, end),
  };
}
