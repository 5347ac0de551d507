/**
 * Calls that are not answered, against a real sipp UAS (and, for the network cases, against
 * nothing at all): status mapping end to end, CANCEL on ring timeout, 200 racing the CANCEL,
 * ICMP-refused and silent trunks. Each test owns its own 127.0.12.x address.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { placeCall } from '../../../src/channels/voice/sip/place-call.ts';
import { parseSipMessage, getHeader } from '../../../src/channels/voice/sip/sip-message.ts';
import { parseVia } from '../../../src/channels/voice/sip/sip-header-values.ts';
import { answerRacingCancelScenario, rejectScenario, ringNoAnswerScenario } from './sipp-scenarios.ts';
import { callRequest, sippFor, assertSippSucceeded } from './call-fixtures.ts';
import { parseLoggedHeaders, receivedMessages } from './sipp-harness.ts';

const rejections: Array<{ code: number; reason: string; status: string; trunkFailure: boolean; ip: string; extra?: string[] }> = [
  { code: 486, reason: 'Busy Here', status: 'ERROR_USER_BUSY', trunkFailure: false, ip: '127.0.12.1' },
  { code: 603, reason: 'Decline', status: 'ERROR_USER_BUSY', trunkFailure: false, ip: '127.0.12.2' },
  { code: 480, reason: 'Temporarily Unavailable', status: 'ERROR_NO_ANSWER', trunkFailure: false, ip: '127.0.12.3' },
  { code: 404, reason: 'Not Found', status: 'ERROR_ROUTE_NOT_AVAILABLE', trunkFailure: false, ip: '127.0.12.4' },
  { code: 484, reason: 'Address Incomplete', status: 'ERROR_ROUTE_NOT_AVAILABLE', trunkFailure: false, ip: '127.0.12.5' },
  { code: 503, reason: 'Service Unavailable', status: 'ERROR_NETWORK_NOT_AVAILABLE', trunkFailure: true, ip: '127.0.12.6' },
  { code: 488, reason: 'Not Acceptable Here', status: 'ERROR', trunkFailure: false, ip: '127.0.12.7' },
  // A Q.850 cause in Reason (RFC 3326) wins over the SIP code: 480 + cause 17 is "user busy".
  { code: 480, reason: 'Temporarily Unavailable', status: 'ERROR_USER_BUSY', trunkFailure: false, ip: '127.0.12.8', extra: ['Reason: Q.850;cause=17;text="User busy"'] },
];

for (const r of rejections) {
  test(`${r.code} ${r.reason}${r.extra ? ' + Reason Q.850' : ''} → ${r.status}`, async (t) => {
    const name = `reject-${r.code}`;
    const peer = await sippFor(t, { name, ip: r.ip, port: 5070, scenario: rejectScenario(name, r.code, r.reason, r.extra) });
    const result = await placeCall(callRequest(peer.opts));
    assert.equal(result.status, r.status, JSON.stringify(result));
    assert.equal(result.sipCode, r.code);
    assert.equal(result.reason, r.reason);
    assert.equal(result.trunkFailure, r.trunkFailure);
    assert.ok(result.ringingAt !== undefined && result.answeredAt === undefined);
    // sipp's scenario ends with our ACK: same branch as the INVITE (RFC 3261 §17.1.1.3).
    await assertSippSucceeded(peer);
    const invite = receivedMessages(peer.messages, /^INVITE /)[0]!;
    const ack = receivedMessages(peer.messages, /^ACK /)[0]!;
    const branch = (m: string) => parseVia(getHeader(parseLoggedHeaders(m), 'via')!).params.branch;
    assert.equal(branch(ack), branch(invite));
    assert.match(ack, new RegExp(`\\r?\\nCSeq: 1 ACK\\r?\\n`));
  });
}

test('ring timeout: CANCEL after ringTimeoutMs, sipp answers 200 + 487 → ERROR_NO_ANSWER', async (t) => {
  const peer = await sippFor(t, { name: 'ring-timeout', ip: '127.0.12.20', port: 5070, scenario: ringNoAnswerScenario('ring-timeout') });
  const started = Date.now();
  const result = await placeCall(callRequest(peer.opts, { ringTimeoutMs: 1500 }));
  const elapsed = Date.now() - started;
  assert.equal(result.status, 'ERROR_NO_ANSWER', JSON.stringify(result));
  assert.equal(result.sipCode, 487);
  assert.equal(result.trunkFailure, false);
  assert.ok(elapsed >= 1500 && elapsed < 5000, `took ${elapsed} ms`);
  await assertSippSucceeded(peer);
  const invite = receivedMessages(peer.messages, /^INVITE /)[0]!;
  const cancel = receivedMessages(peer.messages, /^CANCEL /)[0]!;
  assert.ok(cancel, 'sipp got a CANCEL');
  const parsed = parseLoggedHeaders;
  // §9.1: same Request-URI, Call-ID, From, To, CSeq number and branch as the INVITE.
  assert.equal(cancel.split(/\r?\n/)[0], invite.split(/\r?\n/)[0]!.replace('INVITE', 'CANCEL'));
  for (const h of ['via', 'from', 'to', 'call-id']) assert.equal(getHeader(parsed(cancel), h), getHeader(parsed(invite), h), h);
  assert.equal(getHeader(parsed(cancel), 'cseq'), '1 CANCEL');
});

test('a 200 racing our CANCEL is ACKed and hung up with BYE → ERROR_NO_ANSWER', async (t) => {
  const peer = await sippFor(t, { name: 'cancel-race', ip: '127.0.12.21', port: 5070, scenario: answerRacingCancelScenario('cancel-race') });
  const result = await placeCall(callRequest(peer.opts, { ringTimeoutMs: 1000 }));
  assert.equal(result.status, 'ERROR_NO_ANSWER', JSON.stringify(result));
  assert.equal(result.sipCode, 200);
  assert.equal(result.reason, 'answered after CANCEL');
  await assertSippSucceeded(peer);
  assert.equal(receivedMessages(peer.messages, /^ACK /).length, 1);
  assert.equal(receivedMessages(peer.messages, /^BYE /).length, 1);
});

test('no listener: ICMP port unreachable on the connected UDP socket → ERROR_NETWORK_NOT_AVAILABLE in < 1 s', async () => {
  const started = Date.now();
  const result = await placeCall(callRequest({ ip: '127.0.12.30', port: 5999 }, { noResponseTimeoutMs: 5000 }));
  const elapsed = Date.now() - started;
  assert.equal(result.status, 'ERROR_NETWORK_NOT_AVAILABLE', JSON.stringify(result));
  assert.equal(result.trunkFailure, true);
  assert.equal(result.sipCode, undefined);
  assert.match(result.reason ?? '', /ECONNREFUSED/);
  assert.ok(elapsed < 1000, `took ${elapsed} ms`);
});

test('TCP connect refused → ERROR_NETWORK_NOT_AVAILABLE at once', async () => {
  const started = Date.now();
  const result = await placeCall(callRequest({ ip: '127.0.12.31', port: 5999, transport: 'tcp' }));
  assert.equal(result.status, 'ERROR_NETWORK_NOT_AVAILABLE');
  assert.equal(result.trunkFailure, true);
  assert.match(result.reason ?? '', /ECONNREFUSED/);
  assert.ok(Date.now() - started < 1000);
});

test('silent trunk: INVITE retransmitted at T1 doubling, own no-response timer → ERROR_NETWORK_NOT_AVAILABLE', async (t) => {
  const sink = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => sink.bind(5070, '127.0.12.32', resolve));
  t.after(() => sink.close());
  const arrivals: number[] = [];
  const branches = new Set<string>();
  sink.on('message', (m) => {
    const msg = parseSipMessage(m);
    if (msg.kind === 'request' && msg.method === 'INVITE') {
      arrivals.push(Date.now());
      branches.add(parseVia(getHeader(msg, 'via')!).params.branch ?? '');
    }
  });
  const started = Date.now();
  const result = await placeCall(callRequest({ ip: '127.0.12.32', port: 5070 }, { noResponseTimeoutMs: 2200 }));
  const elapsed = Date.now() - started;
  assert.equal(result.status, 'ERROR_NETWORK_NOT_AVAILABLE');
  assert.equal(result.trunkFailure, true);
  assert.ok(elapsed >= 2200 && elapsed < 3500, `took ${elapsed} ms`);
  // Sent at 0, 500, 1500 ms (next would be 3500): 3 copies of one transaction.
  assert.equal(arrivals.length, 3, `INVITE copies at ${arrivals.map((a) => a - arrivals[0]!)}`);
  assert.equal(branches.size, 1);
  const gaps = arrivals.slice(1).map((a, i) => a - arrivals[i]!);
  assert.ok(gaps[0]! >= 450 && gaps[0]! < 800 && gaps[1]! >= 950 && gaps[1]! < 1400, `gaps ${gaps}`);
});

test('abort while ringing: CANCEL, 487 from sipp → ERROR (aborted), no answer', async (t) => {
  const peer = await sippFor(t, { name: 'abort', ip: '127.0.12.22', port: 5070, scenario: ringNoAnswerScenario('abort') });
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 600);
  const result = await placeCall(callRequest(peer.opts, { signal: controller.signal }));
  assert.equal(result.status, 'ERROR', JSON.stringify(result));
  assert.equal(result.reason, 'aborted');
  assert.equal(result.trunkFailure, false);
  await assertSippSucceeded(peer);
  assert.equal(receivedMessages(peer.messages, /^CANCEL /).length, 1);
});
