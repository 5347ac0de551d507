import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildCancel, buildInDialogRequest, buildInvite, buildNon2xxAck, buildResponse, createCallIdentity, dialogFromResponse,
} from '../../../src/channels/voice/sip/request-factory.ts';
import { getHeader, getHeaders, parseSipMessage, type SipRequest, type SipResponse } from '../../../src/channels/voice/sip/sip-message.ts';
import { parseNameAddr, parseVia } from '../../../src/channels/voice/sip/sip-header-values.ts';

const id = createCallIdentity({ trunkHost: '192.0.2.1', trunkPort: 5060, to: '41793026727', callerId: '+15550001', protocol: 'UDP', local: { address: '10.0.0.5', port: 40000 } });
const parse = (text: string) => parseSipMessage(Buffer.from(text));

test('INVITE: Request-URI, Via with z9hG4bK branch and rport, tags, CSeq, Contact, SDP body', () => {
  const msg = parse(buildInvite(id, { cseq: 1, branch: 'z9hG4bKabc', sdp: 'v=0\r\n', auth: [['Proxy-Authorization', 'Digest x']] })) as SipRequest;
  assert.equal(msg.method, 'INVITE');
  assert.equal(msg.uri, 'sip:41793026727@192.0.2.1:5060');
  const via = parseVia(getHeader(msg, 'via')!);
  assert.deepEqual([via.transport, via.host, via.port, via.params.branch, via.params.rport], ['UDP', '10.0.0.5', 40000, 'z9hG4bKabc', '']);
  assert.match(parseNameAddr(getHeader(msg, 'from')!).params.tag ?? '', /^[0-9a-f]{16}$/);
  assert.equal(parseNameAddr(getHeader(msg, 'from')!).uri, 'sip:+15550001@192.0.2.1');
  assert.equal(parseNameAddr(getHeader(msg, 'to')!).params.tag, undefined);
  assert.equal(getHeader(msg, 'contact'), '<sip:+15550001@10.0.0.5:40000>');
  assert.equal(getHeader(msg, 'proxy-authorization'), 'Digest x');
  assert.equal(getHeader(msg, 'content-type'), 'application/sdp');
  assert.equal(msg.body.toString(), 'v=0\r\n');
});

test('TCP identity: transport=tcp in Request-URI and Contact, Via SIP/2.0/TCP', () => {
  const tcp = createCallIdentity({ trunkHost: 'sip.example.net', trunkPort: 5060, to: '1', callerId: '2', protocol: 'TCP', local: { address: '::1', port: 5 } });
  assert.equal(tcp.requestUri, 'sip:1@sip.example.net:5060;transport=tcp');
  assert.equal(tcp.contact, '<sip:2@[::1]:5;transport=tcp>');
  assert.equal(tcp.viaSentBy, 'SIP/2.0/TCP [::1]:5');
});

test('CANCEL and non-2xx ACK reuse the INVITE branch and CSeq number; ACK takes the response To', () => {
  const cancel = parse(buildCancel(id, { cseq: 3, branch: 'z9hG4bKinv' })) as SipRequest;
  assert.equal(cancel.uri, id.requestUri);
  assert.equal(parseVia(getHeader(cancel, 'via')!).params.branch, 'z9hG4bKinv');
  assert.equal(getHeader(cancel, 'cseq'), '3 CANCEL');
  assert.equal(getHeader(cancel, 'to'), id.to);
  const busy = parse(`SIP/2.0 486 Busy Here\r\nTo: ${id.to};tag=far\r\nCSeq: 3 INVITE\r\nContent-Length: 0\r\n\r\n`) as SipResponse;
  const ack = parse(buildNon2xxAck(id, { cseq: 3, branch: 'z9hG4bKinv' }, busy)) as SipRequest;
  assert.equal(parseVia(getHeader(ack, 'via')!).params.branch, 'z9hG4bKinv');
  assert.equal(getHeader(ack, 'to'), `${id.to};tag=far`);
  assert.equal(getHeader(ack, 'cseq'), '3 ACK');
});

const ok = (recordRoute: string[]): SipResponse => parse([
  'SIP/2.0 200 OK', `To: ${id.to};tag=remote1`, 'Contact: <sip:bob@198.51.100.9:5080>', 'CSeq: 2 INVITE',
  ...recordRoute.map((r) => `Record-Route: ${r}`), 'Content-Length: 0', '', '',
].join('\r\n')) as SipResponse;

test('dialog from 2xx: route set is Record-Route reversed, requests go to the Contact (loose routing)', () => {
  const dialog = dialogFromResponse(id, ok(['<sip:p2.example.net;lr>, <sip:p1.example.net;lr>']));
  assert.equal(dialog.remoteTag, 'remote1');
  const bye = parse(buildInDialogRequest(id, dialog, { method: 'BYE', cseq: 3, branch: 'z9hG4bKbye' })) as SipRequest;
  assert.equal(bye.uri, 'sip:bob@198.51.100.9:5080');
  assert.deepEqual(getHeaders(bye, 'route'), ['<sip:p1.example.net;lr>', '<sip:p2.example.net;lr>']);
  assert.equal(getHeader(bye, 'to'), `${id.to};tag=remote1`);
  assert.equal(getHeader(bye, 'from'), id.from);
  assert.equal(getHeader(bye, 'cseq'), '3 BYE');
});

test('strict router first (no lr): it becomes the Request-URI and the Contact the last Route (§12.2.1.1)', () => {
  const dialog = dialogFromResponse(id, ok(['<sip:strict.example.net>']));
  const ack = parse(buildInDialogRequest(id, dialog, { method: 'ACK', cseq: 2, branch: 'z9hG4bKack' })) as SipRequest;
  assert.equal(ack.uri, 'sip:strict.example.net');
  assert.deepEqual(getHeaders(ack, 'route'), ['<sip:bob@198.51.100.9:5080>']);
});

test('responses copy every Via in order, From, To (+tag when absent), Call-ID, CSeq', () => {
  const req = parse([
    'OPTIONS sip:x@10.0.0.5 SIP/2.0', 'Via: SIP/2.0/UDP a;branch=z9hG4bK1', 'Via: SIP/2.0/UDP b;branch=z9hG4bK2',
    'From: <sip:a@b>;tag=1', 'To: <sip:x@10.0.0.5>', 'Call-ID: c1', 'CSeq: 7 OPTIONS', 'Content-Length: 0', '', '',
  ].join('\r\n')) as SipRequest;
  const res = parse(buildResponse(req, { status: 200, reason: 'OK', toTag: 'mine' })) as SipResponse;
  assert.equal(res.status, 200);
  assert.deepEqual(getHeaders(res, 'via'), ['SIP/2.0/UDP a;branch=z9hG4bK1', 'SIP/2.0/UDP b;branch=z9hG4bK2']);
  assert.equal(getHeader(res, 'to'), '<sip:x@10.0.0.5>;tag=mine');
  assert.equal(getHeader(res, 'cseq'), '7 OPTIONS');
});
