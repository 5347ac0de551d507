/**
 * Answering-machine detection from the first seconds of inbound audio. Pure: the caller feeds
 * decoded 20 ms frames with the time (ms since answer) they arrived, and calls `tick` on its own
 * clock so that "no packets at all" still counts as silence.
 *
 * The heuristic is the one telephony systems have used for decades (Asterisk's AMD() has the same
 * knobs): a person answers with a short "Hello?" and waits; a voicemail greeting talks for
 * seconds without a real pause. Energy VAD: a frame is voice when its RMS reaches a threshold.
 *
 * - an utterance (voice, with pauses shorter than `endOfUtteranceSilenceMs`) longer than
 *   `machineSpeechMs` → MACHINE
 * - an utterance of at least `minUtteranceMs` followed by `endOfUtteranceSilenceMs` of silence → HUMAN
 * - any DTMF → HUMAN (also overrides an earlier MACHINE: only a person presses keys)
 * - no voice within `initialSilenceMs`, or no decision within `maxDecisionMs` → UNKNOWN
 */

export type AmdVerdict = 'HUMAN' | 'MACHINE' | 'UNKNOWN';

export interface AmdParams {
  /** RMS of 16-bit samples at or above which a frame is voice (≈ -38 dBFS by default). */
  energyThreshold: number;
  /** No voice at all this long after answer: a silent listener (or a dead line) → UNKNOWN. */
  initialSilenceMs: number;
  /** An utterance this long without a pause ends the analysis as MACHINE. */
  machineSpeechMs: number;
  /** A pause this long ends an utterance (and, after MACHINE, the greeting). */
  endOfUtteranceSilenceMs: number;
  /** Voice shorter than this in total is a click or line noise, not speech. */
  minUtteranceMs: number;
  /** Hard cap on the decision window. */
  maxDecisionMs: number;
}

export const DEFAULT_AMD_PARAMS: AmdParams = {
  energyThreshold: 400,
  initialSilenceMs: 2500,
  machineSpeechMs: 2500,
  endOfUtteranceSilenceMs: 800,
  minUtteranceMs: 100,
  maxDecisionMs: 5000,
};

const FRAME_MS = 20;

/** Root mean square of a frame of 16-bit samples. */
export function frameRms(samples: ArrayLike<number>): number {
  if (samples.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i]! * samples[i]!;
  return Math.sqrt(sum / samples.length);
}

export class AnsweringMachineDetector {
  private readonly params: AmdParams;
  private decided: AmdVerdict | undefined;
  private decidedAtMs: number | undefined;
  private utteranceStartMs: number | undefined;
  private utteranceVoicedMs = 0;
  private lastVoiceAtMs: number | undefined;
  private framesSeen = 0;

  constructor(params: Partial<AmdParams> = {}) {
    this.params = { ...DEFAULT_AMD_PARAMS, ...params };
  }

  get verdict(): AmdVerdict | undefined {
    return this.decided;
  }

  get verdictAtMs(): number | undefined {
    return this.decidedAtMs;
  }

  /** Audio frames analysed so far (0 means the far end sent no audio). */
  get frames(): number {
    return this.framesSeen;
  }

  /** One decoded frame that arrived `atMs` after answer (the frame's end). */
  pushFrame(samples: ArrayLike<number>, atMs: number): void {
    this.framesSeen++;
    if (frameRms(samples) >= this.params.energyThreshold) {
      this.utteranceStartMs ??= atMs - FRAME_MS;
      this.utteranceVoicedMs += FRAME_MS;
      this.lastVoiceAtMs = atMs;
    }
    this.tick(atMs);
  }

  /** A DTMF digit arrived: only people press keys. */
  pushDtmf(atMs: number): void {
    if (this.decided !== 'HUMAN') this.decide('HUMAN', atMs);
  }

  /** Re-evaluate at `atMs` (ms since answer); call it on a timer even when no audio arrives. */
  tick(atMs: number): void {
    if (this.decided) return;
    const p = this.params;
    if (this.utteranceStartMs !== undefined && this.lastVoiceAtMs !== undefined) {
      if (this.lastVoiceAtMs - this.utteranceStartMs >= p.machineSpeechMs) return this.decide('MACHINE', atMs);
      if (atMs - this.lastVoiceAtMs >= p.endOfUtteranceSilenceMs) {
        if (this.utteranceVoicedMs >= p.minUtteranceMs) return this.decide('HUMAN', atMs);
        // Too little voice: noise. Forget it and keep listening.
        this.utteranceStartMs = undefined;
        this.utteranceVoicedMs = 0;
      }
    } else if (atMs >= p.initialSilenceMs) {
      return this.decide('UNKNOWN', atMs);
    }
    if (atMs >= p.maxDecisionMs) this.decide('UNKNOWN', atMs);
  }

  /**
   * After MACHINE: has the greeting ended? True after `endOfUtteranceSilenceMs` without voice
   * (the beep counts as voice, so this lands after it), or once `maxGreetingMs` since answer passed.
   */
  greetingEnded(atMs: number, maxGreetingMs: number): boolean {
    if (atMs >= maxGreetingMs) return true;
    return this.lastVoiceAtMs === undefined || atMs - this.lastVoiceAtMs >= this.params.endOfUtteranceSilenceMs;
  }

  private decide(verdict: AmdVerdict, atMs: number): void {
    this.decided = verdict;
    this.decidedAtMs = atMs;
  }
}
