import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileSmtpMatcher } from '../../../src/script/adapters/smtp-adapter.js';
import { parseReplyLine } from '../../../src/protocol/smtp/parse-reply-line.js';

function line(text: string) {
  return parseReplyLine({ bytes: Buffer.from(text, 'latin1'), ending: 'crlf', streamOffset: 0 }).line;
}

function matches(pattern: string, text: string, bindings = new Map<string, string>()): boolean {
  const matcher = compileSmtpMatcher(pattern);
  assert.ok(!('error' in matcher), `pattern ${pattern}`);
  return matcher.match(line(text), bindings).ok;
}

test('codes, classes and alternatives', () => {
  assert.ok(matches('250', '250 2.0.0 Ok'));
  assert.ok(!matches('250', '251 Ok'));
  assert.ok(matches('5xx', '503 5.5.1 Error'));
  assert.ok(!matches('5xx', '250 Ok'));
  assert.ok(matches('250|251', '251 will forward'));
  assert.ok(matches('25x|5xx', '252 cannot verify'));
  assert.ok(matches('55x', '554 no'));
});

test('final vs continuation lines', () => {
  assert.ok(matches('250-*', '250-PIPELINING'));
  assert.ok(!matches('250-*', '250 CHUNKING'));
  assert.ok(!matches('250 *', '250-PIPELINING'));
  assert.ok(!matches('250', '250-PIPELINING'), 'a bare code means a final line');
  assert.ok(matches('250 *', '250'), 'a bare code reply still matches "any text"');
});

test('text patterns and captures', () => {
  const matcher = compileSmtpMatcher('220 ${server} ESMTP*');
  assert.ok(!('error' in matcher));
  const outcome = matcher.match(line('220 mail.example.test ESMTP Postfix'), new Map());
  assert.ok(outcome.ok && outcome.captures.get('server') === 'mail.example.test');
  assert.ok(!matches('221 Bye', '221 2.0.0 Bye'));
  const mismatch = matcher.match(line('220 mx SMTP'), new Map());
  assert.ok(!mismatch.ok && mismatch.mismatch.includes('text does not match'));
});

test('rejects malformed patterns', () => {
  for (const bad of ['', '25', '650 *', '2y0', 'abc def']) assert.ok('error' in compileSmtpMatcher(bad), bad);
});
