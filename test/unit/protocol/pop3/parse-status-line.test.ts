import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseStatusLine } from '../../../../src/protocol/pop3/parse-status-line.js';
import { framedLine } from '../../../helpers/framed-lines.js';

const parse = (text: string) => parseStatusLine(framedLine(text));
/** [rule, section, level, offset] of each violation, for compact assertions. */
const located = (text: string) => parse(text).violations.map((v) => [v.rule, `${v.ref.rfc} §${v.ref.section}`, v.level, v.offset]);

describe('parseStatusLine', () => {
  const valid: [string, string, string | undefined, string, string[]][] = [
    // [what, line, status, text, codes] — RFC 1939 and RFC 2449 examples
    ['a greeting (RFC 1939 §4)', '+OK POP3 server ready\r\n', '+OK', 'POP3 server ready', []],
    ['a bare +OK (NOOP, §5)', '+OK\r\n', '+OK', '', []],
    ['+OK with SP and no text', '+OK \r\n', '+OK', '', []],
    ['a -ERR (§5 LIST)', '-ERR no such message, only 2 messages in maildrop\r\n', '-ERR', 'no such message, only 2 messages in maildrop', []],
    ['a drop listing (§5)', '+OK 2 320\r\n', '+OK', '2 320', []],
    ['a resp-code (RFC 2449 §8)', '-ERR [IN-USE] Do you have another POP session running?\r\n', '-ERR', '[IN-USE] Do you have another POP session running?', ['IN-USE']],
    ['a hierarchical resp-code', '-ERR [SYS/TEMP] try later\r\n', '-ERR', '[SYS/TEMP] try later', ['SYS', 'TEMP']],
    ['LOGIN-DELAY (RFC 2449 §8.1.1)', '-ERR [LOGIN-DELAY] wait\r\n', '-ERR', '[LOGIN-DELAY] wait', ['LOGIN-DELAY']],
    ['a resp-code ending the line', '-ERR [AUTH]\r\n', '-ERR', '[AUTH]', ['AUTH']],
    ['a "[" later in the text', '+OK see [1] below\r\n', '+OK', 'see [1] below', []],
  ];
  for (const [what, line, status, text, codes] of valid) {
    it(`reads ${what} without violations`, () => {
      const result = parse(line);
      assert.deepEqual(result.violations, []);
      assert.equal(result.line.status, status);
      assert.equal(result.line.text, text);
      assert.deepEqual(result.line.codes, codes);
    });
  }

  it('reports a bare LF where the CRLF was due (RFC 1939 §3)', () => {
    assert.deepEqual(located('+OK ready\n'), [['CRLF', '1939 §3', 'MUST', 9]]);
  });

  it('reads "+OKfoo" as +OK but reports the missing SP at offset 3 (RFC 2449 §3)', () => {
    const result = parse('+OKfoo\r\n');
    assert.equal(result.line.status, '+OK');
    assert.equal(result.line.text, 'foo');
    assert.deepEqual(located('+OKfoo\r\n'), [['status.separator', '2449 §3', 'MUST', 3]]);
    assert.equal(result.violations[0]!.received, 'f');
    assert.deepEqual(located('+OK\tready\r\n'), [['status.separator', '2449 §3', 'MUST', 3]]);
  });

  it('reads a lowercase "+ok" as +OK to stay in step, and reports it (RFC 1939 §3 MUST)', () => {
    const result = parse('+ok done\r\n');
    assert.equal(result.line.status, '+OK');
    assert.deepEqual(located('+ok done\r\n'), [['status.case', '1939 §3', 'MUST', 0]]);
    assert.equal(result.violations[0]!.received, '+ok');
    assert.deepEqual(located('-Err no\r\n'), [['status.case', '1939 §3', 'MUST', 0]]);
  });

  it('reports a line without a status indicator', () => {
    const result = parse('OK ready\r\n');
    assert.equal(result.line.status, undefined);
    assert.equal(result.line.text, 'OK ready');
    assert.deepEqual(located('OK ready\r\n'), [['status', '1939 §3', 'MUST', 0]]);
    assert.deepEqual(located('\r\n'), [['status', '1939 §3', 'MUST', 0]]);
  });

  it('reports an unbalanced "[" at its offset and returns no codes', () => {
    const result = parse('-ERR [IN-USE busy\r\n');
    assert.deepEqual(result.line.codes, []);
    assert.deepEqual(located('-ERR [IN-USE busy\r\n'), [['resp-code.unclosed', '2449 §3', 'MUST', 5]]);
  });

  it('reports a malformed resp-level at the offending byte', () => {
    assert.deepEqual(located('-ERR [IN USE] busy\r\n'), [['resp-code.level', '2449 §3', 'MUST', 8]]);
    assert.deepEqual(located('-ERR [] busy\r\n'), [['resp-code.level', '2449 §3', 'MUST', 6]]);
    assert.deepEqual(located('-ERR [SYS//TEMP] busy\r\n'), [['resp-code.level', '2449 §3', 'MUST', 10]]);
    assert.deepEqual(parse('-ERR [SYS//TEMP] busy\r\n').line.codes, ['SYS', '', 'TEMP']);
  });

  it('reports control and non-ASCII octets in the text, one violation per run', () => {
    assert.deepEqual(located('+OK a\tb\r\n'), [['text.control', '2449 §3', 'MUST', 5]]);
    assert.deepEqual(located('+OK caf\xe9\xe9 ok\x00\r\n'), [
      ['text.non-ascii', '2449 §3', 'MUST', 7],
      ['text.control', '2449 §3', 'MUST', 12],
    ]);
    assert.equal(parse('+OK caf\xe9\xe9\r\n').violations[0]!.received, '\\xe9\\xe9');
  });

  it('allows controls but not NUL or 8-bit after a resp-code (text = resp-code *CHAR)', () => {
    assert.deepEqual(located('-ERR [AUTH] a\tb\r\n'), []);
    assert.deepEqual(located('-ERR [AUTH] a\x00b\r\n'), [['text.control', '2449 §3', 'MUST', 13]]);
  });

  it('accepts 512 octets including CRLF and reports 513 at offset 510 (MUST)', () => {
    const at512 = `+OK ${'x'.repeat(512 - 6)}\r\n`;
    assert.deepEqual(parse(at512).violations, []);
    const at513 = `+OK ${'x'.repeat(513 - 6)}\r\n`;
    assert.deepEqual(located(at513), [['response.length', '1939 §3', 'MUST', 510]]);
  });

  it('never throws on arbitrary bytes', () => {
    for (const text of ['\xff\xfe\r\n', '+\r\n', '-\r\n', '+O\r\n', '[\r\n', '+OK [\r\n', '+OK ]\r\n', '-ERR [/]\r\n']) {
      assert.doesNotThrow(() => parse(text));
    }
  });
});
