import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeEscapes, renderTemplate, templateVariables } from '../../../src/script/template.js';

test('fills variables, repeats text, keeps $${ literal', () => {
  const bindings = new Map([['rcpt', 'alice@example.test']]);
  assert.deepEqual(renderTemplate('RCPT TO:<${rcpt}>', bindings), { text: 'RCPT TO:<alice@example.test>' });
  assert.deepEqual(renderTemplate('NOOP ${repeat:ab:3}', bindings), { text: 'NOOP ababab' });
  assert.deepEqual(renderTemplate('say $${rcpt}', bindings), { text: 'say ${rcpt}' });
  assert.deepEqual(renderTemplate('${nope}', bindings), { missing: 'nope' });
  assert.deepEqual(templateVariables('${a} ${repeat:x:2} ${b}'), ['a', 'b']);
  assert.ok('error' in (templateVariables('${1bad}') as object));
});

test('raw lines decode escapes to exact bytes and refuse non-ASCII characters', () => {
  assert.deepEqual(decodeEscapes('NOOP\\n\\x00\\xff\\\\'), Buffer.from([...Buffer.from('NOOP'), 0x0a, 0x00, 0xff, 0x5c]));
  assert.ok('error' in decodeEscapes('caf\u00e9'));
  assert.ok('error' in decodeEscapes('\\q'));
});
