/**
 * Place one voice call over a SIP trunk and deliver a prompt: the public entry point of the SIP/RTP
 * stack. See docs/voice-sip.md for what is implemented, timers, defaults and the status table.
 */
import { performance } from 'node:perf_hooks';
import type { CallStatus } from '../../../domain/delivery-status.ts';
import { frameG711 } from '../rtp/g711-frames.ts';
import { RtpSession, type RtpTap } from '../rtp/rtp-session.ts';
import { digitsFromInfoBody, TelephoneEventDeduplicator } from '../rtp/dtmf.ts';
import { AnsweredCallScript } from './answered-call-script.ts';
import { runInviteFlow, type InviteFlowResult } from './invite-flow.ts';
import { createCallIdentity } from './request-factory.ts';
import { buildSdpOffer, parseSdpAnswer, type NegotiatedMedia } from './sdp.ts';
import { SipCallLeg } from './sip-call-leg.ts';
import { q850Cause } from './sip-header-values.ts';
import { getHeaders, type SipResponse } from './sip-message.ts';
import { mapCallOutcome, type CallOutcome } from './status-mapping.ts';
import { defaultLocalAddress, openTransport, type SipTransport } from './transport.ts';

export type { RtpTap } from '../rtp/rtp-session.ts';
export type { RtpPacket } from '../rtp/rtp-packet.ts';

export interface SipTrunk { name: string; host: string; port: number; transport: 'udp' | 'tcp'; username?: string; password?: string; realm?: string; fromDomain?: string; }
export interface CallRequest {
  trunk: SipTrunk;
  to: string;             // digits, e.g. '41793026727'
  callerId: string;       // digits (optionally leading +), goes into From user part
  localAddress?: string;  // bind address for SIP and RTP sockets, default '127.0.0.1' if trunk host is loopback else '0.0.0.0'
  prompt: { pcmu: Uint8Array; pcma: Uint8Array };  // whole prompt, 8 kHz G.711; you frame it into 160-byte frames
  repeatDTMF?: string;    // e.g. '1#': when the callee keys this sequence, the prompt is replayed
  maxReplays: number;     // cap on replays (documented default 3)
  ringTimeoutMs: number;  // CANCEL after this long without answer (only after a provisional)
  noResponseTimeoutMs: number; // own timer: no response at all to INVITE → network not available (not RFC's fixed 32 s)
  maxCallMs: number;
  listenAfterPromptMs: number; // how long to wait for the repeat DTMF after each play before BYE
  amd: { enabled: boolean; leaveMessageOnMachine: boolean; maxGreetingMs: number };
  signal?: AbortSignal;
  onEvent?: (e: { type: 'invite' | 'provisional' | 'answered' | 'dtmf' | 'replay' | 'ended'; at: number; detail?: string }) => void;
  /** Optional tap on every RTP packet sent and received (tests, recording, debugging). */
  onRtpPacket?: RtpTap;
}
export interface CallResult {
  status: CallStatus;          // from the seed's list, per the reference's mapping table
  sipCode?: number; reason?: string; // final SIP response code/phrase (200 for answered)
  trunkFailure: boolean;       // true when another trunk should be tried: no response, ICMP refused/TCP connect failure, 5xx (500/502/503/504)
  invitedAt: number; ringingAt?: number; answeredAt?: number; endedAt: number;  // Date.now() ms
  dtmfDigits: string; dtmfRepeats: number; amdVerdict?: 'HUMAN' | 'MACHINE' | 'UNKNOWN';
  codec?: 'PCMU' | 'PCMA'; framesSent: number; lateFramesOver5ms: number; maxLatenessMs: number;
  callId: string; remoteRtp?: { address: string; port: number };
}

/** Documented default for CallRequest.maxReplays. */
export const DEFAULT_MAX_REPLAYS = 3;

export async function placeCall(req: CallRequest): Promise<CallResult> {
  const emit = (type: Parameters<NonNullable<CallRequest['onEvent']>>[0]['type'], detail?: string): void =>
    req.onEvent?.({ type, at: Date.now(), ...(detail !== undefined ? { detail } : {}) });
  const invitedAt = Date.now();
  const localAddress = req.localAddress ?? defaultLocalAddress(req.trunk.host);
  const result: CallResult = {
    status: 'ERROR', trunkFailure: false, invitedAt, endedAt: invitedAt, dtmfDigits: '', dtmfRepeats: 0,
    framesSent: 0, lateFramesOver5ms: 0, maxLatenessMs: 0, callId: '',
  };
  const finish = (outcome: CallOutcome, response?: SipResponse, reason?: string): CallResult => {
    Object.assign(result, mapCallOutcome(outcome), { endedAt: Date.now() });
    if (response) { result.sipCode = response.status; result.reason = response.reason; }
    if (reason !== undefined) result.reason = reason;
    emit('ended', result.status);
    return result;
  };

  let rtp: RtpSession | undefined;
  let transport: SipTransport | undefined;
  let leg: SipCallLeg | undefined;
  try {
    rtp = await RtpSession.open(localAddress, req.onRtpPacket);
    let failed: NodeJS.ErrnoException | undefined;
    try {
      transport = await openTransport(req.trunk.transport, {
        host: req.trunk.host, port: req.trunk.port, localAddress, connectTimeoutMs: req.noResponseTimeoutMs,
      }, {
        onMessage: (m) => leg?.handleMessage(m),
        onError: (e) => { if (leg) leg.handleTransportError(e); else failed ??= e; },
      });
    } catch (err) {
      return finish({ kind: 'transport-failure' }, undefined, `${req.trunk.transport.toUpperCase()} transport: ${(err as Error).message}`);
    }
    // With a wildcard bind, the connected socket knows the real source address to advertise.
    const advertised = /^(0\.0\.0\.0|::)$/.test(localAddress) ? transport.local.address : localAddress;
    const id = createCallIdentity({
      trunkHost: req.trunk.host, trunkPort: req.trunk.port, ...(req.trunk.fromDomain ? { fromDomain: req.trunk.fromDomain } : {}),
      to: req.to, callerId: req.callerId, protocol: transport.protocol, local: transport.local,
    });
    result.callId = id.callId;
    const sdpOffer = buildSdpOffer({ address: advertised, rtpPort: rtp.localPort, sessionId: Date.now(), version: 1 });
    leg = new SipCallLeg(transport, id, sdpOffer);
    if (failed) leg.handleTransportError(failed);

    let earlySdp: string | undefined;
    const credentials = req.trunk.username !== undefined && req.trunk.password !== undefined
      ? { username: req.trunk.username, password: req.trunk.password } : undefined;
    const flow = await runInviteFlow(leg, {
      ...(credentials ? { credentials } : {}),
      ...(req.trunk.realm ? { realm: req.trunk.realm } : {}),
      ...(req.signal ? { signal: req.signal } : {}),
      ringTimeoutMs: req.ringTimeoutMs,
      noResponseTimeoutMs: req.noResponseTimeoutMs,
      onInvite: () => emit('invite'),
      onProvisional: (res) => {
        if (res.status > 100) result.ringingAt ??= Date.now();
        // 183 with SDP is early media (announcements, ringback): listen, but it is not an answer.
        if (res.body.length > 0) earlySdp = res.body.toString('utf8');
        emit('provisional', `${res.status} ${res.reason}`);
      },
    });
    return await settleFlow(flow, leg, rtp, earlySdp, req, result, finish, emit, credentials);
  } catch (err) {
    return finish({ kind: 'internal-error' }, undefined, `internal error: ${(err as Error).message}`);
  } finally {
    rtp?.close();
    if (leg) leg.close(); else transport?.close();
  }
}

type Finish = (outcome: CallOutcome, response?: SipResponse, reason?: string) => CallResult;
type Emit = (type: 'answered' | 'dtmf' | 'replay', detail?: string) => void;

async function settleFlow(
  flow: InviteFlowResult, leg: SipCallLeg, rtp: RtpSession, earlySdp: string | undefined, req: CallRequest,
  result: CallResult, finish: Finish, emit: Emit, credentials: { username: string; password: string } | undefined,
): Promise<CallResult> {
  switch (flow.kind) {
    case 'answered':
      break;
    case 'answered-after-cancel':
      // 200 crossed our CANCEL: the dialog exists, so ACK it and hang up at once (§15).
      leg.confirm(flow.response);
      await leg.sendBye(credentials);
      return finish(flow.aborted ? { kind: 'aborted' } : { kind: 'answered-after-cancel' }, flow.response, 'answered after CANCEL');
    case 'rejected': {
      const cause = q850Cause(getHeaders(flow.response, 'reason'));
      return finish({ kind: 'rejected', sipCode: flow.response.status, cancelledByUs: flow.cancelledByUs, ...(cause !== undefined ? { q850Cause: cause } : {}) }, flow.response);
    }
    case 'auth-failed':
      return finish({ kind: 'auth-failed', sipCode: flow.response.status }, flow.response, flow.detail);
    case 'ring-timeout':
      return finish({ kind: 'ring-timeout' }, undefined, 'ring timeout: no final response after CANCEL');
    case 'no-response':
      return finish({ kind: 'no-response' }, undefined, `no response to INVITE within ${req.noResponseTimeoutMs} ms`);
    case 'transport-failure':
      return finish({ kind: 'transport-failure' }, undefined, `transport: ${flow.error.code ?? flow.error.message}`);
    case 'aborted':
      return finish({ kind: 'aborted' }, undefined, 'aborted');
  }

  const answer = flow.response;
  result.answeredAt = Date.now();
  leg.confirm(answer);
  emit('answered');
  const negotiated = parseSdpAnswer(answer.body.length > 0 ? answer.body.toString('utf8') : earlySdp ?? '');
  if (!negotiated.ok) {
    await leg.sendBye(credentials);
    return finish({ kind: 'media-failure' }, answer, negotiated.reason);
  }
  const media = negotiated.media;
  result.codec = media.codec;
  result.remoteRtp = { address: media.remoteAddress, port: media.remotePort };
  const ended = await runAnsweredCall(leg, rtp, media, req, result, emit);
  if (ended !== 'remote-bye' && ended !== 'transport') await leg.sendBye(credentials);
  Object.assign(result, rtp.sendStats());
  return finish({ kind: 'answered', machine: result.amdVerdict === 'MACHINE' }, answer);
}

/** Media phase: returns why it ended. */
async function runAnsweredCall(
  leg: SipCallLeg, rtp: RtpSession, media: NegotiatedMedia, req: CallRequest, result: CallResult, emit: Emit,
): Promise<'script' | 'remote-bye' | 'max-call' | 'aborted' | 'transport'> {
  const script = new AnsweredCallScript({
    codec: media.codec,
    frames: frameG711(media.codec === 'PCMU' ? req.prompt.pcmu : req.prompt.pcma, media.codec),
    ...(req.repeatDTMF ? { repeatDTMF: req.repeatDTMF } : {}),
    maxReplays: req.maxReplays,
    listenAfterPromptMs: req.listenAfterPromptMs,
    amd: req.amd,
    onEvent: (type, detail) => emit(type, detail),
  });
  // One time base for playback, timers, AMD and DTMF: the RTP stream's origin once it started
  // (the pacer starts it within one 20 ms period of the answer), the answer itself until then.
  let startedAt = performance.now();
  const sinceAnswer = (): number => Math.max(0, performance.now() - startedAt);
  const dedup = new TelephoneEventDeduplicator();
  rtp.onPacket = (packet) => {
    if (packet.payloadType === media.telephoneEventPt) {
      const digit = dedup.accept(packet);
      if (digit) script.onDigit(digit, sinceAnswer());
    } else if ((packet.payloadType === 0 || packet.payloadType === 8) && packet.payload.length > 0) {
      script.onAudio(packet.payload, packet.payloadType === 0 ? 'PCMU' : 'PCMA', sinceAnswer());
    }
  };
  let remoteBye: (() => void) | undefined;
  const byeReceived = new Promise<'remote-bye'>((resolve) => { remoteBye = () => resolve('remote-bye'); });
  leg.onInbound = (event) => {
    if (event.kind === 'bye') return remoteBye?.();
    for (const digit of digitsFromInfoBody(event.contentType, event.body)) script.onDigit(digit, sinceAnswer());
  };
  let maxCallTimer: NodeJS.Timeout | undefined;
  const maxCall = new Promise<'max-call'>((resolve) => { maxCallTimer = setTimeout(() => resolve('max-call'), req.maxCallMs); });
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<'aborted'>((resolve) => {
    onAbort = () => resolve('aborted');
    if (req.signal?.aborted) onAbort(); else req.signal?.addEventListener('abort', onAbort, { once: true });
  });

  startedAt = rtp.startSending({ address: media.remoteAddress, port: media.remotePort, payloadType: media.payloadType, nextPayload: (ms) => script.nextPayload(ms) });
  try {
    return await Promise.race([
      script.done.then(() => 'script' as const), byeReceived, maxCall, aborted,
      leg.transportFailed.then(() => 'transport' as const),
    ]);
  } finally {
    rtp.stopSending();
    clearTimeout(maxCallTimer);
    if (onAbort) req.signal?.removeEventListener('abort', onAbort);
    leg.onInbound = undefined;
    result.dtmfDigits = script.dtmfDigits;
    result.dtmfRepeats = script.dtmfRepeats;
    const verdict = script.amdVerdict;
    if (verdict) result.amdVerdict = verdict;
  }
}
