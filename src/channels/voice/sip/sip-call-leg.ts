/**
 * The signaling side of one outbound call: owns the transport, routes responses to client
 * transactions by Via branch (§17.1.3), keeps the dialog (§12), ACKs 2xx (§13.2.2.4) and answers
 * the far end's requests (BYE, OPTIONS, INFO, re-INVITE) as a UA core would (§8.2, §12.2.2, §15.1.2).
 */
import { InviteClientTransaction, NonInviteClientTransaction, type TransactionResult } from './client-transactions.ts';
import { parseDigestChallenge, buildAuthorizationHeader, type DigestCredentials } from './digest.ts';
import {
  buildCancel, buildInDialogRequest, buildInvite, buildNon2xxAck, buildResponse, dialogFromResponse,
  type CallIdentity, type DialogState, type ResponseParams,
} from './request-factory.ts';
import { newBranch, newTag, parseVia } from './sip-header-values.ts';
import { getCSeq, getHeader, getHeaders, type SipMessage, type SipRequest, type SipResponse } from './sip-message.ts';
import type { SipTransport } from './transport.ts';

/** How long BYE/CANCEL wait for their final response before we stop caring (Timer F is 32 s). */
const NON_INVITE_TIMEOUT_MS = 4000;

export type InboundEvent =
  | { kind: 'bye' }
  | { kind: 'info'; contentType: string; body: string };

export class SipCallLeg {
  private readonly transactions = new Map<string, InviteClientTransaction | NonInviteClientTransaction>();
  private cseq = 0;
  private ack2xx: string | undefined;
  private dialog: DialogState | undefined;
  /** Credentials of the last successful INVITE, reused for ACK and in-dialog requests (§22.3). */
  private auth: Array<[string, string]> = [];
  private lastInvite: { cseq: number; branch: string } | undefined;
  private failTransport: ((err: NodeJS.ErrnoException) => void) | undefined;
  /** Settles when the transport fails (ICMP refused, TCP reset…); never rejects. */
  readonly transportFailed: Promise<NodeJS.ErrnoException>;
  onInbound: ((event: InboundEvent) => void) | undefined;

  constructor(
    private readonly transport: SipTransport,
    readonly id: CallIdentity,
    private readonly sdpOffer: string,
  ) {
    this.transportFailed = new Promise((resolve) => { this.failTransport = resolve; });
  }

  handleTransportError(err: NodeJS.ErrnoException): void {
    this.failTransport?.(err);
  }

  handleMessage(msg: SipMessage): void {
    if (msg.kind === 'response') this.handleResponse(msg);
    else this.handleRequest(msg);
  }

  private handleResponse(res: SipResponse): void {
    const topVia = getHeaders(res, 'via')[0];
    let branch: string | undefined;
    try { branch = topVia ? parseVia(topVia).params.branch : undefined; } catch { return; }
    const { method } = getCSeq(res);
    // A retransmitted 2xx to INVITE means our ACK got lost: send it again (§13.2.2.4).
    if (method === 'INVITE' && res.status >= 200 && res.status < 300 && this.ack2xx && getHeader(res, 'call-id') === this.id.callId) {
      this.transport.send(this.ack2xx);
    }
    const tx = branch ? this.transactions.get(`${branch}:${method}`) : undefined;
    tx?.handleResponse(res);
  }

  sendInvite(auth: Array<[string, string]>, noResponseTimeoutMs: number, onProvisional: (r: SipResponse) => void): InviteClientTransaction {
    const invite = { cseq: ++this.cseq, branch: newBranch() };
    this.auth = auth;
    const tx = new InviteClientTransaction({
      inviteText: buildInvite(this.id, { ...invite, sdp: this.sdpOffer, auth }),
      send: (text) => this.transport.send(text),
      reliable: this.transport.reliable,
      noResponseTimeoutMs,
      buildNon2xxAck: (res) => buildNon2xxAck(this.id, invite, res),
      onProvisional,
    });
    this.transactions.set(`${invite.branch}:INVITE`, tx);
    this.lastInvite = invite;
    tx.start();
    return tx;
  }

  /** CANCEL the last INVITE (§9.1); only legal once it got a provisional response. */
  cancelInvite(): Promise<TransactionResult> {
    if (!this.lastInvite) return Promise.resolve({ kind: 'stopped' });
    const tx = new NonInviteClientTransaction({
      requestText: buildCancel(this.id, this.lastInvite),
      send: (text) => this.transport.send(text),
      reliable: this.transport.reliable,
      timeoutMs: NON_INVITE_TIMEOUT_MS,
    });
    this.transactions.set(`${this.lastInvite.branch}:CANCEL`, tx);
    tx.start();
    return tx.result;
  }

  /** Enter the dialog from a 2xx and ACK it: a new transaction to the remote target (§13.2.2.4). */
  confirm(res: SipResponse): void {
    this.dialog = dialogFromResponse(this.id, res);
    const { seq } = getCSeq(res);
    this.ack2xx = buildInDialogRequest(this.id, this.dialog, { method: 'ACK', cseq: seq, branch: newBranch(), auth: this.auth });
    this.transport.send(this.ack2xx);
  }

  /** BYE with the next CSeq (§15.1.1); answers one 401/407 on it, as a proxy may challenge any request. */
  async sendBye(credentials: DigestCredentials | undefined): Promise<TransactionResult> {
    const dialog = this.dialog;
    if (!dialog) return { kind: 'stopped' };
    let auth: Array<[string, string]> = [];
    for (let attempt = 0; attempt < 2; attempt++) {
      const cseq = ++this.cseq;
      const branch = newBranch();
      const tx = new NonInviteClientTransaction({
        requestText: buildInDialogRequest(this.id, dialog, { method: 'BYE', cseq, branch, auth }),
        send: (text) => this.transport.send(text),
        reliable: this.transport.reliable,
        timeoutMs: NON_INVITE_TIMEOUT_MS,
      });
      this.transactions.set(`${branch}:BYE`, tx);
      tx.start();
      const result = await tx.result;
      if (result.kind !== 'final' || ![401, 407].includes(result.response.status) || !credentials) return result;
      const isProxy = result.response.status === 407;
      const challenge = getHeaders(result.response, isProxy ? 'proxy-authenticate' : 'www-authenticate')
        .map(parseDigestChallenge).find((c) => c !== undefined);
      if (!challenge) return result;
      const uri = dialog.remoteTarget;
      auth = [[isProxy ? 'Proxy-Authorization' : 'Authorization', buildAuthorizationHeader(challenge, credentials, { method: 'BYE', uri })]];
    }
    return { kind: 'stopped' };
  }

  /** Requests from the far end. Out-of-dialog OPTIONS are keep-alive pings and get a 200 too. */
  private handleRequest(req: SipRequest): void {
    if (req.method === 'ACK') return; // for our 200 to a re-INVITE; nothing to do
    const inDialog = getHeader(req, 'call-id') === this.id.callId;
    const reply = (status: number, reason: string, extra: Omit<ResponseParams, 'status' | 'reason'> = {}): void =>
      this.transport.send(buildResponse(req, { status, reason, ...extra }));
    if (req.method === 'OPTIONS') return reply(200, 'OK', inDialog ? {} : { toTag: newTag() });
    if (!inDialog || !this.dialog) return reply(481, 'Call/Transaction Does Not Exist', { toTag: newTag() });
    switch (req.method) {
      case 'BYE':
        reply(200, 'OK');
        return this.onInbound?.({ kind: 'bye' });
      case 'INFO':
        reply(200, 'OK');
        return this.onInbound?.({ kind: 'info', contentType: getHeader(req, 'content-type') ?? '', body: req.body.toString('utf8') });
      case 'INVITE':
        // Session refresh or hold: we keep the media as negotiated and answer with the same SDP (RFC 3264 §8).
        return reply(200, 'OK', { contact: this.id.contact, body: { contentType: 'application/sdp', text: this.sdpOffer } });
      case 'CANCEL':
        return reply(481, 'Call/Transaction Does Not Exist');
      default:
        return reply(501, 'Not Implemented');
    }
  }

  close(): void {
    for (const tx of this.transactions.values()) tx.stop();
    this.transactions.clear();
    this.transport.close();
  }
}
