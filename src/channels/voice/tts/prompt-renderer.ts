import type { Language } from '../../../domain/languages.ts';
import { defaultVoice, findVoice, type VoiceInfo } from '../../../domain/voice-catalog.ts';
import { concatPcm, prepareClip, samplesToMs, silence } from './audio-clip.ts';
import { ClipCache, type ClipCacheStats } from './clip-cache.ts';
import { startEnginesInThread } from './engine-thread.ts';
import { startEnginesHere } from './engines.ts';
import { normalizeSpeechRate, pinCharacters, speakableFragment, spokenCharacter, type PauseKind } from './speech-text.ts';

export interface PromptRequest {
  textParts: string[];
  pin: string;
  language: Language;
  voiceName: string;
  speechRate: number;
}

export interface RenderedPrompt {
  /** 8000 Hz mono. */
  pcm: Int16Array;
  durationMs: number;
}

export interface PromptRenderer {
  render(req: PromptRequest): Promise<RenderedPrompt>;
  /** Fresh synthesis of the whole text (PIN spelled) without any cache: used only by benchmarks. */
  renderUncached(req: PromptRequest): Promise<RenderedPrompt>;
  close(): Promise<void>;
}

export interface PromptRendererStats extends ClipCacheStats {
  /** Engine runs since start, cached or not; a prompt assembled from the cache adds none. */
  syntheses: number;
}

/** The renderer as created; `cacheStats` is for tests, benchmarks and /metrics. */
export interface CachingPromptRenderer extends PromptRenderer {
  cacheStats(): PromptRendererStats;
}

/** Enough for every character and a few templates of ~90 voice/rate combinations. */
const DEFAULT_MAX_CACHE_BYTES = 64 * 1024 * 1024;

/** Pauses at speechRate 1, in ms; all of them shrink and grow with the rate like the speech. */
const PAUSE_MS = {
  leadIn: 200,
  beforePin: 350,
  betweenPinCharacters: 320,
  afterPin: { none: 250, comma: 400, sentence: 650 } satisfies Record<PauseKind, number>,
  betweenFragments: 250,
  tail: 300,
};

type SpokenItem = { kind: 'text'; text: string } | { kind: 'character'; character: string };
type PromptItem = SpokenItem | { kind: 'pause'; ms: number };

/**
 * Turns a voice message into 8 kHz PCM: textParts[0], the PIN, textParts[1], … (the message is
 * textParts.join(pin)). Each PIN character is its own clip with pauses between them, so a call
 * for a new PIN is assembled from cached clips without running an engine.
 */
export async function createPromptRenderer(opts: { maxCacheBytes?: number; engineThread?: boolean } = {}): Promise<CachingPromptRenderer> {
  // The engines run on a thread of their own unless asked not to (engine-thread.ts).
  const engines = await (opts.engineThread === false ? startEnginesHere() : startEnginesInThread());
  const { flite, espeak } = engines;
  const cache = new ClipCache(opts.maxCacheBytes ?? DEFAULT_MAX_CACHE_BYTES);
  let syntheses = 0;
  let closed = false;

  async function synthesizeClip(item: SpokenItem, text: string, voice: VoiceInfo, rate: number): Promise<Int16Array> {
    syntheses++;
    const clip = prepareClip(await engines[voice.engine.kind].synthesize(text, voice.engine.voice, rate));
    // Text the voice cannot read (Chinese for an English voice) is skipped rather than failing
    // the call; a PIN character that comes out silent would make the call useless.
    if (clip.length === 0 && item.kind === 'character') {
      throw new Error(`voice ${voice.name} produced no audio for PIN character ${item.character}`);
    }
    return clip;
  }

  async function renderWith(req: PromptRequest, clipFor: ClipSource): Promise<RenderedPrompt> {
    if (closed) throw new Error('prompt renderer is closed');
    const voice = findVoice(req.language, req.voiceName) ?? defaultVoice(req.language);
    const rate = normalizeSpeechRate(req.speechRate);
    const items = planPrompt(req.textParts, pinCharacters(req.pin));
    const pieces = await Promise.all(
      items.map((item) => {
        if (item.kind === 'pause') return silence(item.ms / rate);
        const text = item.kind === 'text' ? item.text : spokenCharacter(item.character, req.language);
        const key = `${voice.engine.kind}:${voice.engine.voice}|${rate}|${req.language}|${item.kind}|${text}`;
        return clipFor(key, () => synthesizeClip(item, text, voice, rate));
      }),
    );
    const pcm = concatPcm(pieces);
    return { pcm, durationMs: samplesToMs(pcm.length) };
  }

  return {
    render: (req) => renderWith(req, (key, synthesize) => cache.getOrCreate(key, synthesize)),
    renderUncached: (req) => renderWith(req, (_key, synthesize) => synthesize()),
    cacheStats: () => ({ ...cache.stats(), syntheses }),
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all([flite.close(), espeak.close()]);
      cache.clear();
    },
  };
}

type ClipSource = (key: string, synthesize: () => Promise<Int16Array>) => Promise<Int16Array>;

/** The message as a sequence of clips and pauses, in speaking order. */
function planPrompt(textParts: readonly string[], pin: readonly string[]): PromptItem[] {
  const items: PromptItem[] = [{ kind: 'pause', ms: PAUSE_MS.leadIn }];
  let previous: 'start' | 'text' | 'pin' = 'start';
  textParts.forEach((part, index) => {
    const fragment = speakableFragment(part);
    if (fragment.text) {
      if (previous === 'pin') items.push({ kind: 'pause', ms: PAUSE_MS.afterPin[fragment.leadingPause] });
      if (previous === 'text') items.push({ kind: 'pause', ms: PAUSE_MS.betweenFragments });
      items.push({ kind: 'text', text: fragment.text });
      previous = 'text';
    }
    const isLastPart = index === textParts.length - 1;
    if (isLastPart || pin.length === 0) return;
    if (previous === 'text') items.push({ kind: 'pause', ms: PAUSE_MS.beforePin });
    if (previous === 'pin') items.push({ kind: 'pause', ms: PAUSE_MS.afterPin.sentence });
    pin.forEach((character, i) => {
      if (i > 0) items.push({ kind: 'pause', ms: PAUSE_MS.betweenPinCharacters });
      items.push({ kind: 'character', character });
    });
    previous = 'pin';
  });
  items.push({ kind: 'pause', ms: PAUSE_MS.tail });
  return items;
}
