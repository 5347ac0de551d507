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
const ROWS: Record<Language, Row[]> = {
  en: [['Joanna', 'female', 'flite', 'slt'], ['Joey', 'male', 'flite', 'rms'], ['Benjamin', 'male', 'flite', 'awb'], ['Ivy', 'female', 'espeak', 'en-us+f2']],
  es: [['Lucia', 'female', 'espeak', 'es+f3'], ['Enrique', 'male', 'espeak', 'es+m3']],
  ca: [['Arlet', 'female', 'espeak', 'ca+f3'], ['Jordi', 'male', 'espeak', 'ca+m3']],
  da: [['Naja', 'female', 'espeak', 'da+f3'], ['Mads', 'male', 'espeak', 'da+m3']],
  nl: [['Lotte', 'female', 'espeak', 'nl+f3'], ['Ruben', 'male', 'espeak', 'nl+m3']],
  fr: [['Celine', 'female', 'espeak', 'fr-fr+f3'], ['Mathieu', 'male', 'espeak', 'fr-fr+m3']],
  de: [['Marlene', 'female', 'espeak', 'de+f3'], ['Hans', 'male', 'espeak', 'de+m3']],
  it: [['Carla', 'female', 'espeak', 'it+f3'], ['Giorgio', 'male', 'espeak', 'it+m3']],
  ja: [['Mizuki', 'female', 'espeak', 'ja+f3'], ['Takumi', 'male', 'espeak', 'ja+m3']],
  ko: [['Seoyeon', 'female', 'espeak', 'ko+f3'], ['Injoon', 'male', 'espeak', 'ko+m3']],
  no: [['Liv', 'female', 'espeak', 'nb+f3'], ['Aksel', 'male', 'espeak', 'nb+m3']],
  pl: [['Ewa', 'female', 'espeak', 'pl+f3'], ['Jacek', 'male', 'espeak', 'pl+m3']],
  ru: [['Tatyana', 'female', 'espeak', 'ru+f3'], ['Maxim', 'male', 'espeak', 'ru+m3']],
  sv: [['Astrid', 'female', 'espeak', 'sv+f3'], ['Elias', 'male', 'espeak', 'sv+m3']],
  fi: [['Suvi', 'female', 'espeak', 'fi+f3'], ['Eino', 'male', 'espeak', 'fi+m3']],
  hr: [['Gabrijela', 'female', 'espeak', 'hr+f3'], ['Srecko', 'male', 'espeak', 'hr+m3']],
  sl: [['Petra', 'female', 'espeak', 'sl+f3'], ['Rok', 'male', 'espeak', 'sl+m3']],
  ro: [['Carmen', 'female', 'espeak', 'ro+f3'], ['Emil', 'male', 'espeak', 'ro+m3']],
  pt_pt: [['Ines', 'female', 'espeak', 'pt+f3'], ['Cristiano', 'male', 'espeak', 'pt+m3']],
  pt_br: [['Vitoria', 'female', 'espeak', 'pt-br+f3'], ['Ricardo', 'male', 'espeak', 'pt-br+m3']],
  zh_cn: [['Zhiyu', 'female', 'espeak', 'cmn+f3'], ['Yunxi', 'male', 'espeak', 'cmn+m3']],
  zh_tw: [['HsiaoChen', 'female', 'espeak', 'cmn+f2'], ['YunJhe', 'male', 'espeak', 'cmn+m2']],
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
