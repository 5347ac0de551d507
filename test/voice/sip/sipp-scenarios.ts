/**
 * sipp UAS scenario builders, one XML per test case. Codes, pauses and file paths are baked into
 * the XML because sipp's `-key` substitution does not work in status lines, pauses or exec paths.
 */

const DTMF_PCAP_DIR = '/usr/share/sip-tester';

function scenario(name: string, body: string): string {
  return `<?xml version="1.0" encoding="ISO-8859-1" ?>\n<scenario name="${name}">\n${body}\n</scenario>\n`;
}

/** A response echoing the last request's dialog headers; `toTag` adds sipp's tag to To. */
function response(statusLine: string, opts: { toTag?: boolean; extra?: string[]; sdp?: string; cseq?: string } = {}): string {
  const lines = [
    `SIP/2.0 ${statusLine}`,
    '[last_Via:]',
    '[last_From:]',
    opts.toTag ? '[last_To:];tag=[pid]SIPpTag01[call_number]' : '[last_To:]',
    '[last_Call-ID:]',
    opts.cseq ?? '[last_CSeq:]',
    'Contact: <sip:[local_ip]:[local_port];transport=[transport]>',
    ...(opts.extra ?? []),
  ];
  if (opts.sdp) lines.push('Content-Type: application/sdp', 'Content-Length: [len]', '', opts.sdp);
  else lines.push('Content-Length: 0', '');
  return `  <send><![CDATA[\n${lines.join('\n')}\n]]></send>`;
}

/** The answer sipp gives: PCMU first (or PCMA), telephone-event 101, media on sipp's -mi/-mp. */
function answerSdp(codec: 'PCMU' | 'PCMA'): string {
  const pt = codec === 'PCMU' ? 0 : 8;
  return [
    'v=0',
    'o=sipp 53655765 2353687637 IN IP[local_ip_type] [local_ip]',
    's=-',
    'c=IN IP[media_ip_type] [media_ip]',
    't=0 0',
    `m=audio [media_port] RTP/AVP ${pt} 101`,
    `a=rtpmap:${pt} ${codec}/8000`,
    'a=rtpmap:101 telephone-event/8000',
    'a=fmtp:101 0-15',
    'a=ptime:20',
  ].join('\n');
}

const recvInvite = '  <recv request="INVITE" crlf="true"/>';
const trying = response('100 Trying');
const ringing = response('180 Ringing', { toTag: true });
const endOnBye = `  <recv request="BYE"/>\n${response('200 OK')}`;

export interface AnswerOptions {
  codec?: 'PCMU' | 'PCMA';
  /** XML run after the ACK (exec actions, pauses) before waiting for our BYE. */
  afterAck?: string;
}

function answeredTail(o: AnswerOptions): string {
  return [
    trying,
    ringing,
    '  <pause milliseconds="200"/>',
    `  <send retrans="500"><![CDATA[\n${['SIP/2.0 200 OK', '[last_Via:]', '[last_From:]', '[last_To:];tag=[pid]SIPpTag01[call_number]', '[last_Call-ID:]', '[last_CSeq:]',
      'Contact: <sip:[local_ip]:[local_port];transport=[transport]>', 'Content-Type: application/sdp', 'Content-Length: [len]', '', answerSdp(o.codec ?? 'PCMU')].join('\n')}\n]]></send>`,
    '  <recv request="ACK" crlf="true"/>',
    o.afterAck ?? '',
    endOnBye,
  ].join('\n');
}

/** 100, 180, 200 with SDP, ACK, optional media actions, then wait for our BYE. */
export function answerScenario(name: string, o: AnswerOptions = {}): string {
  return scenario(name, [recvInvite, answeredTail(o)].join('\n'));
}

export function execAction(attr: string): string {
  return `  <nop><action><exec ${attr}/></action></nop>`;
}

/** RFC 2833 digits from the pcaps sipp ships, `gapMs` apart, starting `startMs` after ACK. */
export function dtmfActions(digits: Array<'1' | 'pound' | 'star' | '0' | '2'>, startMs: number, gapMs: number): string {
  return digits.map((d, i) => [
    `  <pause milliseconds="${i === 0 ? startMs : gapMs}"/>`,
    execAction(`play_pcap_audio="${DTMF_PCAP_DIR}/dtmf_2833_${d}.pcap"`),
  ].join('\n')).join('\n');
}

/** 100, 180, then a final failure; sipp waits for our ACK (non-2xx ACK, same transaction). */
export function rejectScenario(name: string, code: number, reason: string, extraHeaders: string[] = []): string {
  return scenario(name, [recvInvite, trying, ringing, '  <pause milliseconds="100"/>', response(`${code} ${reason}`, { toTag: true, extra: extraHeaders }), '  <recv request="ACK"/>'].join('\n'));
}

/**
 * Rings forever; on CANCEL answers 200 to it and 487 to the INVITE. The 487 needs the INVITE's
 * CSeq, captured with ereg, because [last_CSeq:] would be the CANCEL's.
 */
export function ringNoAnswerScenario(name: string): string {
  return scenario(name, [
    '  <recv request="INVITE" crlf="true"><action><ereg regexp="[0-9]+" search_in="hdr" header="CSeq:" assign_to="invcseq"/></action></recv>',
    trying, ringing,
    '  <recv request="CANCEL"/>',
    response('200 OK'),
    response('487 Request Terminated', { toTag: true, cseq: 'CSeq: [$invcseq] INVITE' }),
    '  <recv request="ACK"/>',
  ].join('\n'));
}

const challenge401 = (realm: string, qop: boolean): string =>
  response('401 Unauthorized', { toTag: true, extra: [`WWW-Authenticate: Digest realm="${realm}", nonce="[pid]n[call_number]x9f3", algorithm=MD5${qop ? ', qop="auth"' : ''}, opaque="op4que"`] });

/**
 * 401 challenge, then sipp's verifyauth checks the retried INVITE's Authorization. Valid → the
 * call is answered; invalid → a second 401 (bad credentials), which the UAC must treat as final.
 */
export function auth401Scenario(name: string, user: string, password: string, realm: string, o: AnswerOptions = {}): string {
  const before = [
    recvInvite,
    challenge401(realm, true),
    '  <recv request="ACK"/>',
    `  <recv request="INVITE" crlf="true"><action><verifyauth assign_to="authvalid" username="${user}" password="${password}"/>` +
      '<ereg regexp="Digest .*" search_in="hdr" header="Authorization:" assign_to="authhdr"/></action></recv>',
    '  <nop><action><log message="AUTHVALID=[$authvalid] AUTH=[$authhdr]"/></action></nop>',
    '  <nop test="authvalid" next="1"/>',
    challenge401(realm, true),
    '  <recv request="ACK" next="2"/>',
    '  <label id="1"/>',
  ].join('\n');
  return scenario(name, [before, answeredTail(o), '  <label id="2"/>'].join('\n'));
}

/**
 * 407 proxy challenge without qop. sipp's verifyauth only reads Authorization, so the scenario
 * asserts Proxy-Authorization is present (check_it) and logs it; the test recomputes the digest.
 */
export function auth407Scenario(name: string, realm: string, o: AnswerOptions = {}): string {
  const before = [
    recvInvite,
    response('407 Proxy Authentication Required', { toTag: true, extra: [`Proxy-Authenticate: Digest realm="${realm}", nonce="[pid]p[call_number]7c1", algorithm=MD5`] }),
    '  <recv request="ACK"/>',
    '  <recv request="INVITE" crlf="true"><action><ereg regexp="Digest .*" search_in="hdr" header="Proxy-Authorization:" check_it="true" assign_to="pauth"/></action></recv>',
    '  <nop><action><log message="PAUTH=[$pauth]"/></action></nop>',
  ].join('\n');
  return scenario(name, [before, answeredTail(o)].join('\n'));
}

/**
 * The 200 crosses our CANCEL: sipp 200s the CANCEL, then answers the INVITE anyway (CSeq
 * captured), as a UAS does when the answer was already on its way. The UAC must ACK the 200 and hang up with BYE (RFC 3261 §9.1, §15).
 */
export function answerRacingCancelScenario(name: string): string {
  const okInvite = [
    'SIP/2.0 200 OK', '[last_Via:]', '[last_From:]', '[last_To:];tag=[pid]SIPpTag01[call_number]', '[last_Call-ID:]',
    'CSeq: [$invcseq] INVITE', 'Contact: <sip:[local_ip]:[local_port];transport=[transport]>',
    'Content-Type: application/sdp', 'Content-Length: [len]', '', answerSdp('PCMU'),
  ].join('\n');
  return scenario(name, [
    '  <recv request="INVITE" crlf="true"><action><ereg regexp="[0-9]+" search_in="hdr" header="CSeq:" assign_to="invcseq"/></action></recv>',
    trying, ringing,
    '  <recv request="CANCEL"/>',
    response('200 OK'),
    `  <send><![CDATA[\n${okInvite}\n]]></send>`,
    '  <recv request="ACK"/>',
    endOnBye,
  ].join('\n'));
}

/**
 * After the answer, sipp drives the dialog: OPTIONS, INFO with DTMF (application/dtmf-relay),
 * a re-INVITE, then hangs up with its own BYE. Each request must get a 200 from the UAC.
 * Our From (with our tag) becomes sipp's To; [$ourfrom] is captured from the INVITE.
 */
export function farEndRequestsScenario(name: string): string {
  const request = (method: string, cseq: number, extra: string[] = [], body?: { type: string; text: string }): string => {
    const lines = [
      `${method} [$ourcontact] SIP/2.0`,
      'Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]',
      'From: <sip:41793026727@[local_ip]>;tag=[pid]SIPpTag01[call_number]',
      'To: [$ourfrom]',
      'Call-ID: [call_id]',
      `CSeq: ${cseq} ${method}`,
      'Max-Forwards: 70',
      'Contact: <sip:[local_ip]:[local_port];transport=[transport]>',
      ...extra,
    ];
    if (body) lines.push(`Content-Type: ${body.type}`, 'Content-Length: [len]', '', body.text);
    else lines.push('Content-Length: 0', '');
    return `  <send retrans="500"><![CDATA[\n${lines.join('\n')}\n]]></send>\n  <recv response="200"/>`;
  };
  return scenario(name, [
    '  <recv request="INVITE" crlf="true"><action>' +
      '<ereg regexp=".*" search_in="hdr" header="From:" assign_to="ourfrom"/>' +
      '<ereg regexp="sip:[^>]*" search_in="hdr" header="Contact:" assign_to="ourcontact"/></action></recv>',
    trying, ringing,
    `  <send retrans="500"><![CDATA[\n${['SIP/2.0 200 OK', '[last_Via:]', '[last_From:]', '[last_To:];tag=[pid]SIPpTag01[call_number]', '[last_Call-ID:]', '[last_CSeq:]',
      'Contact: <sip:[local_ip]:[local_port];transport=[transport]>', 'Content-Type: application/sdp', 'Content-Length: [len]', '', answerSdp('PCMU')].join('\n')}\n]]></send>`,
    '  <recv request="ACK" crlf="true"/>',
    '  <pause milliseconds="300"/>',
    request('OPTIONS', 1),
    request('INFO', 2, [], { type: 'application/dtmf-relay', text: 'Signal=1\nDuration=160' }),
    request('INFO', 3, [], { type: 'application/dtmf-relay', text: 'Signal=#\nDuration=160' }),
    request('INVITE', 4, [], { type: 'application/sdp', text: answerSdp('PCMU') }),
    '  <send><![CDATA[\nACK [$ourcontact] SIP/2.0\nVia: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]\nFrom: <sip:41793026727@[local_ip]>;tag=[pid]SIPpTag01[call_number]\nTo: [$ourfrom]\nCall-ID: [call_id]\nCSeq: 4 ACK\nMax-Forwards: 70\nContent-Length: 0\n\n]]></send>',
    '  <pause milliseconds="700"/>',
    request('BYE', 5),
  ].join('\n'));
}
