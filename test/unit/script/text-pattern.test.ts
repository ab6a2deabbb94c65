import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileTextPattern, matchTextPattern, type TextPattern } from '../../../src/script/text-pattern.js';

function compile(source: string): TextPattern {
  const pattern = compileTextPattern(source);
  assert.ok(!('error' in pattern), `pattern ${source} should compile`);
  return pattern;
}

test('wildcard matches any run, including none; anchored at both ends', () => {
  const p = compile('2.0.0 *');
  assert.ok(matchTextPattern(p, '2.0.0 Bye', new Map()));
  assert.ok(matchTextPattern(p, '2.0.0 ', new Map()));
  assert.equal(matchTextPattern(p, 'x 2.0.0 Bye', new Map()), undefined);
  assert.equal(matchTextPattern(compile('Bye'), 'Bye now', new Map()), undefined);
});

test('an unbound variable captures a non-empty run; a bound one must equal its value', () => {
  const p = compile('${host} ESMTP *');
  assert.deepEqual([...matchTextPattern(p, 'mail.example.test ESMTP Postfix', new Map())!], [['host', 'mail.example.test']]);
  assert.equal(matchTextPattern(compile('${x}'), '', new Map()), undefined);
  assert.ok(matchTextPattern(p, 'mx ESMTP', new Map([['host', 'mx']])) === undefined);
  assert.ok(matchTextPattern(p, 'mx ESMTP y', new Map([['host', 'mx']])));
  assert.equal(matchTextPattern(p, 'other ESMTP y', new Map([['host', 'mx']])), undefined);
});

test('escapes make * and $ literal', () => {
  assert.ok(matchTextPattern(compile('a\\*b'), 'a*b', new Map()));
  assert.equal(matchTextPattern(compile('a\\*b'), 'axb', new Map()), undefined);
  assert.ok(matchTextPattern(compile('cost \\${x}'), 'cost ${x}', new Map()));
});

test('rejects malformed patterns with a message', () => {
  assert.ok('error' in compileTextPattern('${unterminated'));
  assert.ok('error' in compileTextPattern('${bad name}'));
});
