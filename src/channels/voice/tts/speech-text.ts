import type { Language } from '../../../domain/languages.ts';

/**
 * What the engines are asked to say: PIN characters one at a time, and the template text
 * around the PIN with the punctuation at the cut turned into pauses.
 */

/**
 * A lone letter or digit is spoken by both engines as its name in the voice's language
 * (checked with espeak-ng's phoneme output for all 22 languages: "B" → /beː/ in German,
 * /bi/ in Italian; Japanese, Korean, Russian and Mandarin voices switch to English letter names,
 * which is how those languages read Latin letters in codes). Only letters that the engine
 * reads as a word instead of the letter's name are spelled out here.
 */
const SPOKEN_LETTER_OVERRIDES: Partial<Record<Language, Readonly<Record<string, string>>>> = {
  es: { Y: 'i griega' }, // a lone "Y" is the conjunction /i/
  ca: { A: 'à' }, // a lone "A" comes out as an unstressed schwa
};

const PIN_CHARACTER = /^[A-Z0-9]$/;

/** The PIN as the characters to speak; lower-case letters are spoken like upper-case ones. */
export function pinCharacters(pin: string): string[] {
  const characters = [...pin.toUpperCase()];
  for (const character of characters) {
    if (!PIN_CHARACTER.test(character)) {
      throw new RangeError(`PIN character ${JSON.stringify(character)} cannot be spoken (A-Z, 0-9 only)`);
    }
  }
  return characters;
}

/** The text an engine gets for one PIN character. */
export function spokenCharacter(character: string, language: Language): string {
  return SPOKEN_LETTER_OVERRIDES[language]?.[character] ?? character;
}

/** How long a pause the punctuation at a fragment's edge asks for. */
export type PauseKind = 'none' | 'comma' | 'sentence';

export interface SpeakableFragment {
  /** Text for the engine; empty when the fragment has nothing to say (only spaces/punctuation). */
  text: string;
  /** Punctuation found before the first word, i.e. right after the PIN that precedes it. */
  leadingPause: PauseKind;
}

const SENTENCE_END = /[.!?…。！？]/;
const CLAUSE_BREAK = /[,;:、，；：]/;
/** Marks that close what came before; said before any word they only mean "pause". */
const LEADING_CLOSERS = /^[\s.!?…。！？,;:、，；：)\]}»”’"'\-–—]+/u;
const SAYABLE = /[\p{L}\p{N}]/u;

/**
 * Prepares one piece of template text. Leading closing punctuation (". Repeat" after a PIN) is
 * dropped from what the engine hears, because after trimming silence it would only be lost,
 * and turned into a pause of the right length instead.
 */
export function speakableFragment(fragment: string): SpeakableFragment {
  const collapsed = fragment.replace(/\s+/g, ' ');
  const closers = LEADING_CLOSERS.exec(collapsed)?.[0] ?? '';
  const leadingPause: PauseKind = SENTENCE_END.test(closers) ? 'sentence' : CLAUSE_BREAK.test(closers) ? 'comma' : 'none';
  const rest = collapsed.slice(closers.length).trim();
  return { text: SAYABLE.test(rest) ? rest : '', leadingPause };
}

/** Speech rates outside Infobip's 0.5–2 are clamped; steps below 0.01 make no audible difference. */
export function normalizeSpeechRate(rate: number): number {
  if (!Number.isFinite(rate)) return 1;
  return Math.round(Math.min(2, Math.max(0.5, rate)) * 100) / 100;
}
