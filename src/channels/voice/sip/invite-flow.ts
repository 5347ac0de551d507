/**
 * From the first INVITE to the answer (or the reason there was none): digest challenges
 * (§22.2/§22.3), provisional responses, the ring timeout with CANCEL (§9.1), a 200 racing that
 * CANCEL, the own no-response timer, transport failures and the caller's abort signal.
 */
import { buildAuthorizationHeader, parseDigestChallenge, supportsAlgorithm, type DigestChallenge, type DigestCredentials } from './digest.ts';
import type { SipCallLeg } from './sip-call-leg.ts';
import { getHeaders, type SipResponse } from './sip-message.ts';
import type { TransactionResult } from './client-transactions.ts';

/** After our CANCEL, wait this long for the INVITE's final response (487 or a racing 200). */
const FINAL_AFTER_CANCEL_MS = 8000;

export type InviteFlowResult =
  | { kind: 'answered'; response: SipResponse }
  | { kind: 'answered-after-cancel'; response: SipResponse; aborted: boolean }
  | { kind: 'rejected'; response: SipResponse; cancelledByUs: boolean }
  | { kind: 'auth-failed'; response: SipResponse; detail: string }
  | { kind: 'ring-timeout' }
  | { kind: 'no-response' }
  | { kind: 'transport-failure'; error: NodeJS.ErrnoException }
  | { kind: 'aborted' };

export interface InviteFlowOptions {
  credentials?: DigestCredentials;
  /** Preferred realm when a challenge offers several. */
  realm?: string;
  ringTimeoutMs: number;
  noResponseTimeoutMs: number;
  signal?: AbortSignal;
  onInvite(): void;
  onProvisional(response: SipResponse): void;
}

type AuthHeaderName = 'Authorization' | 'Proxy-Authorization';

function pickChallenge(res: SipResponse, header: string, realm: string | undefined): DigestChallenge | undefined {
  const all = getHeaders(res, header).map(parseDigestChallenge).filter((c): c is DigestChallenge => c !== undefined && supportsAlgorithm(c.algorithm));
  return all.find((c) => c.realm === realm) ?? all[0];
}

export async function runInviteFlow(leg: SipCallLeg, o: InviteFlowOptions): Promise<InviteFlowResult> {
  const auth = new Map<AuthHeaderName, string>();
  const staleRetries = new Map<AuthHeaderName, number>();
  // Why we want out: set by the ring timer or the abort signal; acted on once CANCEL is legal.
  // Read through a function: it is set from timer/abort callbacks, which TS narrowing cannot see.
  let giveUpReason: 'ring-timeout' | 'aborted' | undefined;
  const giveUp = (): typeof giveUpReason => giveUpReason;
  let cancelSent = false;
  let wake: (() => void) | undefined;
  const ringTimer = setTimeout(() => { giveUpReason ??= 'ring-timeout'; wake?.(); }, o.ringTimeoutMs);
  const onAbort = (): void => { giveUpReason ??= 'aborted'; wake?.(); };
  o.signal?.addEventListener('abort', onAbort);
  if (o.signal?.aborted) giveUpReason = 'aborted';

  try {
    for (;;) {
      if (giveUp() === 'aborted') return { kind: 'aborted' };
      o.onInvite();
      const tx = leg.sendInvite([...auth.entries()], o.noResponseTimeoutMs, (res) => { o.onProvisional(res); wake?.(); });
      let result: TransactionResult | { kind: 'transport'; error: NodeJS.ErrnoException } | undefined;
      let finalDeadline: NodeJS.Timeout | undefined;
      const transportFailure = leg.transportFailed.then((error) => ({ kind: 'transport' as const, error }));
      while (!result) {
        const woken = new Promise<undefined>((resolve) => { wake = () => resolve(undefined); });
        // The ring timer or abort fired: CANCEL as soon as a provisional made it legal (§9.1).
        if (giveUp() && !cancelSent && tx.gotResponse) {
          cancelSent = true;
          void leg.cancelInvite();
          finalDeadline = setTimeout(() => tx.stop(), FINAL_AFTER_CANCEL_MS);
        }
        // Nothing received yet and the caller aborted: no CANCEL possible, just stop.
        if (giveUp() === 'aborted' && !tx.gotResponse) tx.stop();
        result = await Promise.race([tx.result, transportFailure, woken]);
      }
      wake = undefined;
      clearTimeout(finalDeadline);

      if (result.kind === 'transport') { tx.stop(); return { kind: 'transport-failure', error: result.error }; }
      if (result.kind === 'timeout') return { kind: 'no-response' };
      if (result.kind === 'stopped') return giveUp() === 'aborted' ? { kind: 'aborted' } : { kind: 'ring-timeout' };

      const res = result.response;
      if (res.status < 300) {
        if (cancelSent) return { kind: 'answered-after-cancel', response: res, aborted: giveUp() === 'aborted' };
        return { kind: 'answered', response: res };
      }
      if (cancelSent && giveUp() === 'aborted') return { kind: 'aborted' };
      if ((res.status === 401 || res.status === 407) && !giveUp()) {
        const headerName: AuthHeaderName = res.status === 401 ? 'Authorization' : 'Proxy-Authorization';
        const challenge = pickChallenge(res, res.status === 401 ? 'www-authenticate' : 'proxy-authenticate', o.realm);
        if (!o.credentials) return { kind: 'auth-failed', response: res, detail: 'challenged but the trunk has no credentials' };
        if (!challenge) return { kind: 'auth-failed', response: res, detail: 'no supported digest challenge' };
        // A second challenge for credentials we already sent means they were wrong, unless the
        // server only says our nonce went stale (§22.4, RFC 2617 §3.2.1); allow one such refresh.
        if (auth.has(headerName)) {
          const stale = staleRetries.get(headerName) ?? 0;
          if (!challenge.stale || stale >= 1) return { kind: 'auth-failed', response: res, detail: 'credentials rejected' };
          staleRetries.set(headerName, stale + 1);
        }
        auth.set(headerName, buildAuthorizationHeader(challenge, o.credentials, { method: 'INVITE', uri: leg.id.requestUri }));
        continue; // §22.2: new INVITE, same Call-ID and From tag, CSeq+1, new branch
      }
      return { kind: 'rejected', response: res, cancelledByUs: cancelSent };
    }
  } finally {
    clearTimeout(ringTimer);
    o.signal?.removeEventListener('abort', onAbort);
  }
}
