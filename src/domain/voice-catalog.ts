import type { Language } from './languages.ts';

/**
 * The voices open2fa can speak, per template language, in the shape of Infobip's Voice API
 * `GET /tts/3/voices/{language}`. Names follow the well-known cloud voice names where a client
 * migrating from Infobip is likely to send them (`Joanna` is Infobip's documented default for `en`).
 * `engine` tells the voice channel which offline synthesizer renders the voice; it never leaves
 * the server.
 */
export interface VoiceInfo {
  name: string;
  gender: 'female' | 'male';
  supplier: string;
  ssmlSupported: boolean;
  isDefault: boolean;
  isNeural: boolean;
  engine: { kind: 'flite' | 'espeak'; voice: string };
}

type Row = [name: string, gender: 'female' | 'male', kind: 'flite' | 'espeak', voice: string];

// First row of each language is its default voice.
// espeak variants: f1/f4/m* only. f2, f3 and f5 add breath noise from rand(), which espeak seeds
// from the clock, so their audio would differ between processes (the call audio must be
// reproducible). espeak knows French as "fr", not "fr-fr".
const ROWS: Record<Language, Row[]> = {
  en: [['Joanna', 'female', 'flite', 'slt'], ['Joey', 'male', 'flite', 'rms'], ['Benjamin', 'male', 'flite', 'awb'], ['Ivy', 'female', 'espeak', 'en-us+f1']],
  es: [['Lucia', 'female', 'espeak', 'es+f4'], ['Enrique', 'male', 'espeak', 'es+m3']],
  ca: [['Arlet', 'female', 'espeak', 'ca+f4'], ['Jordi', 'male', 'espeak', 'ca+m3']],
  da: [['Naja', 'female', 'espeak', 'da+f4'], ['Mads', 'male', 'espeak', 'da+m3']],
  nl: [['Lotte', 'female', 'espeak', 'nl+f4'], ['Ruben', 'male', 'espeak', 'nl+m3']],
  fr: [['Celine', 'female', 'espeak', 'fr+f4'], ['Mathieu', 'male', 'espeak', 'fr+m3']],
  de: [['Marlene', 'female', 'espeak', 'de+f4'], ['Hans', 'male', 'espeak', 'de+m3']],
  it: [['Carla', 'female', 'espeak', 'it+f4'], ['Giorgio', 'male', 'espeak', 'it+m3']],
  ja: [['Mizuki', 'female', 'espeak', 'ja+f4'], ['Takumi', 'male', 'espeak', 'ja+m3']],
  ko: [['Seoyeon', 'female', 'espeak', 'ko+f4'], ['Injoon', 'male', 'espeak', 'ko+m3']],
  no: [['Liv', 'female', 'espeak', 'nb+f4'], ['Aksel', 'male', 'espeak', 'nb+m3']],
  pl: [['Ewa', 'female', 'espeak', 'pl+f4'], ['Jacek', 'male', 'espeak', 'pl+m3']],
  ru: [['Tatyana', 'female', 'espeak', 'ru+f4'], ['Maxim', 'male', 'espeak', 'ru+m3']],
  sv: [['Astrid', 'female', 'espeak', 'sv+f4'], ['Elias', 'male', 'espeak', 'sv+m3']],
  fi: [['Suvi', 'female', 'espeak', 'fi+f4'], ['Eino', 'male', 'espeak', 'fi+m3']],
  hr: [['Gabrijela', 'female', 'espeak', 'hr+f4'], ['Srecko', 'male', 'espeak', 'hr+m3']],
  sl: [['Petra', 'female', 'espeak', 'sl+f4'], ['Rok', 'male', 'espeak', 'sl+m3']],
  ro: [['Carmen', 'female', 'espeak', 'ro+f4'], ['Emil', 'male', 'espeak', 'ro+m3']],
  pt_pt: [['Ines', 'female', 'espeak', 'pt+f4'], ['Cristiano', 'male', 'espeak', 'pt+m3']],
  pt_br: [['Vitoria', 'female', 'espeak', 'pt-br+f4'], ['Ricardo', 'male', 'espeak', 'pt-br+m3']],
  zh_cn: [['Zhiyu', 'female', 'espeak', 'cmn+f4'], ['Yunxi', 'male', 'espeak', 'cmn+m3']],
  zh_tw: [['HsiaoChen', 'female', 'espeak', 'cmn+f1'], ['YunJhe', 'male', 'espeak', 'cmn+m2']],
};

const CATALOG = new Map<Language, VoiceInfo[]>(
  (Object.entries(ROWS) as [Language, Row[]][]).map(([language, rows]) => [
    language,
    rows.map(([name, gender, kind, voice], i) => ({
      name,
      gender,
      supplier: kind === 'flite' ? 'CMU Flite' : 'eSpeak NG',
      ssmlSupported: false,
      isDefault: i === 0,
      isNeural: false,
      engine: { kind, voice },
    })),
  ]),
);

export function voicesFor(language: Language): readonly VoiceInfo[] {
  return CATALOG.get(language) ?? [];
}

export function defaultVoice(language: Language): VoiceInfo {
  const voice = voicesFor(language)[0];
  if (!voice) throw new Error(`no voice for ${language}`);
  return voice;
}

/** Case-insensitive lookup, so `joanna` finds `Joanna`; answers the canonical entry. */
export function findVoice(language: Language, name: string): VoiceInfo | undefined {
  const wanted = name.trim().toLowerCase();
  return voicesFor(language).find((v) => v.name.toLowerCase() === wanted);
}
