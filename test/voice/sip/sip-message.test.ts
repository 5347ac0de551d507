import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  getCSeq, getHeader, getHeaders, parseSipMessage, serializeSipMessage, splitHeaderList, takeStreamMessage, SipParseError,
} from '../../../src/channels/voice/sip/sip-message.ts';
import { parseNameAddr, parseVia, q850Cause, hostPort } from '../../../src/channels/voice/sip/sip-header-values.ts';

const crlf = (lines: string[]): Buffer => Buffer.from(lines.join('\r\n'));

test('parses a response with compact headers, multi-value Via and a body cut to Content-Length', () => {
  const msg = parseSipMessage(crlf([
    'SIP/2.0 200 OK',
    'v: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKa;rport=5060, SIP/2.0/UDP 10.0.0.2;branch=z9hG4bKb',
    'Via: SIP/2.0/TCP [2001:db8::1]:5061;branch=z9hG4bKc',
    'f: "Alice, the caller" <sip:alice@example.com>;tag=1928301774',
    't: <sip:bob@example.com>;tag=a6c85cf',
    'i: a84b4c76e66710@pc33.example.com',
    'CSeq: 314159 INVITE',
    'm: <sip:bob@192.0.2.4>',
    'c: application/sdp',
    'l: 4',
    '',
    'v=0\r\nEXTRA BYTES',
  ]));
  assert.equal(msg.kind, 'response');
  if (msg.kind !== 'response') return;
  assert.equal(msg.status, 200);
  assert.equal(msg.reason, 'OK');
  const vias = getHeaders(msg, 'via');
  assert.equal(vias.length, 3);
  assert.equal(parseVia(vias[0]!).params.branch, 'z9hG4bKa');
  assert.equal(parseVia(vias[0]!).params.rport, '5060');
  assert.equal(parseVia(vias[1]!).host, '10.0.0.2');
  assert.deepEqual({ ...parseVia(vias[2]!), params: undefined }, { protocol: 'SIP/2.0', transport: 'TCP', host: '[2001:db8::1]', port: 5061, params: undefined });
  // From is not a list header: the comma inside the quoted display name must survive.
  assert.equal(parseNameAddr(getHeader(msg, 'from')!).display, 'Alice, the caller');
  assert.equal(parseNameAddr(getHeader(msg, 'to')!).params.tag, 'a6c85cf');
  assert.equal(getHeader(msg, 'Call-ID'), 'a84b4c76e66710@pc33.example.com');
  assert.equal(getHeader(msg, 'i'), 'a84b4c76e66710@pc33.example.com');
  assert.deepEqual(getCSeq(msg), { seq: 314159, method: 'INVITE' });
  assert.equal(msg.body.toString(), 'v=0\r');
});

test('parses a request, unfolds continuation lines, keeps auth headers whole', () => {
  const msg = parseSipMessage(crlf([
    'invite sip:bob@example.com SIP/2.0',
    'Via: SIP/2.0/UDP pc33.example.com;branch=z9hG4bK776asdhds',
    'Subject: lunch',
    '  tomorrow',
    'WWW-Authenticate: Digest realm="a,b", nonce="n1", qop="auth,auth-int"',
    'Record-Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>',
    'Record-Route: <sip:p3.example.com;lr;x=a,b>',
    'Content-Length: 0',
    '', '',
  ]));
  assert.equal(msg.kind, 'request');
  if (msg.kind !== 'request') return;
  assert.equal(msg.method, 'INVITE');
  assert.equal(msg.uri, 'sip:bob@example.com');
  assert.equal(getHeader(msg, 'subject'), 'lunch tomorrow');
  assert.equal(getHeaders(msg, 'www-authenticate').length, 1);
  assert.deepEqual(getHeaders(msg, 'record-route'), ['<sip:p1.example.com;lr>', '<sip:p2.example.com;lr>', '<sip:p3.example.com;lr;x=a,b>']);
  assert.equal(msg.body.length, 0);
});

test('without Content-Length (UDP) the body is the rest of the datagram; LF-only line ends are accepted', () => {
  const msg = parseSipMessage(Buffer.from('SIP/2.0 180 Ringing\nCSeq: 1 INVITE\n\nhello'));
  assert.equal(msg.body.toString(), 'hello');
});

test('rejects garbage and bodies shorter than Content-Length', () => {
  assert.throws(() => parseSipMessage(Buffer.from('HELLO WORLD\r\n\r\n')), SipParseError);
  assert.throws(() => parseSipMessage(crlf(['SIP/2.0 200 OK', 'Content-Length: 10', '', 'abc'])), SipParseError);
  assert.throws(() => parseSipMessage(crlf(['SIP/2.0 200 OK', 'no colon here', '', ''])), SipParseError);
});

test('splitHeaderList ignores commas inside quotes and angle brackets', () => {
  assert.deepEqual(splitHeaderList('"a, b" <sip:x@y>, <sip:c@d;p=1,2>;q=0.5 ,  <sip:e@f>'), ['"a, b" <sip:x@y>', '<sip:c@d;p=1,2>;q=0.5', '<sip:e@f>']);
});

test('stream framing (TCP): keep-alive CRLFs, two messages in one chunk, and a partial one', () => {
  const one = serializeSipMessage({ startLine: 'SIP/2.0 100 Trying', headers: [['CSeq', '1 INVITE']] });
  const two = serializeSipMessage({ startLine: 'SIP/2.0 200 OK', headers: [['CSeq', '1 INVITE'], ['Content-Type', 'application/sdp']], body: 'v=0\r\n' });
  const all = Buffer.from('\r\n\r\n' + one + two);
  const first = takeStreamMessage(all);
  assert.ok(first);
  assert.equal(first.message.kind === 'response' && first.message.status, 100);
  const second = takeStreamMessage(first.rest);
  assert.ok(second);
  assert.equal(second.message.body.toString(), 'v=0\r\n');
  assert.equal(second.rest.length, 0);
  assert.equal(takeStreamMessage(Buffer.from(two.slice(0, two.length - 2))), undefined);
  // Compact Content-Length works for framing too.
  const compact = Buffer.from('SIP/2.0 200 OK\r\nl: 3\r\n\r\nabcNEXT');
  assert.equal(takeStreamMessage(compact)?.rest.toString(), 'NEXT');
});

test('serialize computes Content-Length in bytes and canonical header names; round trip', () => {
  const text = serializeSipMessage({ startLine: 'BYE sip:a@b SIP/2.0', headers: [['call-id', 'x@y'], ['cseq', '2 BYE'], ['Content-Length', '99']], body: 'é' });
  assert.match(text, /\r\nCall-ID: x@y\r\nCSeq: 2 BYE\r\nContent-Length: 2\r\n\r\né$/);
  const parsed = parseSipMessage(Buffer.from(text));
  assert.equal(parsed.body.toString(), 'é');
});

test('name-addr without brackets: parameters belong to the header (RFC 3261 §20.10)', () => {
  assert.deepEqual(parseNameAddr('sip:bob@example.com;tag=abc'), { uri: 'sip:bob@example.com', params: { tag: 'abc' } });
  assert.deepEqual(parseNameAddr('<sip:p1.example.com;lr>'), { uri: 'sip:p1.example.com;lr', params: {} });
});

test('Reason header: Q.850 cause is found among several protocols', () => {
  assert.equal(q850Cause(['SIP;cause=200;text="Call completed elsewhere"', 'Q.850;cause=17;text="User busy"']), 17);
  assert.equal(q850Cause(['SIP;cause=600']), undefined);
  assert.equal(q850Cause([]), undefined);
});

test('hostPort brackets IPv6 literals', () => {
  assert.equal(hostPort('::1', 5060), '[::1]:5060');
  assert.equal(hostPort('10.0.0.1', 5070), '10.0.0.1:5070');
});
