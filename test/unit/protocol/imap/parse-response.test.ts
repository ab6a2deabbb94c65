import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SIMPLE_CODE_NAMES } from '../../../../src/protocol/imap/imap-response.js';
import { located, parseWire, rules } from './parse-wire.js';

describe('parseResponse: greeting (§7.1, greeting = "*" SP (resp-cond-auth / resp-cond-bye) CRLF)', () => {
  it('reads OK with a CAPABILITY code, PREAUTH and BYE as greetings', () => {
    const ok = parseWire('* OK [CAPABILITY IMAP4rev1 LITERAL+ AUTH=PLAIN] Dovecot ready.\r\n', { greeting: true });
    assert.deepEqual(ok.response, {
      kind: 'untagged', type: 'condition', status: 'OK',
      code: { kind: 'capability', capabilities: ['IMAP4rev1', 'LITERAL+', 'AUTH=PLAIN'] }, text: 'Dovecot ready.',
    });
    assert.deepEqual(ok.violations, []);
    assert.deepEqual(parseWire('* PREAUTH IMAP4rev1 server logged in as Smith\r\n', { greeting: true }).violations, []);
    assert.deepEqual(parseWire('* BYE Too many connections\r\n', { greeting: true }).response, { kind: 'bye', code: undefined, text: 'Too many connections' });
  });

  it('reports a greeting that is tagged, NO or BAD, and PREAUTH when it is not the greeting', () => {
    assert.deepEqual(located(parseWire('a1 OK hello\r\n', { greeting: true }).violations), [['greeting', '9', 0]]);
    assert.deepEqual(located(parseWire('* NO go away\r\n', { greeting: true }).violations), [['greeting', '9', 0]]);
    assert.deepEqual(located(parseWire('* PREAUTH logged in\r\n').violations), [['resp-cond-auth', '9', 2]]);
  });
});

describe('parseResponse: tagged and status responses (§7.1, resp-cond-state, resp-text)', () => {
  it('reads tag, status, code and text', () => {
    assert.deepEqual(parseWire('A142 OK [READ-WRITE] SELECT completed\r\n').response, {
      kind: 'tagged', tag: 'A142', status: 'OK', code: { kind: 'simple', name: 'READ-WRITE' }, text: 'SELECT completed',
    });
  });

  it('accepts status words and code names in any case (§9 Note 1), upper-casing them', () => {
    const result = parseWire('a1 ok [read-only] done\r\n');
    assert.deepEqual(result.response, { kind: 'tagged', tag: 'a1', status: 'OK', code: { kind: 'simple', name: 'READ-ONLY' }, text: 'done' });
    assert.deepEqual(result.violations, []);
  });

  it('accepts "]" in a tag (ASTRING-CHAR) but not "+" or "*" (tag = 1*<any ASTRING-CHAR except "+">)', () => {
    assert.deepEqual(parseWire('a]1 OK done\r\n').violations, []);
    assert.deepEqual(located(parseWire('a+1 OK done\r\n').violations), [['tag', '9', 1]]);
    assert.deepEqual(located(parseWire('a%1 OK done\r\n').violations), [['tag', '9', 1]]);
  });

  it('rejects tagged BYE and PREAUTH ("always untagged", §7.1), keeping the octets', () => {
    const result = parseWire('a1 BYE now\r\n');
    assert.deepEqual(located(result.violations), [['resp-cond-state', '9', 3]]);
    assert.deepEqual(result.response, { kind: 'unparsed', text: 'a1 BYE now' });
    assert.equal(result.complete, false);
  });

  it('reports a status without text, and a code without SP text (text = 1*TEXT-CHAR)', () => {
    assert.deepEqual(located(parseWire('a1 OK\r\n').violations), [['resp-text', '9', 5]]);
    assert.deepEqual(located(parseWire('a1 OK \r\n').violations), [['text', '9', 6]]);
    assert.deepEqual(located(parseWire('a1 OK [ALERT]\r\n').violations), [['resp-text', '9', 13]]);
    assert.deepEqual(located(parseWire('a1 OK [ALERT] \r\n').violations), [['text', '9', 14]]);
  });

  it('reports NUL and 8-bit octets in text (TEXT-CHAR = any CHAR except CR and LF)', () => {
    assert.deepEqual(located(parseWire('* OK caf\xe9\xe9 and \0\r\n').violations), [['TEXT-CHAR', '9', 8], ['TEXT-CHAR', '9', 15]]);
    assert.deepEqual(located(parseWire('* OK one\rtwo\r\n').violations), [['TEXT-CHAR', '9', 8]]);
  });

  it('reads a "{5}" ending a text as text, not as a literal', () => {
    const result = parseWire('a1 NO too big {5}\r\n');
    assert.deepEqual(result.response, { kind: 'tagged', tag: 'a1', status: 'NO', code: undefined, text: 'too big {5}' });
    assert.deepEqual(result.violations, []);
  });
});

describe('parseResponse: resp-text-code (§7.1, RFC 5530)', () => {
  const code = (wire: string) => {
    const { response, violations } = parseWire(wire);
    assert.ok(response.kind === 'tagged' || (response.kind === 'untagged' && response.type === 'condition'));
    return { code: response.code, text: response.text, violations };
  };

  it('reads every argument-less code of RFC 3501 and RFC 5530, case-insensitively', () => {
    for (const name of SIMPLE_CODE_NAMES) {
      assert.deepEqual(code(`a NO [${name.toLowerCase()}] x\r\n`), { code: { kind: 'simple', name }, text: 'x', violations: [] });
    }
  });

  it('reports arguments after a code that takes none, keeping them', () => {
    const result = code('a NO [ALERT now] x\r\n');
    assert.deepEqual(result.code, { kind: 'other', name: 'ALERT', text: 'now' });
    assert.deepEqual(located(result.violations), [['resp-text-code', '9', 11]]);
    assert.deepEqual(located(code('a NO [OVERQUOTA 5] x\r\n').violations), [['resp-text-code', '4', 15]]);
  });

  it('reads BADCHARSET with and without its list, astrings as atoms, quoted or literal', () => {
    assert.deepEqual(code('a NO [BADCHARSET] x\r\n').code, { kind: 'badcharset', charsets: [] });
    assert.deepEqual(code('a NO [BADCHARSET (UTF-8 "ISO-8859-1" {8}\r\nUS-ASCII)] x\r\n'), {
      code: { kind: 'badcharset', charsets: ['UTF-8', 'ISO-8859-1', 'US-ASCII'] }, text: 'x', violations: [],
    });
  });

  it('reads PERMANENTFLAGS with \\* and keywords, UIDNEXT / UIDVALIDITY / UNSEEN numbers', () => {
    assert.deepEqual(code('* OK [PERMANENTFLAGS (\\Seen $Junk \\*)] x\r\n').code, { kind: 'permanentflags', flags: ['\\Seen', '$Junk', '\\*'] });
    assert.deepEqual(code('* OK [UIDVALIDITY 4294967295] x\r\n').code, { kind: 'number', name: 'UIDVALIDITY', value: 4294967295 });
  });

  it('reports a zero or a 33-bit UIDNEXT, and reads a non-number as an other code after reporting it', () => {
    assert.deepEqual(located(code('* OK [UIDNEXT 0] x\r\n').violations), [['nz-number', '9', 14]]);
    assert.deepEqual(located(code('* OK [UIDNEXT 4294967296] x\r\n').violations), [['number', '9', 14]]);
    const bad = code('* OK [UIDNEXT abc] x\r\n');
    assert.deepEqual(bad.code, { kind: 'other', name: 'UIDNEXT', text: 'abc' });
    assert.deepEqual(bad.text, 'x');
    assert.deepEqual(located(bad.violations), [['nz-number', '9', 14]]);
  });

  it('accepts X codes and registered extension codes, reports other unknown codes (SHOULD, §7.1)', () => {
    assert.deepEqual(code('a OK [APPENDUID 38505 3955] x\r\n'), { code: { kind: 'other', name: 'APPENDUID', text: '38505 3955' }, text: 'x', violations: [] });
    assert.deepEqual(code('* OK [XFOO] x\r\n').violations, []);
    const unknown = code('* OK [FOO bar [baz] x\r\n');
    assert.deepEqual(unknown.code, { kind: 'other', name: 'FOO', text: 'bar [baz' });
    assert.deepEqual(unknown.violations.map((v) => [v.rule, v.level, v.offset]), [['resp-text-code.x-prefix', 'SHOULD', 6]]);
  });

  it('reports a CAPABILITY code without IMAP4rev1 and an unclosed code', () => {
    assert.deepEqual(located(code('* OK [CAPABILITY IMAP4 LITERAL+] x\r\n').violations), [['capability-data', '9', 6]]);
    const unclosed = parseWire('a1 OK [ALERT\r\n');
    assert.deepEqual(located(unclosed.violations), [['resp-text-code', '9', 12]]);
    assert.deepEqual(unclosed.response, { kind: 'tagged', tag: 'a1', status: 'OK', code: undefined, text: '' }, 'tag and status survive');
    assert.equal(unclosed.complete, false);
    assert.deepEqual(rules(parseWire('* OK [XFOO bar\r\n').violations), ['resp-text-code']);
  });
});

describe('parseResponse: continuation requests (continue-req = "+" SP (resp-text / base64))', () => {
  it('reads "+ " (empty base64), base64, and a resp-text with a code', () => {
    assert.deepEqual(parseWire('+ \r\n').response, { kind: 'continuation', code: undefined, text: '' });
    assert.deepEqual(parseWire('+ YGgGCSqGSIb3\r\n').response, { kind: 'continuation', code: undefined, text: 'YGgGCSqGSIb3' });
    assert.deepEqual(parseWire('+ [ALERT] go on\r\n').response, { kind: 'continuation', code: { kind: 'simple', name: 'ALERT' }, text: 'go on' });
  });

  it('reports "+" without its SP', () => {
    assert.deepEqual(located(parseWire('+\r\n').violations), [['continue-req', '9', 1]]);
  });
});

describe('parseResponse: unknown and broken responses', () => {
  it('reports an untagged type no RFC read here defines and keeps the octets', () => {
    const result = parseWire('* ENABLE CONDSTORE\r\n');
    assert.deepEqual(located(result.violations), [['response-data', '9', 2]]);
    assert.deepEqual(result.response, { kind: 'unparsed', text: '* ENABLE CONDSTORE' });
    // VANISHED is not numbered (RFC 7162 expunged-resp): "* 5 VANISHED" is no response at all.
    assert.deepEqual(parseWire('* 5 VANISHED 1:3\r\n').response, { kind: 'unparsed', text: '* 5 VANISHED 1:3' });
  });

  it('reports a line that is neither tagged, untagged nor a continuation', () => {
    assert.deepEqual(located(parseWire(' OK\r\n').violations), [['tag', '9', 0]]);
  });

  it('reports octets after a complete response', () => {
    assert.deepEqual(located(parseWire('* 3 EXISTS now\r\n').violations), [['mailbox-data', '9', 10]]);
    assert.deepEqual(located(parseWire('* 1 FETCH (UID 4))\r\n').violations), [['message-data', '9', 17]]);
  });

  it('stops at the depth limit (limit.depth, MAY: a limit of ours, not a server fault)', () => {
    const deep = `* 1 FETCH (BODYSTRUCTURE ${'('.repeat(5)}"TEXT" "PLAIN" NIL NIL NIL "7BIT" 1 1) "MIXED") "MIXED") "MIXED") "MIXED"))\r\n`;
    assert.deepEqual(parseWire(deep).violations, []);
    const result = parseWire(deep, { limits: { maxDepth: 4 } });
    assert.deepEqual(result.violations.map((v) => [v.rule, v.level, v.offset]), [['limit.depth', 'MAY', 29]]);
    assert.equal(result.complete, false);
  });
});
