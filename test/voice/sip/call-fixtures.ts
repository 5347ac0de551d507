/** Shared pieces of the sipp-backed call tests: a default CallRequest and sipp lifecycle per test. */
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import type { CallRequest } from '../../../src/channels/voice/sip/place-call.ts';
import type { RtpPacket } from '../../../src/channels/voice/rtp/rtp-packet.ts';
import { startSipp, type SippOptions, type SippPeer } from './sipp-harness.ts';
import { syntheticPrompt } from './audio-fixtures.ts';

/** 1 s prompt = exactly 50 frames of 160 bytes. */
export const PROMPT = syntheticPrompt(1000);

export function callRequest(target: { ip: string; port: number; transport?: 'udp' | 'tcp' }, o: Partial<CallRequest> = {}): CallRequest {
  return {
    trunk: { name: 'sipp', host: target.ip, port: target.port, transport: target.transport ?? 'udp' },
    to: '41793026727',
    callerId: '+15550001',
    prompt: PROMPT,
    maxReplays: 3,
    ringTimeoutMs: 8000,
    noResponseTimeoutMs: 3000,
    maxCallMs: 30000,
    listenAfterPromptMs: 800,
    amd: { enabled: false, leaveMessageOnMachine: true, maxGreetingMs: 12000 },
    ...o,
  };
}

/** Start sipp for this test; it is killed by PID and its temp dir removed when the test ends, pass or fail. */
export async function sippFor(t: TestContext, opts: SippOptions): Promise<SippPeer> {
  const peer = await startSipp(opts);
  t.after(async () => {
    await peer.kill();
    peer.cleanup();
  });
  return peer;
}

/** sipp ran its scenario to the end (-m 1 → exit 0 = the one call succeeded from its point of view). */
export async function assertSippSucceeded(peer: SippPeer): Promise<void> {
  const exit = await peer.waitExit(8000);
  assert.ok(exit, `sipp still running\n${peer.describe()}`);
  assert.equal(exit.code, 0, `sipp exit ${exit.code}\n${peer.describe()}`);
}

/** Collects RTP packets through CallRequest.onRtpPacket. */
export function rtpRecorder(): { sent: RtpPacket[]; received: RtpPacket[]; tap: NonNullable<CallRequest['onRtpPacket']> } {
  const sent: RtpPacket[] = [];
  const received: RtpPacket[] = [];
  return {
    sent,
    received,
    tap: (direction, p) => (direction === 'sent' ? sent : received).push({ ...p, payload: Uint8Array.from(p.payload) }),
  };
}

/** Indexes in `frames` where the prompt's first frame starts a full, in-order copy of the prompt. */
export function promptStarts(frames: Uint8Array[], prompt: Uint8Array[]): number[] {
  const starts: number[] = [];
  for (let i = 0; i + prompt.length <= frames.length; i++) {
    if (prompt.every((f, k) => Buffer.compare(Buffer.from(f), Buffer.from(frames[i + k]!)) === 0)) starts.push(i);
  }
  return starts;
}
