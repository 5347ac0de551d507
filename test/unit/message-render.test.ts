import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { containsPinPlaceholder, joinParts, placeholderNames, renderParts } from '../../src/domain/message-render.ts';

/** Template rendering (reference §3.5): parts split at {{pin}}, placeholders filled, no injection. */

const parts = (text: string, values?: Record<string, string>) => {
  const r = renderParts(text, values);
  assert.ok('parts' in r, `expected parts, got ${JSON.stringify(r)}`);
  return r.parts;
};

describe('renderParts', () => {
  test('splits at each {{pin}}; text = parts joined with the PIN', () => {
    assert.deepEqual(parts('Your PIN is {{pin}}'), ['Your PIN is ', '']);
    assert.deepEqual(parts('{{pin}}'), ['', '']);
    assert.deepEqual(parts('{{pin}} and again {{pin}}.'), ['', ' and again ', '.']);
    assert.equal(joinParts(parts('Code {{pin}}, repeat: {{pin}}'), '1234'), 'Code 1234, repeat: 1234');
  });

  test('fills other placeholders; spaces inside the braces are allowed', () => {
    const p = parts('Hello {{firstName}} {{ lastName }}, your pin is {{ pin }}', { firstName: 'John', lastName: 'Smith' });
    assert.deepEqual(p, ['Hello John Smith, your pin is ', '']);
    assert.equal(joinParts(p, '0042'), 'Hello John Smith, your pin is 0042');
  });

  test('the same placeholder twice is filled twice', () => {
    assert.equal(joinParts(parts('{{a}}-{{a}}-{{pin}}', { a: 'x' }), '9'), 'x-x-9');
  });

  test('missing placeholder values are all reported, each once, the PIN never', () => {
    assert.deepEqual(renderParts('{{a}} {{b}} {{a}} {{pin}}', { b: '1' }), { missing: ['a'] });
    assert.deepEqual(renderParts('{{a}} {{b}} {{pin}}'), { missing: ['a', 'b'] });
    assert.deepEqual(renderParts('{{pin}}', {}), { parts: ['', ''] });
  });

  test('a value of "" is a value; extra values are ignored', () => {
    assert.deepEqual(parts('[{{a}}]{{pin}}', { a: '', unused: 'x' }), ['[]', '']);
  });

  test('inherited object keys are not placeholder values', () => {
    assert.deepEqual(renderParts('{{constructor}} {{toString}} {{pin}}', {}), { missing: ['constructor', 'toString'] });
    assert.deepEqual(renderParts('{{__proto__}} {{pin}}', {}), { missing: ['__proto__'] });
  });

  test('PIN injection is impossible: a value "{{pin}}" stays literal and adds no part', () => {
    const p = parts('Hi {{name}}, PIN {{pin}}', { name: '{{pin}}' });
    assert.equal(p.length, 2, 'only the template\'s own {{pin}} splits');
    assert.equal(joinParts(p, '1234'), 'Hi {{pin}}, PIN 1234');
    const nested = parts('{{a}}{{pin}}', { a: '{{b}}', b: 'never' });
    assert.equal(joinParts(nested, '7'), '{{b}}7', 'values are not rendered again');
  });

  test('single braces stay literal; a {{pin}} inside extra braces is still the PIN; malformed names are text', () => {
    assert.equal(joinParts(parts('{pin} {{{pin}}} {{pin}}'), '5'), '{pin} {5} 5');
    assert.deepEqual(renderParts('{{ }} {{a b}} {{pin}}'), { parts: ['{{ }} {{a b}} ', ''] });
  });

  test('property: joining the parts with the PIN never changes the text around it', () => {
    fc.assert(fc.property(fc.array(fc.string().filter((s) => !s.includes('{') && !s.includes('}')), { minLength: 1, maxLength: 5 }), fc.stringMatching(/^[0-9A-Z]{1,16}$/), (chunks, pin) => {
      const text = chunks.join('{{pin}}');
      const p = parts(text);
      assert.equal(p.length, chunks.length);
      assert.equal(joinParts(p, pin), chunks.join(pin));
    }), { numRuns: 200 });
  });

  test('property: no placeholder value can add a PIN position', () => {
    fc.assert(fc.property(fc.string(), (value) => {
      const p = parts('A {{x}} B {{pin}} C', { x: value });
      assert.equal(p.length, 2);
      assert.equal(joinParts(p, '#'), `A ${value} B # C`);
    }), { numRuns: 300 });
  });
});

describe('placeholderNames / containsPinPlaceholder', () => {
  test('names exclude the PIN and repeat once', () => {
    assert.deepEqual(placeholderNames('{{a}} {{pin}} {{ b }} {{a}}'), ['a', 'b']);
    assert.deepEqual(placeholderNames('no placeholders'), []);
  });

  test('only a real {{pin}} counts', () => {
    for (const text of ['{{pin}}', 'x {{ pin }} y', '{{pin}}{{pin}}']) assert.equal(containsPinPlaceholder(text), true, text);
    for (const text of ['{pin}', '{{PIN}}', '{{pins}}', '{{ p in }}', 'pin', '{{pin}', '']) assert.equal(containsPinPlaceholder(text), false, text);
  });

  test('containsPinPlaceholder is stable across calls (no shared regex state)', () => {
    for (let i = 0; i < 5; i++) assert.equal(containsPinPlaceholder('Your PIN is {{pin}}'), true);
  });
});
