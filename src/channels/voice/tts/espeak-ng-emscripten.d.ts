/**
 * The part of `@echogarden/espeak-ng-emscripten` (0.3.5, no bundled types) that the espeak engine
 * uses. The package is an Emscripten build of eSpeak NG with a WebIDL glue class,
 * `eSpeakNGWorker`, that wraps espeak_Synth in synchronous mode.
 */
declare module '@echogarden/espeak-ng-emscripten' {
  export interface EspeakEvent {
    type: string;
    text_position: number;
    word_length: number;
    audio_position: number;
    id?: string | number;
  }

  export interface EspeakVoiceEntry {
    name: string;
    identifier: string;
    languages: { priority: number; name: string }[];
  }

  export interface EspeakNGWorker {
    /** 0 on success; any other value leaves the previous voice selected. */
    set_voice(name: string): number;
    /** Words per minute (80–450). */
    set_rate(wordsPerMinute: number): void;
    get_rate(): number;
    get_samplerate(): number;
    list_voices(): EspeakVoiceEntry[];
    /**
     * Synthesizes synchronously; `onAudio` receives copies of the 16-bit samples.
     * Returning true from the callback aborts the synthesis.
     */
    synthesize(text: string, onAudio: (samples: Int16Array, events: EspeakEvent[]) => boolean): void;
    synthesize_ipa(text: string): { code: number; ipa: string };
    __destroy__(): void;
  }

  export interface EspeakModule {
    eSpeakNGWorker: new () => EspeakNGWorker;
    /** The module's whole linear memory; replaced when the memory grows. */
    HEAPU8: Uint8Array;
  }

  export default function initEspeak(moduleOverrides?: Record<string, unknown>): Promise<EspeakModule>;
}
