/**
 * The shared RTP pacer (rtp/rtp-pacer.ts): calls spread over the 20 sub-slots of a frame period,
 * exact grids for many sessions at once, catch-up after an event-loop stall, no timer left when
 * idle; and the send-deviation histogram (rtp/pacing-stats.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { RtpPacer, rtpPacer, type PacedSender } from '../../../src/channels/voice/rtp/rtp-pacer.ts';
import { RtpSession } from '../../../src/channels/voice/rtp/rtp-session.ts';
import { parseRtpPacket } from '../../../src/channels/voice/rtp/rtp-packet.ts';
import { mergePacing, pacingOver, pacingQuantile, pacingSnapshot, recordPacingDeviation, resetPacingStats } from '../../../src/channels/voice/rtp/pacing-stats.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('pacer: senders added together are spread evenly over the 20 sub-slots, soonest first', () => {
  const pacer = new RtpPacer();
  const senders: PacedSender[] = Array.from({ length: 45 }, () => ({ sendDue() {} }));
  const before = Math.ceil(performance.now());
  const origins = senders.map((s) => pacer.add(s));
  try {
    const perSlot = new Map<number, number>();
    for (const o of origins) perSlot.set(o % 20, (perSlot.get(o % 20) ?? 0) + 1);
    assert.equal(perSlot.size, 20, 'every sub-slot used');
    assert.ok([...perSlot.values()].every((n) => n === 2 || n === 3), `2–3 per sub-slot: ${[...perSlot.values()]}`);
    assert.ok(origins.every((o) => Number.isInteger(o) && o >= before && o < before + 21), 'first frame within one period');
    assert.ok((origins[0] as number) <= before + 1, 'an idle pacer starts the first call at once');
    assert.equal(pacer.senders, 45);
  } finally {
    senders.forEach((s, i) => pacer.remove(s, origins[i] as number));
  }
  assert.equal(pacer.senders, 0);
});

test('pacer: 40 sessions at once keep exact 20 ms grids, sequence and timestamps; nothing left registered', async () => {
  const sink = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => sink.bind(0, '127.0.0.1', resolve));
  const arrivals = new Map<number, Array<{ at: number; seq: number; ts: number }>>();
  sink.on('message', (m) => {
    const p = parseRtpPacket(m)!;
    const list = arrivals.get(p.ssrc) ?? [];
    list.push({ at: performance.now(), seq: p.sequence, ts: p.timestamp });
    arrivals.set(p.ssrc, list);
  });
  const sessions = await Promise.all(Array.from({ length: 40 }, () => RtpSession.open('127.0.0.1')));
  const frame = new Uint8Array(160).fill(0xff);
  resetPacingStats();
  const origins = sessions.map((s) => s.startSending({ address: '127.0.0.1', port: sink.address().port, payloadType: 0, nextPayload: () => frame }));
  assert.equal(new Set(origins.map((o) => o % 20)).size, 20, 'spread over the period');
  await sleep(600);
  sessions.forEach((s) => s.close());
  assert.equal(rtpPacer.senders, 0, 'closed sessions leave the pacer');
  await sleep(50);
  sink.close();

  assert.equal(arrivals.size, 40);
  for (const [, list] of arrivals) {
    assert.ok(list.length >= 26 && list.length <= 32, `${list.length} packets in ~600 ms`);
    list.forEach((p, i) => {
      assert.equal(p.seq, (list[0]!.seq + i) & 0xffff);
      assert.equal(p.ts, (list[0]!.ts + 160 * i) >>> 0);
    });
  }
  const stats = sessions.map((s) => s.sendStats());
  assert.equal(stats.reduce((n, s) => n + s.framesSent, 0), [...arrivals.values()].reduce((n, l) => n + l.length, 0));
  const snap = pacingSnapshot();
  assert.equal(snap.frames, stats.reduce((n, s) => n + s.framesSent, 0), 'every frame recorded in the histogram');
  // Generous: a loaded CI box may preempt us, but the median frame must sit on its slot.
  assert.ok(pacingQuantile(snap, 0.5) < 5, `median deviation ${pacingQuantile(snap, 0.5)} ms`);
});

test('pacer: after an event-loop stall the overdue frames go out at once, then the grid resumes', async () => {
  const sent: number[] = [];
  const session = await RtpSession.open('127.0.0.1');
  const origin = session.startSending({ address: '127.0.0.1', port: 9, payloadType: 0, nextPayload: (ms) => { sent.push(ms); return new Uint8Array(160); } });
  await sleep(70);
  const busyUntil = performance.now() + 120;
  while (performance.now() < busyUntil) { /* stall the event loop */ }
  await sleep(5);
  const afterStall = sent.length;
  await sleep(100);
  session.close();
  // Slots are consecutive multiples of 20 ms: none skipped, none repeated.
  sent.forEach((ms, i) => assert.equal(ms, i * 20));
  const expectedByNow = Math.floor((performance.now() - origin) / 20);
  assert.ok(Math.abs(sent.length - expectedByNow) <= 6, `${sent.length} frames sent, ~${expectedByNow} due`);
  assert.ok(afterStall >= Math.floor((busyUntil - origin) / 20) - 1, 'caught up right after the stall');
  assert.ok(session.sendStats().lateFramesOver5ms >= 4, 'the stalled frames count as late');
});

test('pacer: poll() from a long synchronous stretch (a burst of SIP messages) sends frames on time', async () => {
  const sentAt: number[] = [];
  const session = await RtpSession.open('127.0.0.1');
  const origin = session.startSending({ address: '127.0.0.1', port: 9, payloadType: 0, nextPayload: () => { sentAt.push(performance.now()); return new Uint8Array(160); } });
  await sleep(30);
  const from = sentAt.length;
  const busyUntil = performance.now() + 150;
  while (performance.now() < busyUntil) rtpPacer.poll(); // what the SIP transports do per message
  const during = sentAt.slice(from);
  session.close();
  assert.ok(during.length >= 6, `${during.length} frames during 150 ms of synchronous work`);
  during.forEach((at, i) => {
    const slot = Math.round((at - origin) / 20);
    assert.ok(Math.abs(at - (origin + slot * 20)) <= 1.5, `frame ${from + i} ${(at - origin - slot * 20).toFixed(2)} ms off its slot`);
  });
});

test('pacing histogram: quantiles, frames over a threshold, merge, early frames by magnitude', () => {
  resetPacingStats();
  for (let i = 0; i < 98; i++) recordPacingDeviation(0.25);
  recordPacingDeviation(-0.75);
  recordPacingDeviation(12);
  const a = pacingSnapshot();
  assert.equal(a.frames, 100);
  assert.ok(Math.abs(pacingQuantile(a, 0.5) - 0.3) < 1e-9, 'p50 is the 0.2–0.3 ms bucket edge');
  assert.ok(Math.abs(pacingQuantile(a, 0.99) - 0.8) < 1e-9, 'p99 is the early frame, by magnitude');
  assert.equal(pacingQuantile(a, 1), 12, 'the top quantile is capped by the max');
  assert.equal(pacingOver(a, 5), 1);
  resetPacingStats();
  recordPacingDeviation(400); // beyond the buckets
  const b = pacingSnapshot();
  assert.equal(b.overflow, 1);
  const merged = mergePacing(a, b);
  assert.equal(merged.frames, 101);
  assert.equal(merged.maxMs, 400);
  assert.equal(pacingOver(merged, 5), 2);
  assert.equal(pacingQuantile(merged, 1), 400);
  resetPacingStats();
  assert.equal(pacingSnapshot().frames, 0);
});
