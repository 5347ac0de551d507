import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { buildAuthorizationHeader, computeDigestResponse, parseDigestChallenge } from '../../../src/channels/voice/sip/digest.ts';

const md5 = (s: string): string => createHash('md5').update(s).digest('hex');

test('RFC 2617 §3.5 example (qop=auth) gives the published response', () => {
  const challenge = parseDigestChallenge('Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"');
  assert.ok(challenge);
  const r = computeDigestResponse(challenge, { username: 'Mufasa', password: 'Circle Of Life' }, { method: 'GET', uri: '/dir/index.html', cnonce: '0a4f113b', nc: 1 });
  assert.equal(r.response, '6629fae49393a05397450978507c4ef1');
  assert.equal(r.qop, 'auth');
  assert.equal(r.nc, '00000001');
});

test('RFC 7616 §3.9.1 example: MD5 and SHA-256 with qop=auth', () => {
  const base = 'realm="http-auth@example.org", qop="auth, auth-int", nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"';
  const req = { method: 'GET', uri: '/dir/index.html', cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ', nc: 1 };
  const cred = { username: 'Mufasa', password: 'Circle of Life' };
  const md5Challenge = parseDigestChallenge(`Digest ${base}, algorithm=MD5`);
  const shaChallenge = parseDigestChallenge(`Digest ${base}, algorithm=SHA-256`);
  assert.ok(md5Challenge && shaChallenge);
  assert.equal(computeDigestResponse(md5Challenge, cred, req).response, '8ca523f5e9506fed4657c9700eebdbec');
  assert.equal(computeDigestResponse(shaChallenge, cred, req).response, '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1');
});

test('SIP INVITE without qop (RFC 2069 compatible form, RFC 3261 §22.4)', () => {
  const challenge = parseDigestChallenge('Digest realm="atlanta.com", nonce="84a4cc6f3082121f32b42a2187831a9e", algorithm=MD5');
  assert.ok(challenge);
  assert.deepEqual(challenge.qop, []);
  const cred = { username: 'bob', password: 'zanzibar' };
  const uri = 'sip:bob@biloxi.com';
  const expected = md5(`${md5('bob:atlanta.com:zanzibar')}:84a4cc6f3082121f32b42a2187831a9e:${md5(`INVITE:${uri}`)}`);
  const r = computeDigestResponse(challenge, cred, { method: 'INVITE', uri });
  assert.equal(r.response, expected);
  assert.equal(r.qop, undefined);
  const header = buildAuthorizationHeader(challenge, cred, { method: 'INVITE', uri });
  assert.match(header, /^Digest username="bob", realm="atlanta.com", nonce="84a4cc6f3082121f32b42a2187831a9e", uri="sip:bob@biloxi.com", response="[0-9a-f]{32}", algorithm=MD5$/);
  assert.ok(!header.includes('qop'), 'no qop, nc or cnonce when the server offered no qop');
});

test('header with qop=auth carries unquoted qop and nc, quoted cnonce, and the opaque', () => {
  const challenge = parseDigestChallenge('Digest realm="r", nonce="n", qop="auth", opaque="o"');
  assert.ok(challenge);
  const header = buildAuthorizationHeader(challenge, { username: 'u', password: 'p' }, { method: 'INVITE', uri: 'sip:1@h', cnonce: 'abc', nc: 1 });
  const expected = md5(`${md5('u:r:p')}:n:00000001:abc:auth:${md5('INVITE:sip:1@h')}`);
  assert.ok(header.includes(`response="${expected}"`));
  assert.ok(header.includes('qop=auth, nc=00000001'));
  assert.ok(header.includes('cnonce="abc"'));
  assert.ok(header.includes('opaque="o"'));
});

test('MD5-sess and auth-int follow RFC 2617 §3.2.2.2/3', () => {
  const ch = parseDigestChallenge('Digest realm="r", nonce="n", qop="auth-int", algorithm=MD5-sess');
  assert.ok(ch);
  const r = computeDigestResponse(ch, { username: 'u', password: 'p' }, { method: 'INVITE', uri: 'sip:x', body: 'v=0', cnonce: 'c', nc: 2 });
  const ha1 = md5(`${md5('u:r:p')}:n:c`);
  const ha2 = md5(`INVITE:sip:x:${md5('v=0')}`);
  assert.equal(r.response, md5(`${ha1}:n:00000002:c:auth-int:${ha2}`));
});

test('parseDigestChallenge: stale flag, unquoted values, other schemes ignored', () => {
  const ch = parseDigestChallenge('Digest realm="r", nonce="n2", stale=TRUE, algorithm=md5');
  assert.equal(ch?.stale, true);
  assert.equal(ch?.algorithm, 'MD5');
  assert.equal(parseDigestChallenge('Basic realm="r"'), undefined);
  assert.equal(parseDigestChallenge('Digest realm="r"'), undefined);
});
