import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseReplyLine } from '../../../../src/protocol/smtp/parse-reply-line.js';
import { framedLine } from '../../../helpers/framed-lines.js';

/** [rule, section, level, offset] of each violation, for compact assertions. */
function violationsOf(text: string): [string, string, string, number][] {
  return parseReplyLine(framedLine(text)).violations.map((v) => [v.rule, v.ref.section, v.level, v.offset]);
}

describe('parseReplyLine', () => {
  it('reads a final line with text', () => {
    const { line, violations } = parseReplyLine(framedLine('250 OK\r\n'));
    assert.deepEqual(violations, []);
    assert.equal(line.code, 250);
    assert.equal(line.codeText, '250');
    assert.equal(line.separator, ' ');
    assert.equal(line.isFinal, true);
    assert.equal(line.text, 'OK');
  });

  it('reads a continuation line, with or without text', () => {
    const withText = parseReplyLine(framedLine('250-PIPELINING\r\n'));
    assert.deepEqual(withText.violations, []);
    assert.equal(withText.line.isFinal, false);
    assert.equal(withText.line.text, 'PIPELINING');
    // Reply-code "-" [ textstring ]: empty text is fine on a continuation line.
    const empty = parseReplyLine(framedLine('250-\r\n'));
    assert.deepEqual(empty.violations, []);
    assert.equal(empty.line.separator, '-');
    assert.equal(empty.line.text, '');
  });

  it('accepts "250 " (SP without text) without a violation', () => {
    const { line, violations } = parseReplyLine(framedLine('250 \r\n'));
    assert.deepEqual(violations, []);
    assert.equal(line.text, '');
  });

  it('accepts HT and every printable ASCII byte in the text', () => {
    let printable = '';
    for (let c = 0x20; c <= 0x7e; c++) printable += String.fromCharCode(c);
    assert.deepEqual(violationsOf(`554 \t${printable}\r\n`), []);
  });

  it('reports a bare LF ending at the LF position, but still parses the line', () => {
    const { line, violations } = parseReplyLine(framedLine('250 OK\n'));
    assert.deepEqual(violations.map((v) => [v.rule, v.ref.section, v.level, v.offset, v.received]), [
      ['CRLF', '2.3.8', 'MUST', 6, '\\n'],
    ]);
    assert.equal(line.code, 250);
    assert.equal(line.text, 'OK');
  });

  const badCodes: [string, [string, number][], number | undefined][] = [
    ['600 No\r\n', [['Reply-code.first-digit', 0]], 600],
    ['150 No\r\n', [['Reply-code.first-digit', 0]], 150],
    ['199 No\r\n', [['Reply-code.first-digit', 0], ['Reply-code.second-digit', 1]], 199],
    ['260 No\r\n', [['Reply-code.second-digit', 1]], 260],
    ['2a0 No\r\n', [['Reply-code.digits', 1]], undefined],
    ['25\r\n', [['Reply-code.digits', 2]], undefined],
  ];
  for (const [text, expected, code] of badCodes) {
    it(`reports ${JSON.stringify(text)} as ${expected.map(([rule, offset]) => `${rule}@${offset}`).join(', ')}`, () => {
      const { line, violations } = parseReplyLine(framedLine(text));
      assert.deepEqual(
        violations.map((v) => [v.rule, v.offset]),
        expected,
      );
      assert.ok(violations.every((v) => v.level === 'MUST'));
      assert.equal(line.code, code);
    });
  }

  it('cites §4.3.2 for non-digits and §4.2 for digits out of range', () => {
    assert.deepEqual(violationsOf('2a0 x\r\n'), [['Reply-code.digits', '4.3.2', 'MUST', 1]]);
    assert.deepEqual(violationsOf('600 x\r\n'), [['Reply-code.first-digit', '4.2', 'MUST', 0]]);
    assert.deepEqual(violationsOf('260 x\r\n'), [['Reply-code.second-digit', '4.2', 'MUST', 1]]);
  });

  it('reports both digits of a code like 690', () => {
    assert.deepEqual(
      violationsOf('690 x\r\n').map(([rule, , , offset]) => [rule, offset]),
      [
        ['Reply-code.first-digit', 0],
        ['Reply-code.second-digit', 1],
      ],
    );
  });

  it('reports a missing separator ("250OK") at offset 3 and keeps the bytes as text', () => {
    const { line, violations } = parseReplyLine(framedLine('250OK\r\n'));
    assert.deepEqual(
      violations.map((v) => [v.rule, v.ref.section, v.level, v.offset, v.received]),
      [['Reply-line.separator', '4.2', 'MUST', 3, 'O']],
    );
    assert.equal(line.separator, 'other');
    assert.equal(line.isFinal, true);
    assert.equal(line.text, 'OK');
  });

  it('reports a bare code as a SHOULD at offset 3', () => {
    const { line, violations } = parseReplyLine(framedLine('250\r\n'));
    assert.deepEqual(
      violations.map((v) => [v.rule, v.ref.section, v.level, v.offset]),
      [['Reply-line.bare-code', '4.2', 'SHOULD', 3]],
    );
    assert.equal(line.separator, '');
    assert.equal(line.isFinal, true);
    assert.equal(line.code, 250);
  });

  const badText: [string, string, number, string][] = [
    ['8-bit byte', '250 caf\xe9\r\n', 7, '\\xe9'],
    ['NUL', '250 O\0K\r\n', 5, '\\x00'],
    ['lone CR', '250 O\rK\r\n', 5, '\\r'],
    ['DEL', '250 OK\x7f\r\n', 6, '\\x7f'],
    ['ESC', '250-\x1b[0m\r\n', 4, '\\x1b'],
  ];
  for (const [what, text, offset, received] of badText) {
    it(`reports a ${what} in the text at its byte offset ${offset}`, () => {
      const { violations } = parseReplyLine(framedLine(text));
      assert.deepEqual(
        violations.map((v) => [v.rule, v.ref.section, v.level, v.offset, v.received]),
        [['textstring', '4.2', 'MUST', offset, received]],
      );
    });
  }

  it('reports one textstring violation per run of bad bytes', () => {
    assert.deepEqual(
      violationsOf('250 \xc3\xa9t\xc3\xa9\r\n').map(([rule, , , offset]) => [rule, offset]),
      [
        ['textstring', 4],
        ['textstring', 7],
      ],
    );
  });

  it('accepts a 512-octet line and reports a 513-octet one at offset 510 (SHOULD)', () => {
    assert.deepEqual(violationsOf(`250 ${'x'.repeat(506)}\r\n`), []);
    assert.deepEqual(violationsOf(`250 ${'x'.repeat(507)}\r\n`), [['Reply-line.length', '4.5.3.1.5', 'SHOULD', 510]]);
  });

  it('reports several problems of one line in offset order', () => {
    assert.deepEqual(
      violationsOf('2x0-\0\n').map(([rule, , , offset]) => [rule, offset]),
      [
        ['Reply-code.digits', 1],
        ['textstring', 4],
        ['CRLF', 5],
      ],
    );
  });

  it('never throws, whatever the bytes', () => {
    for (const text of ['\n', '\r\n', '-\r\n', ' \n', '\0\0\0\0\n', '\xff\xff\xff-\xff\r\n']) {
      const { line } = parseReplyLine(framedLine(text));
      assert.equal(line.code, undefined);
    }
  });
});
