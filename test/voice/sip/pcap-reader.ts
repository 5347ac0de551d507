/** Reads the RTP payloads out of a classic libpcap file (Ethernet/IPv4/UDP), e.g. sipp's DTMF pcaps. */
import { readFileSync } from 'node:fs';
import { parseRtpPacket, type RtpPacket } from '../../../src/channels/voice/rtp/rtp-packet.ts';

export function readRtpPcap(path: string): RtpPacket[] {
  const file = readFileSync(path);
  const linkType = file.readUInt32LE(20);
  const linkHeader = linkType === 1 ? 14 : linkType === 113 ? 16 : 0;
  const packets: RtpPacket[] = [];
  for (let offset = 24; offset + 16 <= file.length;) {
    const length = file.readUInt32LE(offset + 8);
    const frame = file.subarray(offset + 16, offset + 16 + length);
    offset += 16 + length;
    const ipHeader = (frame[linkHeader]! & 0x0f) * 4;
    const rtp = parseRtpPacket(frame.subarray(linkHeader + ipHeader + 8));
    if (rtp) packets.push(rtp);
  }
  return packets;
}
