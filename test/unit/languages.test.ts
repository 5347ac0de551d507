import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_LANGUAGE, LANGUAGES, normalizeLanguage } from '../../src/domain/languages.ts';
import { defaultVoice, findVoice, voicesFor } from '../../src/domain/voice-catalog.ts';

/** The 22 languages of Infobip's enum, both spellings in, underscores out (reference §3.3, decisions #15). */

test('exactly the 22 languages of the current Infobip enum, in underscore spelling', () => {
  assert.deepEqual([...LANGUAGES].sort(), [
    'ca', 'da', 'de', 'en', 'es', 'fi', 'fr', 'hr', 'it', 'ja', 'ko', 'nl', 'no', 'pl', 'pt_br', 'pt_pt', 'ro', 'ru', 'sl', 'sv', 'zh_cn', 'zh_tw',
  ]);
  assert.equal(DEFAULT_LANGUAGE, 'en');
});

test('every language normalises to itself', () => {
  for (const l of LANGUAGES) assert.equal(normalizeLanguage(l), l);
});

test('hyphen and upper-case spellings answer the underscore form', () => {
  const cases: [string, string][] = [
    ['pt-br', 'pt_br'], ['pt-pt', 'pt_pt'], ['zh-cn', 'zh_cn'], ['zh-tw', 'zh_tw'], ['PT-BR', 'pt_br'], ['Zh_Tw', 'zh_tw'], ['EN', 'en'], [' de ', 'de'],
  ];
  for (const [input, canonical] of cases) assert.equal(normalizeLanguage(input), canonical, input);
});

test('anything else is unknown', () => {
  for (const input of ['', 'xx', 'english', 'en-us', 'en_us', 'pt', 'zh', 'pt--br', 'pt_-br', 'p-t_br', 'ptbr', 'pt br', 'nb', 'constructor', '__proto__', 'toString']) {
    assert.equal(normalizeLanguage(input), undefined, input);
  }
});

test('each language has voices, exactly one default, the first one; lookups ignore case', () => {
  for (const l of LANGUAGES) {
    const voices = voicesFor(l);
    assert.ok(voices.length >= 1, l);
    assert.deepEqual(voices.filter((v) => v.isDefault), [defaultVoice(l)], l);
    assert.equal(voices[0], defaultVoice(l));
    for (const v of voices) {
      assert.equal(findVoice(l, v.name.toUpperCase()), v);
      assert.equal(findVoice(l, ` ${v.name.toLowerCase()} `), v);
    }
  }
  assert.equal(defaultVoice('en').name, 'Joanna', 'Infobip\'s documented default for en');
  assert.equal(findVoice('en', 'Hans'), undefined, 'voices belong to their language');
  assert.equal(findVoice('en', ''), undefined);
});
