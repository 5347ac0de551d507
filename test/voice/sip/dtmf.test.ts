import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  digitsFromInfoBody, parseTelephoneEvent, RepeatSequenceMatcher, TelephoneEventDeduplicator,
} from '../../../src/channels/voice/rtp/dtmf.ts';
import { readRtpPcap } from './pcap-reader.ts';

const PCAP_DIR = '/usr/share/sip-tester';

test('sipp\'s RFC 2833 pcap for "1": 10 packets (7 updates, end ×3) count as one digit', () => {
  const packets = readRtpPcap(`${PCAP_DIR}/dtmf_2833_1.pcap`);
  assert.equal(packets.length, 10);
  assert.equal(packets.filter((p) => parseTelephoneEvent(p.payload)?.end).length, 3);
  const dedup = new TelephoneEventDeduplicator();
  const digits = packets.map((p) => dedup.accept(p)).filter((d) => d !== undefined);
  assert.deepEqual(digits, ['1']);
});

test('"1" then "#" from the pcaps gives "1#"; replaying the same event again is a duplicate', () => {
  const one = readRtpPcap(`${PCAP_DIR}/dtmf_2833_1.pcap`);
  const pound = readRtpPcap(`${PCAP_DIR}/dtmf_2833_pound.pcap`);
  const dedup = new TelephoneEventDeduplicator();
  const digits = [...one, ...pound, ...one.slice(-3)].map((p) => dedup.accept(p)).filter(Boolean).join('');
  assert.equal(digits, '1#');
});

test('when the start packets are lost, the first end packet counts (once)', () => {
  const endOnly = readRtpPcap(`${PCAP_DIR}/dtmf_2833_star.pcap`).filter((p) => parseTelephoneEvent(p.payload)?.end);
  const dedup = new TelephoneEventDeduplicator();
  assert.deepEqual(endOnly.map((p) => dedup.accept(p)), ['*', undefined, undefined]);
});

test('the same digit pressed twice has two timestamps and counts twice', () => {
  const dedup = new TelephoneEventDeduplicator();
  const pkt = (ts: number, end: boolean) => ({ ssrc: 1, timestamp: ts, payload: new Uint8Array([5, end ? 0x8a : 0x0a, 0, 160]) });
  const got = [pkt(1000, false), pkt(1000, true), pkt(1000, true), pkt(2600, false), pkt(2600, true)].map((p) => dedup.accept(p));
  assert.deepEqual(got, ['5', undefined, undefined, '5', undefined]);
});

test('parseTelephoneEvent: event codes, end bit, volume, duration; non-digit events ignored', () => {
  assert.deepEqual(parseTelephoneEvent(new Uint8Array([11, 0x8a, 0x08, 0xc0])), { digit: '#', end: true, volume: 10, durationSamples: 2240 });
  assert.equal(parseTelephoneEvent(new Uint8Array([16, 0, 0, 0]))?.digit, undefined); // flash
  assert.equal(parseTelephoneEvent(new Uint8Array([1, 0])), undefined);
});

test('SIP INFO bodies: application/dtmf-relay and application/dtmf', () => {
  assert.equal(digitsFromInfoBody('application/dtmf-relay', 'Signal=5\r\nDuration=160\r\n'), '5');
  assert.equal(digitsFromInfoBody('Application/DTMF-Relay; charset=x', 'Signal= #\r\nDuration=160'), '#');
  assert.equal(digitsFromInfoBody('application/dtmf-relay', 'Signal=11\r\n'), '#');
  assert.equal(digitsFromInfoBody('application/dtmf', '*'), '*');
  assert.equal(digitsFromInfoBody('application/sdp', 'v=0'), '');
  assert.equal(digitsFromInfoBody('application/dtmf-relay', 'Duration=160'), '');
});

test('repeat sequence: suffix match, restart after each match, no sequence = never', () => {
  const m = new RepeatSequenceMatcher('1#');
  assert.deepEqual(['5', '1', '#', '#', '1', '#'].map((d) => m.push(d)), [false, false, true, false, false, true]);
  assert.equal(m.all, '51##1#');
  const none = new RepeatSequenceMatcher(undefined);
  assert.equal(none.push('1'), false);
});
