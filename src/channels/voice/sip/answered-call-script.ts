/**
 * What happens once the call is answered: play the prompt, replay it on the repeat DTMF sequence,
 * run answering-machine detection, and decide when to hang up.
 *
 * Driven by the RTP sender's 20 ms clock: `nextPayload` is called once per slot and returns what
 * to send, so playback, timers and AMD share one drift-free time base (ms since answer).
 *
 * Design choice (docs/voice-sip.md): the prompt starts immediately on answer, so a person hears it
 * without dead air. When AMD says MACHINE, playback stops; with leaveMessageOnMachine the prompt
 * restarts from the top once the greeting (and its beep) ended, otherwise we hang up at once.
 * The call never ends before AMD has decided, so a short prompt cannot hide a machine.
 */
import { AnsweringMachineDetector, type AmdVerdict } from '../amd.ts';
import { decodeG711, silenceFrame } from '../rtp/g711-frames.ts';
import { RepeatSequenceMatcher } from '../rtp/dtmf.ts';
import type { G711Codec } from './sdp.ts';

/** After the last allowed play (or a message left on a machine) we wait only this long. */
const FINAL_TAIL_MS = 500;

export interface AnsweredCallOptions {
  codec: G711Codec;
  frames: Uint8Array[];
  repeatDTMF?: string;
  maxReplays: number;
  listenAfterPromptMs: number;
  amd: { enabled: boolean; leaveMessageOnMachine: boolean; maxGreetingMs: number };
  onEvent(type: 'dtmf' | 'replay', detail: string): void;
}

type PlayState =
  | { kind: 'playing'; position: number }
  | { kind: 'listening'; untilMs: number }
  | { kind: 'awaiting-greeting-end' };

export class AnsweredCallScript {
  private state: PlayState = { kind: 'playing', position: 0 };
  private replays = 0;
  private machineHandled = false;
  private messageLeftOnMachine = false;
  private readonly amd: AnsweringMachineDetector | undefined;
  private readonly matcher: RepeatSequenceMatcher;
  private readonly silence: Uint8Array;
  private finish: (() => void) | undefined;
  /** Resolves when the script wants to hang up. */
  readonly done: Promise<void>;

  constructor(private readonly opts: AnsweredCallOptions) {
    this.amd = opts.amd.enabled ? new AnsweringMachineDetector() : undefined;
    this.matcher = new RepeatSequenceMatcher(opts.repeatDTMF);
    this.silence = silenceFrame(opts.codec);
    this.done = new Promise((resolve) => { this.finish = resolve; });
    if (opts.frames.length === 0) this.state = { kind: 'listening', untilMs: this.listenWindowMs() };
  }

  get dtmfDigits(): string { return this.matcher.all; }
  get dtmfRepeats(): number { return this.replays; }
  /** UNKNOWN when AMD ran but the call ended before it decided; undefined when AMD is off. */
  get amdVerdict(): AmdVerdict | undefined { return this.amd ? (this.amd.verdict ?? 'UNKNOWN') : undefined; }

  /** Inbound audio (the negotiated codec's payload), `atMs` after answer. */
  onAudio(payload: Uint8Array, codec: G711Codec, atMs: number): void {
    this.amd?.pushFrame(decodeG711(payload, codec), atMs);
  }

  onDigit(digit: string, atMs: number): void {
    this.opts.onEvent('dtmf', digit);
    this.amd?.pushDtmf(atMs);
    if (this.matcher.push(digit) && this.replays < this.opts.maxReplays) {
      this.replays++;
      this.opts.onEvent('replay', String(this.replays));
      // Stop the current play (if any) and start over from the first frame.
      this.state = { kind: 'playing', position: 0 };
    }
  }

  /** One 20 ms slot starting `mediaMs` after answer: returns the payload to send. */
  nextPayload(mediaMs: number): Uint8Array {
    this.amd?.tick(mediaMs);
    this.followAmd(mediaMs);
    const state = this.state;
    if (state.kind === 'playing') {
      const frame = this.opts.frames[state.position] ?? this.silence;
      state.position++;
      if (state.position >= this.opts.frames.length) {
        this.state = { kind: 'listening', untilMs: mediaMs + 20 + this.listenWindowMs() };
      }
      return frame;
    }
    if (state.kind === 'listening' && mediaMs >= state.untilMs && this.amdSettled()) this.finish?.();
    return this.silence;
  }

  private followAmd(mediaMs: number): void {
    if (!this.amd) return;
    const verdict = this.amd.verdict;
    if (verdict === 'MACHINE' && !this.machineHandled) {
      this.machineHandled = true;
      if (!this.opts.amd.leaveMessageOnMachine) return this.finish?.();
      this.state = { kind: 'awaiting-greeting-end' };
    }
    if (this.state.kind !== 'awaiting-greeting-end') return;
    // A DTMF flipped the verdict to HUMAN, or the greeting is over: (re)start the prompt.
    if (verdict !== 'MACHINE' || this.amd.greetingEnded(mediaMs, this.opts.amd.maxGreetingMs)) {
      this.messageLeftOnMachine = verdict === 'MACHINE';
      this.state = { kind: 'playing', position: 0 };
    }
  }

  /** With AMD on, do not hang up before it decided (its own window caps the wait). */
  private amdSettled(): boolean {
    return !this.amd || this.amd.verdict !== undefined;
  }

  private listenWindowMs(): number {
    const noMoreReplays = !this.opts.repeatDTMF || this.replays >= this.opts.maxReplays || this.messageLeftOnMachine;
    return noMoreReplays ? Math.min(FINAL_TAIL_MS, this.opts.listenAfterPromptMs) : this.opts.listenAfterPromptMs;
  }
}
