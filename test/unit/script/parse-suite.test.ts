import assert from 'node:assert/strict';
import { test } from 'node:test';
import { smtpAdapter } from '../../../src/script/adapters/smtp-adapter.js';
import { parseSuite } from '../../../src/script/parse-suite.js';

const FILE = 'smtp/rfc5321/example.smtp';
const HEADER = 'id: smtp.rfc5321.example\nsummary: s\nrfc: 5321\nsection: 4.1.4\nlevel: MUST\n';

function errorsOf(text: string, file = FILE): string[] {
  const parsed = parseSuite(text, file, smtpAdapter);
  return parsed.ok ? [] : parsed.errors.map((e) => `${e.line}: ${e.message}`);
}

test('parses header, steps, blocks, and which variables must come from the run', () => {
  const text = `${HEADER}requires: PIPELINING, 8BITMIME\nquote: q\n\n# comment\nS: 220 \${greeting}\nC: EHLO \${client}\nS*: 250-*\nS: 250 *\n@pipeline\nC: MAIL FROM:<\${from}>\nC: RCPT TO:<\${greeting}>\n@end\n@unordered\nS: 250 *\nS: 250 *\n@end\n@send-fixture messages/plain.eml\n@session two\nC!: NOOP\\r\\n\n@expect-close\n`;
  const parsed = parseSuite(text, FILE, smtpAdapter);
  assert.ok(parsed.ok, JSON.stringify(!parsed.ok && parsed.errors));
  const c = parsed.case;
  assert.deepEqual(c.header.requires, ['PIPELINING', '8BITMIME']);
  assert.deepEqual(c.header.ref, { rfc: 5321, section: '4.1.4' });
  assert.equal(c.suite, 'smtp/rfc5321');
  assert.deepEqual(c.steps.map((s) => s.kind), ['expect', 'send', 'expect', 'expect', 'pipeline', 'unordered', 'send-fixture', 'session', 'send', 'expect-close']);
  assert.deepEqual([...c.needs].sort(), ['client', 'from'], 'greeting is captured before use, so it is not needed from the run');
  assert.deepEqual(c.fixtures, ['messages/plain.eml']);
  const expect = c.steps[2];
  assert.ok(expect?.kind === 'expect' && expect.quantifier === 'any' && expect.loc.line === 12);
});

test('reports every header problem with its line', () => {
  const errors = errorsOf('id: smtp.rfc5321.example\nsummary: s\nrfc: five\nsection: four\nlevel: MAYBE\ncolour: red\n\nS: 220 *\n');
  assert.deepEqual(errors, [
    '6: unknown header key "colour" (known: id, summary, rfc, section, level, requires, quote, note, timeout, seed, destructive)',
    '3: rfc must be a number, e.g. "rfc: 5321"',
    '4: section must look like 4.1.1.1',
    '5: level must be one of MUST, SHOULD, MAY',
  ]);
  assert.ok(errorsOf('summary: s\n\nS: 220 *\n').includes('1: missing header key "id"'));
});

test('reports body problems with file:line: unknown lines, bad patterns, unbalanced blocks, bad fixtures', () => {
  const errors = errorsOf(`${HEADER}\nS: 220 *\nX: what\nS: 2x0 *\n@unordered\nC: NOOP\n@pipeline\nS?: 250\n@send-fixture ../etc/passwd\n@frobnicate\n`);
  assert.deepEqual(errors, [
    '8: expected C:, C!:, S:, S?:, S*:, S+: or an @directive, got: X: what',
    '9: bad reply code pattern "2x0" (use digits 2-5 then digits or x, e.g. 250, 5xx, 250|251)',
    '11: C: line inside @unordered',
    '12: @pipeline inside @unordered (only S: lines belong there)',
    '13: only plain S: lines belong in @unordered',
    '14: @send-fixture inside @unordered (only S: lines belong there)',
    '15: @frobnicate inside @unordered (only S: lines belong there)',
    '10: @unordered without @end',
  ]);
});

test('the folder must name the header RFC', () => {
  assert.deepEqual(errorsOf(`${HEADER}\nS: 220 *\n`, 'smtp/rfc1939/example.smtp'), ['1: folder rfc1939 holds RFC 1939 cases but the header says rfc: 5321']);
  assert.deepEqual(errorsOf(`${HEADER}\nS: 220 *\n`, 'smtp/misc/example.smtp'), ['1: suite folder "misc" must be named rfcNNNN or rfcNNNN-topic']);
});
