/**
 * The 22 TTS languages of Infobip's 2FA `language` enum.
 * Infobip switched from hyphens (`pt-br`) to underscores (`pt_br`) in 2024; older SDKs still
 * send hyphens. We accept both and always answer with the underscore form (decisions.md #15).
 */
export const LANGUAGES = [
  'en', 'es', 'ca', 'da', 'nl', 'fr', 'de', 'it', 'ja', 'ko', 'no',
  'pl', 'ru', 'sv', 'fi', 'hr', 'sl', 'ro', 'pt_pt', 'pt_br', 'zh_cn', 'zh_tw',
] as const;

export type Language = (typeof LANGUAGES)[number];

const KNOWN = new Set<string>(LANGUAGES);

/** Returns the canonical (underscore) spelling, or undefined when the value is no known language. */
export function normalizeLanguage(value: string): Language | undefined {
  const canonical = value.trim().toLowerCase().replace('-', '_');
  return KNOWN.has(canonical) ? (canonical as Language) : undefined;
}

export const DEFAULT_LANGUAGE: Language = 'en';
