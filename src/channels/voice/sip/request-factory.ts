/**
 * Builds the requests and responses of one outbound call (RFC 3261 §8.1.1, §9.1, §12.2.1.1, §17.1.1.3).
 * Pure string assembly: what is sent, and when, is decided by the transactions and the call flow.
 */
import { bracketHost, hostPort, newCallId, newTag, parseNameAddr } from './sip-header-values.ts';
import { getHeader, getHeaders, serializeSipMessage, type SipRequest, type SipResponse } from './sip-message.ts';
import type { SipTransportProtocol } from './transport.ts';

export const USER_AGENT = 'open2fa-voice/0.1';
const ALLOW = 'INVITE, ACK, CANCEL, BYE, OPTIONS, INFO';

export interface CallIdentity {
  callId: string;
  /** Our From header with its tag; identical in every request of the call (§8.1.1.3). */
  from: string;
  /** The To header of the INVITE (no tag yet). */
  to: string;
  requestUri: string;
  contact: string;
  /** `SIP/2.0/UDP host:port`; the branch and rport are appended per request. */
  viaSentBy: string;
}

export interface CallAddressing {
  trunkHost: string;
  trunkPort: number;
  fromDomain?: string;
  to: string;
  callerId: string;
  protocol: SipTransportProtocol;
  local: { address: string; port: number };
}

export function createCallIdentity(a: CallAddressing): CallIdentity {
  const transportParam = a.protocol === 'TCP' ? ';transport=tcp' : '';
  const trunk = hostPort(a.trunkHost, a.trunkPort);
  return {
    callId: newCallId(a.local.address),
    from: `<sip:${a.callerId}@${bracketHost(a.fromDomain ?? a.trunkHost)}>;tag=${newTag()}`,
    to: `<sip:${a.to}@${bracketHost(a.trunkHost)}>`,
    requestUri: `sip:${a.to}@${trunk}${transportParam}`,
    contact: `<sip:${a.callerId}@${hostPort(a.local.address, a.local.port)}${transportParam}>`,
    viaSentBy: `SIP/2.0/${a.protocol} ${hostPort(a.local.address, a.local.port)}`,
  };
}

/** rport (RFC 3581) asks the trunk to answer to the source port it saw, which survives NAT. */
function via(id: CallIdentity, branch: string): string {
  return `${id.viaSentBy};branch=${branch};rport`;
}

export interface InviteParams {
  cseq: number;
  branch: string;
  sdp: string;
  /** Authorization / Proxy-Authorization headers answering the last challenge. */
  auth: Array<[string, string]>;
}

export function buildInvite(id: CallIdentity, p: InviteParams): string {
  return serializeSipMessage({
    startLine: `INVITE ${id.requestUri} SIP/2.0`,
    headers: [
      ['Via', via(id, p.branch)], ['Max-Forwards', '70'], ['From', id.from], ['To', id.to],
      ['Call-ID', id.callId], ['CSeq', `${p.cseq} INVITE`], ['Contact', id.contact], ...p.auth,
      ['Allow', ALLOW], ['User-Agent', USER_AGENT], ['Content-Type', 'application/sdp'],
    ],
    body: p.sdp,
  });
}

/** §9.1: CANCEL copies Request-URI, Call-ID, To, From, CSeq number and the top Via (same branch). */
export function buildCancel(id: CallIdentity, invite: { cseq: number; branch: string }): string {
  return serializeSipMessage({
    startLine: `CANCEL ${id.requestUri} SIP/2.0`,
    headers: [
      ['Via', via(id, invite.branch)], ['Max-Forwards', '70'], ['From', id.from], ['To', id.to],
      ['Call-ID', id.callId], ['CSeq', `${invite.cseq} CANCEL`], ['User-Agent', USER_AGENT],
    ],
  });
}

/** §17.1.1.3: ACK for a non-2xx final is part of the INVITE transaction: same branch, the response's To. */
export function buildNon2xxAck(id: CallIdentity, invite: { cseq: number; branch: string }, response: SipResponse): string {
  return serializeSipMessage({
    startLine: `ACK ${id.requestUri} SIP/2.0`,
    headers: [
      ['Via', via(id, invite.branch)], ['Max-Forwards', '70'], ['From', id.from],
      ['To', getHeader(response, 'to') ?? id.to], ['Call-ID', id.callId], ['CSeq', `${invite.cseq} ACK`],
    ],
  });
}

/** Dialog state on the UAC side, from the 2xx (§12.1.2). */
export interface DialogState {
  /** To header of the 2xx, including the remote tag. */
  remoteTo: string;
  remoteTag: string;
  /** Remote target: the Contact URI of the 2xx. */
  remoteTarget: string;
  /** Record-Route in reverse order (§12.1.2), as header values. */
  routeSet: string[];
}

export function dialogFromResponse(id: CallIdentity, res: SipResponse): DialogState {
  const remoteTo = getHeader(res, 'to') ?? id.to;
  const contact = getHeaders(res, 'contact')[0];
  return {
    remoteTo,
    remoteTag: parseNameAddr(remoteTo).params.tag ?? '',
    remoteTarget: contact ? parseNameAddr(contact).uri : id.requestUri,
    routeSet: getHeaders(res, 'record-route').reverse(),
  };
}

export interface InDialogParams {
  method: 'ACK' | 'BYE' | 'INFO';
  cseq: number;
  branch: string;
  auth?: Array<[string, string]>;
}

/**
 * §12.2.1.1: Request-URI is the remote target with a loose-routing route set; with a strict
 * router first (no `lr`), that router becomes the Request-URI and the remote target the last Route.
 */
export function buildInDialogRequest(id: CallIdentity, d: DialogState, p: InDialogParams): string {
  let requestUri = d.remoteTarget;
  let routes = d.routeSet;
  const first = routes[0];
  // `lr` is a URI parameter (inside the angle brackets), RFC 3261 §19.1.1.
  if (first && !/;lr(?:[=;]|$)/i.test(parseNameAddr(first).uri)) {
    requestUri = parseNameAddr(first).uri;
    routes = [...routes.slice(1), `<${d.remoteTarget}>`];
  }
  return serializeSipMessage({
    startLine: `${p.method} ${requestUri} SIP/2.0`,
    headers: [
      ['Via', via(id, p.branch)], ['Max-Forwards', '70'], ...routes.map((r): [string, string] => ['Route', r]),
      ['From', id.from], ['To', d.remoteTo], ['Call-ID', id.callId], ['CSeq', `${p.cseq} ${p.method}`],
      ...(p.auth ?? []), ['User-Agent', USER_AGENT],
    ],
  });
}

export interface ResponseParams {
  status: number;
  reason: string;
  contact?: string;
  body?: { contentType: string; text: string };
  /** Tag to add to To when the request had none (out-of-dialog requests, §8.2.6.2). */
  toTag?: string;
}

/** §8.2.6.2: copy Via (all, in order), From, To, Call-ID, CSeq from the request. */
export function buildResponse(req: SipRequest, p: ResponseParams): string {
  let to = getHeader(req, 'to') ?? '';
  if (p.toTag && parseNameAddr(to).params.tag === undefined) to = `${to};tag=${p.toTag}`;
  const headers: Array<[string, string]> = [
    ...getHeaders(req, 'via').map((v): [string, string] => ['Via', v]),
    ['From', getHeader(req, 'from') ?? ''], ['To', to], ['Call-ID', getHeader(req, 'call-id') ?? ''],
    ['CSeq', getHeader(req, 'cseq') ?? ''],
  ];
  if (p.contact) headers.push(['Contact', p.contact]);
  headers.push(['Allow', ALLOW], ['User-Agent', USER_AGENT]);
  if (p.body) headers.push(['Content-Type', p.body.contentType]);
  return serializeSipMessage({ startLine: `SIP/2.0 ${p.status} ${p.reason}`, headers, ...(p.body ? { body: p.body.text } : {}) });
}
