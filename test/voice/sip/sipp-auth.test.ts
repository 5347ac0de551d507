/**
 * Digest authentication against sipp: 401 (checked by sipp's own verifyauth), 407 (header
 * captured by sipp, digest recomputed here independently), and wrong credentials. Own 127.0.13.x.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { placeCall } from '../../../src/channels/voice/sip/place-call.ts';
import { getHeader } from '../../../src/channels/voice/sip/sip-message.ts';
import { parseNameAddr, parseVia } from '../../../src/channels/voice/sip/sip-header-values.ts';
import { auth401Scenario, auth407Scenario } from './sipp-scenarios.ts';
import { callRequest, sippFor, assertSippSucceeded } from './call-fixtures.ts';
import { parseLoggedHeaders, receivedMessages } from './sipp-harness.ts';

const md5 = (s: string): string => createHash('md5').update(s).digest('hex');

/** Parse `Digest a="b", c=d` without the code under test. */
function digestParams(header: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of header.replace(/^Digest\s+/i, '').matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]+))/g)) out[m[1]!] = m[2] ?? m[3] ?? '';
  return out;
}

test('401 with qop=auth: re-INVITE with Authorization that sipp\'s verifyauth accepts → PROCESSED', async (t) => {
  const peer = await sippFor(t, { name: 'auth401', ip: '127.0.13.1', port: 5070, scenario: auth401Scenario('auth401', 'alice', 's3cret', 'open2fa.test') });
  const result = await placeCall(callRequest(peer.opts, {
    trunk: { name: 'sipp', host: '127.0.13.1', port: 5070, transport: 'udp', username: 'alice', password: 's3cret' },
    prompt: { pcmu: new Uint8Array(4000).fill(0x7f), pcma: new Uint8Array(4000).fill(0x55) }, listenAfterPromptMs: 300,
  }));
  assert.equal(result.status, 'PROCESSED', JSON.stringify(result));
  await assertSippSucceeded(peer);
  assert.match(peer.logs, /AUTHVALID=true/, peer.describe());
  const invites = receivedMessages(peer.messages, /^INVITE /).map(parseLoggedHeaders);
  assert.equal(invites.length, 2);
  const [first, second] = invites as [ReturnType<typeof parseLoggedHeaders>, ReturnType<typeof parseLoggedHeaders>];
  // §22.2: same Call-ID and From tag, CSeq + 1, new branch.
  assert.equal(getHeader(second, 'call-id'), getHeader(first, 'call-id'));
  assert.equal(parseNameAddr(getHeader(second, 'from')!).params.tag, parseNameAddr(getHeader(first, 'from')!).params.tag);
  assert.equal(getHeader(first, 'cseq'), '1 INVITE');
  assert.equal(getHeader(second, 'cseq'), '2 INVITE');
  assert.notEqual(parseVia(getHeader(second, 'via')!).params.branch, parseVia(getHeader(first, 'via')!).params.branch);
  const auth = digestParams(getHeader(second, 'authorization')!);
  assert.equal(auth.qop, 'auth');
  assert.equal(auth.nc, '00000001');
  assert.equal(auth.opaque, 'op4que');
  assert.equal(auth.username, 'alice');
});

test('407 without qop: Proxy-Authorization carries the RFC 2617 digest (recomputed here) → PROCESSED', async (t) => {
  const peer = await sippFor(t, { name: 'auth407', ip: '127.0.13.2', port: 5070, scenario: auth407Scenario('auth407', 'proxy.test') });
  const result = await placeCall(callRequest(peer.opts, {
    trunk: { name: 'sipp', host: '127.0.13.2', port: 5070, transport: 'udp', username: 'bob', password: 'pr0xy pass' },
    prompt: { pcmu: new Uint8Array(4000).fill(0x7f), pcma: new Uint8Array(4000).fill(0x55) }, listenAfterPromptMs: 300,
  }));
  assert.equal(result.status, 'PROCESSED', JSON.stringify(result));
  await assertSippSucceeded(peer);
  const logged = /PAUTH=(Digest .*)$/m.exec(peer.logs)?.[1];
  assert.ok(logged, `sipp logged the Proxy-Authorization header\n${peer.describe()}`);
  const p = digestParams(logged);
  assert.equal(p.username, 'bob');
  assert.equal(p.realm, 'proxy.test');
  assert.equal(p.qop, undefined);
  const ha1 = md5(`bob:proxy.test:pr0xy pass`);
  assert.equal(p.response, md5(`${ha1}:${p.nonce}:${md5(`INVITE:${p.uri}`)}`));
  assert.equal(p.uri, 'sip:41793026727@127.0.13.2:5070');
  const invites = receivedMessages(peer.messages, /^INVITE /).map(parseLoggedHeaders);
  assert.equal(getHeader(invites[1]!, 'authorization'), undefined, 'a 407 is answered with Proxy-Authorization only');
});

test('wrong password: sipp rejects the digest and challenges again → ERROR, no third INVITE', async (t) => {
  const peer = await sippFor(t, { name: 'auth-bad', ip: '127.0.13.3', port: 5070, scenario: auth401Scenario('auth-bad', 'alice', 's3cret', 'open2fa.test') });
  const result = await placeCall(callRequest(peer.opts, {
    trunk: { name: 'sipp', host: '127.0.13.3', port: 5070, transport: 'udp', username: 'alice', password: 'wrong' },
  }));
  assert.equal(result.status, 'ERROR', JSON.stringify(result));
  assert.equal(result.sipCode, 401);
  assert.equal(result.trunkFailure, false);
  assert.equal(result.answeredAt, undefined);
  await assertSippSucceeded(peer);
  assert.match(peer.logs, /AUTHVALID=false/, peer.describe());
  assert.equal(receivedMessages(peer.messages, /^INVITE /).length, 2);
  assert.equal(receivedMessages(peer.messages, /^ACK /).length, 2, 'both 401s ACKed');
});
