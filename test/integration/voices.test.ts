import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LANGUAGES } from '../../src/domain/languages.ts';
import { assertError, createAppAndTemplate, newApiKey, sandboxMessages, sendPin, startServer } from '../helpers/harness.ts';

/** Extension: GET /tts/3/voices/{language}, Infobip's Voice API shape (decisions "Voices"). */

test('English voices: Infobip\'s documented names, Joanna the default, exactly the documented fields', async (t) => {
  const h = await startServer(t);
  const res = await h.call('GET', '/tts/3/voices/en');
  assert.equal(res.status, 200);
  const names = res.body.voices.map((v: any) => v.name);
  for (const name of ['Joanna', 'Joey', 'Benjamin', 'Ivy']) assert.ok(names.includes(name), name);
  for (const v of res.body.voices) {
    assert.deepEqual(Object.keys(v).sort(), ['gender', 'isDefault', 'isNeural', 'name', 'ssmlSupported', 'supplier'], 'no internal engine field leaks');
    assert.ok(v.gender === 'female' || v.gender === 'male');
    assert.equal(typeof v.supplier, 'string');
  }
  assert.deepEqual(res.body.voices.filter((v: any) => v.isDefault).map((v: any) => v.name), ['Joanna']);
});

test('every template language has voices and exactly one default; hyphen spelling works', async (t) => {
  const h = await startServer(t);
  for (const language of LANGUAGES) {
    const res = await h.call('GET', `/tts/3/voices/${language}`);
    assert.equal(res.status, 200, language);
    assert.ok(res.body.voices.length >= 1, language);
    assert.equal(res.body.voices.filter((v: any) => v.isDefault).length, 1, language);
  }
  const hyphen = await h.call('GET', '/tts/3/voices/pt-br');
  assert.deepEqual(hyphen.body, (await h.call('GET', '/tts/3/voices/pt_br')).body);
  assert.equal((await h.call('GET', '/tts/3/voices/en/')).status, 200, 'trailing slash');
});

test('unknown language → 400 listing the valid ones', async (t) => {
  const h = await startServer(t);
  const se = assertError(await h.call('GET', '/tts/3/voices/xx'), 400, 'BAD_REQUEST', { fields: ['language'] });
  assert.match(se.text, /"xx"/);
  assert.match(se.text, /pt_br/);
});

test('a pin:send key may list voices; no key may not', async (t) => {
  const h = await startServer(t);
  const { key } = await newApiKey(h, { scopes: ['2fa:pin:send'] });
  assert.equal((await h.call('GET', '/tts/3/voices/en', undefined, { key })).status, 200);
  assertError(await h.call('GET', '/tts/3/voices/en', undefined, { key: null }), 401, 'UNAUTHORIZED');
});

test('every listed voice name is accepted as a template voiceName for its language and used by the call', async (t) => {
  const h = await startServer(t);
  const { appId } = await createAppAndTemplate(h);
  for (const language of ['en', 'de', 'pt_br', 'zh_tw']) {
    const voices = (await h.call('GET', `/tts/3/voices/${language}`)).body.voices;
    for (const v of voices) {
      const res = await h.call('POST', `/2fa/2/applications/${appId}/messages`, { pinType: 'NUMERIC', messageText: '{{pin}}', language, voiceName: v.name });
      assert.equal(res.status, 200, `${language}/${v.name}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.voiceName, v.name);
    }
  }
  const tpl = (await h.call('POST', `/2fa/2/applications/${appId}/messages`, { pinType: 'NUMERIC', messageText: 'Your PIN is {{pin}}', language: 'en', voiceName: 'benjamin' })).body;
  // A busy number: the call is not answered, so no audio needs rendering.
  await sendPin(h, { applicationId: appId, messageId: tpl.messageId, to: '15550000002' }, { path: '/2fa/2/pin/voice' });
  const [call] = await sandboxMessages(h, '15550000002');
  assert.equal(call.voice.voiceName, 'Benjamin');
});
