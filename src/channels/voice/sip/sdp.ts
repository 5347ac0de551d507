/**
 * SDP offer/answer for one audio stream (RFC 3264, RFC 4566).
 *
 * We offer PCMU (0), PCMA (8) and telephone-event (RFC 4733) with ptime 20, and take from the
 * answer the first G.711 codec the far end listed (its preference order, §6.1 of RFC 3264) and the
 * telephone-event payload type it chose.
 */
import { parse } from 'sdp-transform';
import { isIP } from 'node:net';

export type G711Codec = 'PCMU' | 'PCMA';
export const STATIC_PAYLOAD_TYPES: Record<G711Codec, number> = { PCMU: 0, PCMA: 8 };
export const OFFERED_TELEPHONE_EVENT_PT = 101;

export interface SdpOfferParams {
  address: string;
  rtpPort: number;
  sessionId: number;
  /** Incremented only when the session changes (RFC 3264 §8); re-INVITE answers reuse it. */
  version: number;
}

export function buildSdpOffer(p: SdpOfferParams): string {
  const ipVersion = isIP(p.address) === 6 ? 'IP6' : 'IP4';
  return [
    'v=0',
    `o=open2fa ${p.sessionId} ${p.version} IN ${ipVersion} ${p.address}`,
    's=open2fa',
    `c=IN ${ipVersion} ${p.address}`,
    't=0 0',
    `m=audio ${p.rtpPort} RTP/AVP 0 8 ${OFFERED_TELEPHONE_EVENT_PT}`,
    'a=rtpmap:0 PCMU/8000',
    'a=rtpmap:8 PCMA/8000',
    `a=rtpmap:${OFFERED_TELEPHONE_EVENT_PT} telephone-event/8000`,
    `a=fmtp:${OFFERED_TELEPHONE_EVENT_PT} 0-15`,
    'a=ptime:20',
    'a=sendrecv',
    '',
  ].join('\r\n');
}

export interface NegotiatedMedia {
  codec: G711Codec;
  payloadType: number;
  /** Undefined when the answer has no telephone-event: DTMF then only via SIP INFO. */
  telephoneEventPt?: number;
  remoteAddress: string;
  remotePort: number;
}

export type SdpAnswerResult = { ok: true; media: NegotiatedMedia } | { ok: false; reason: string };

/** Read the negotiated audio parameters from an SDP answer. */
export function parseSdpAnswer(sdpText: string): SdpAnswerResult {
  let session;
  try {
    session = parse(sdpText);
  } catch (err) {
    return { ok: false, reason: `unparsable SDP: ${(err as Error).message}` };
  }
  const audio = session.media.find((m) => m.type === 'audio');
  if (!audio) return { ok: false, reason: 'no audio stream in SDP answer' };
  // Port 0 means the stream was rejected (RFC 3264 §6).
  if (!audio.port) return { ok: false, reason: 'audio stream rejected (port 0)' };
  const address = audio.connection?.ip ?? session.connection?.ip;
  if (!address) return { ok: false, reason: 'no connection address in SDP answer' };

  const payloads = String(audio.payloads ?? '').split(/\s+/).filter(Boolean).map(Number);
  const nameOf = (pt: number): string | undefined => {
    const rtp = audio.rtp.find((r) => r.payload === pt);
    if (rtp) return rtp.codec.toUpperCase();
    return pt === 0 ? 'PCMU' : pt === 8 ? 'PCMA' : undefined; // static PTs need no rtpmap (RFC 3551)
  };
  let chosen: { codec: G711Codec; pt: number } | undefined;
  for (const pt of payloads) {
    const name = nameOf(pt);
    if (name === 'PCMU' || name === 'PCMA') { chosen = { codec: name, pt }; break; }
  }
  if (!chosen) return { ok: false, reason: 'no common codec (neither PCMU nor PCMA in answer)' };
  const telephoneEventPt = payloads.find((pt) => nameOf(pt) === 'TELEPHONE-EVENT');
  return {
    ok: true,
    media: {
      codec: chosen.codec,
      payloadType: chosen.pt,
      ...(telephoneEventPt !== undefined ? { telephoneEventPt } : {}),
      remoteAddress: address,
      remotePort: audio.port,
    },
  };
}
