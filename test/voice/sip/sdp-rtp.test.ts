import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { buildSdpOffer, parseSdpAnswer } from '../../../src/channels/voice/sip/sdp.ts';
import { buildRtpPacket, parseRtpPacket } from '../../../src/channels/voice/rtp/rtp-packet.ts';
import { frameG711 } from '../../../src/channels/voice/rtp/g711-frames.ts';
import { RtpSession } from '../../../src/channels/voice/rtp/rtp-session.ts';

const answer = (m: string, extra: string[] = [], sessionC = 'c=IN IP4 192.0.2.10'): string =>
  ['v=0', 'o=- 1 1 IN IP4 192.0.2.10', 's=-', sessionC, 't=0 0', m, ...extra, ''].join('\r\n');

test('offer: PCMU, PCMA, telephone-event 101 0-15, ptime 20, sendrecv', () => {
  const sdp = buildSdpOffer({ address: '10.1.2.3', rtpPort: 20000, sessionId: 42, version: 1 });
  assert.match(sdp, /^v=0\r\n/);
  assert.match(sdp, /\r\nc=IN IP4 10\.1\.2\.3\r\n/);
  assert.match(sdp, /\r\nm=audio 20000 RTP\/AVP 0 8 101\r\n/);
  for (const line of ['a=rtpmap:0 PCMU/8000', 'a=rtpmap:8 PCMA/8000', 'a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-15', 'a=ptime:20', 'a=sendrecv']) {
    assert.ok(sdp.includes(`\r\n${line}\r\n`), line);
  }
  assert.match(buildSdpOffer({ address: '::1', rtpPort: 2, sessionId: 1, version: 1 }), /c=IN IP6 ::1/);
});

test('answer: first G.711 in the far end\'s order, its telephone-event PT, media-level c= wins', () => {
  const r = parseSdpAnswer(answer('m=audio 30000 RTP/AVP 8 0 96', ['c=IN IP4 198.51.100.7', 'a=rtpmap:96 telephone-event/8000']));
  assert.deepEqual(r, { ok: true, media: { codec: 'PCMA', payloadType: 8, telephoneEventPt: 96, remoteAddress: '198.51.100.7', remotePort: 30000 } });
  const noRtpmap = parseSdpAnswer(answer('m=audio 30002 RTP/AVP 18 0'));
  assert.deepEqual(noRtpmap, { ok: true, media: { codec: 'PCMU', payloadType: 0, remoteAddress: '192.0.2.10', remotePort: 30002 } });
});

test('answer failures: no common codec, rejected stream, no audio', () => {
  assert.equal(parseSdpAnswer(answer('m=audio 30000 RTP/AVP 18', ['a=rtpmap:18 G729/8000'])).ok, false);
  assert.equal(parseSdpAnswer(answer('m=audio 0 RTP/AVP 0')).ok, false);
  assert.equal(parseSdpAnswer(answer('m=video 30000 RTP/AVP 96')).ok, false);
});

test('RTP header build/parse round trip; CSRC, extension and padding are skipped', () => {
  const payload = new Uint8Array([1, 2, 3, 4]);
  const built = buildRtpPacket({ payloadType: 0, marker: true, sequence: 65535, timestamp: 2 ** 32 - 1, ssrc: 0xdeadbeef }, payload);
  assert.deepEqual([...built.subarray(0, 2)], [0x80, 0x80]);
  const parsed = parseRtpPacket(built);
  assert.deepEqual(parsed && { ...parsed, payload: [...parsed.payload] }, { payloadType: 0, marker: true, sequence: 65535, timestamp: 2 ** 32 - 1, ssrc: 0xdeadbeef, payload: [1, 2, 3, 4] });
  // V=2, P=1, X=1, CC=1: header 12 + CSRC 4 + ext (4 + 1 word) + payload 2 + padding 2
  const fancy = Buffer.from([0xb1, 0x08, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 9, 9, 9, 9, 0xbe, 0xde, 0, 1, 7, 7, 7, 7, 0xaa, 0xbb, 0, 2]);
  assert.deepEqual([...parseRtpPacket(fancy)!.payload], [0xaa, 0xbb]);
  assert.equal(parseRtpPacket(Buffer.from([0x40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])), undefined); // version 1
  assert.equal(parseRtpPacket(Buffer.from([0x80, 200, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0])), undefined); // RTCP SR
});

test('G.711 framing pads the last frame with codec silence', () => {
  const frames = frameG711(new Uint8Array(170).fill(1), 'PCMA');
  assert.equal(frames.length, 2);
  assert.equal(frames[1]![9], 1);
  assert.equal(frames[1]![10], 0xd5);
  assert.equal(frameG711(new Uint8Array(0), 'PCMU').length, 0);
});

test('RtpSession: even port, marker on first packet only, seq +1, ts +160, paced at 20 ms', async () => {
  const sink = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => sink.bind(0, '127.0.0.1', resolve));
  const received: Array<{ at: number; seq: number; ts: number; marker: boolean }> = [];
  sink.on('message', (m) => {
    const p = parseRtpPacket(m)!;
    received.push({ at: performance.now(), seq: p.sequence, ts: p.timestamp, marker: p.marker });
  });
  const session = await RtpSession.open('127.0.0.1');
  assert.equal(session.localPort % 2, 0);
  const frame = new Uint8Array(160).fill(0x55);
  session.startSending({ address: '127.0.0.1', port: sink.address().port, payloadType: 0, nextPayload: () => frame });
  await new Promise((r) => setTimeout(r, 1010));
  session.close();
  sink.close();
  assert.ok(received.length >= 45 && received.length <= 53, `got ${received.length} packets in ~1 s`);
  assert.deepEqual(received.map((r) => r.marker).filter(Boolean), [true]);
  assert.equal(received[0]!.marker, true);
  for (let i = 1; i < received.length; i++) {
    assert.equal(received[i]!.seq, (received[0]!.seq + i) & 0xffff);
    assert.equal(received[i]!.ts, (received[0]!.ts + 160 * i) >>> 0);
  }
  // Drift correction: the n-th packet leaves about n·20 ms after the first (generous bound for a loaded CI box).
  const last = received[received.length - 1]!;
  const drift = last.at - received[0]!.at - (received.length - 1) * 20;
  assert.ok(Math.abs(drift) < 40, `drift ${drift.toFixed(1)} ms`);
  const stats = session.sendStats();
  assert.equal(stats.framesSent, received.length);
});
