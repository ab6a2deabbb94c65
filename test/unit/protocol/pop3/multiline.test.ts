import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Pop3Conversation } from '../../../../src/protocol/pop3/conversation.js';
import { countBodyOctets, encodeMultilineBody, joinBodyLines, parseBodyLine } from '../../../../src/protocol/pop3/multiline.js';
import type { Pop3Response } from '../../../../src/protocol/pop3/pop3-response.js';
import { framedLine, framedLines } from '../../../helpers/framed-lines.js';

const bytes = (s: string): Buffer => Buffer.from(s, 'latin1');
const text = (b: Uint8Array): string => Buffer.from(b).toString('latin1');

describe('parseBodyLine', () => {
  it('reads "." CRLF as the terminator', () => {
    const result = parseBodyLine(framedLine('.\r\n'));
    assert.equal(result.line.kind, 'end');
    assert.deepEqual(result.violations, []);
  });

  it('removes one dot from a byte-stuffed line: "..x" is ".x", ".." is "."', () => {
    assert.equal(text(parseBodyLine(framedLine('..x\r\n')).data!), '.x');
    assert.equal(text(parseBodyLine(framedLine('..\r\n')).data!), '.');
    assert.deepEqual(parseBodyLine(framedLine('...\r\n')).violations, []);
  });

  it('keeps other lines as they are, the empty line included', () => {
    const result = parseBodyLine(framedLine('x.y\r\n'));
    assert.deepEqual(result.line, { kind: 'data', text: 'x.y', raw: result.line.raw });
    assert.equal(text(parseBodyLine(framedLine('\r\n')).data!), '');
  });

  it('strips the dot of an unstuffed ".x" as §3 says, and reports it at offset 1', () => {
    const result = parseBodyLine(framedLine('.x\r\n'));
    assert.equal(text(result.data!), 'x');
    assert.deepEqual(
      result.violations.map((v) => [v.rule, v.ref.section, v.level, v.offset, v.received]),
      [['multi-line.byte-stuffing', '3', 'MUST', 1, 'x']],
    );
  });

  it('reports a bare LF inside a body (CRLF, RFC 1939 §3)', () => {
    const result = parseBodyLine(framedLine('abc\n'));
    assert.equal(text(result.data!), 'abc');
    assert.deepEqual(result.violations.map((v) => [v.rule, v.offset]), [['CRLF', 3]]);
  });

  it('ends the body at "." + bare LF, reporting the LF', () => {
    const result = parseBodyLine(framedLine('.\n'));
    assert.equal(result.line.kind, 'end');
    assert.deepEqual(result.violations.map((v) => [v.rule, v.offset]), [['CRLF', 1]]);
  });
});

describe('encodeMultilineBody', () => {
  const examples: [string, string, string][] = [
    ['a plain message', 'Subject: x\r\n\r\nhello\r\n', 'Subject: x\r\n\r\nhello\r\n.\r\n'],
    ['a ".hidden" line', 'a\r\n.hidden\r\n', 'a\r\n..hidden\r\n.\r\n'],
    ['a "." line', 'a\r\n.\r\nb\r\n', 'a\r\n..\r\nb\r\n.\r\n'],
    ['a message without final CRLF', 'abc', 'abc\r\n.\r\n'],
    ['the empty message', '', '.\r\n'],
  ];
  for (const [what, message, wire] of examples) {
    it(`encodes ${what}`, () => {
      assert.equal(text(encodeMultilineBody(bytes(message))), wire);
    });
  }
});

/** A conversation in TRANSACTION, as after the RFC 1939 §10 APOP login. */
function loggedIn(): Pop3Conversation {
  const conversation = new Pop3Conversation();
  conversation.onLine(framedLine('+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>\r\n'));
  conversation.onSend(bytes('APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n'));
  conversation.onLine(framedLine("+OK mrose's maildrop has 2 messages (320 octets)\r\n"));
  return conversation;
}

/** Sends `command` and feeds `wire`; returns the response it completes. */
function exchange(conversation: Pop3Conversation, command: string, wire: string): Pop3Response {
  conversation.onSend(bytes(`${command}\r\n`));
  const responses = framedLines(wire).flatMap((l) => conversation.onLine(l).response ?? []);
  assert.equal(responses.length, 1);
  return responses[0]!;
}

/** Message lines without CR or LF inside, rich in dots; the message is each line plus CRLF. */
const linesArb = fc.array(
  fc.array(fc.constantFrom('.', '..', 'a', ' ', '\t', '\x00', '\xff', 'From: x'), { maxLength: 6 }).map((parts) => bytes(parts.join(''))),
  { maxLength: 20 },
);

describe('multi-line responses through the conversation', () => {
  it('property: a correctly stuffed body parses back to the same lines and octets, with no violations', () => {
    fc.assert(
      fc.property(linesArb, (lines) => {
        const message = joinBodyLines(lines);
        const response = exchange(loggedIn(), 'RETR 1', `+OK message follows\r\n${text(encodeMultilineBody(message))}`);
        assert.deepEqual(response.lines, lines);
        assert.equal(response.octets, message.length);
        assert.equal(countBodyOctets(response.lines), message.length);
        assert.deepEqual(response.violations, []);
      }),
    );
  });

  it('locates body violations from the first byte of the status line', () => {
    const response = exchange(loggedIn(), 'RETR 1', '+OK\r\na\r\n.b\r\nc\n.\r\n');
    // "+OK\r\n" 5, "a\r\n" 3: ".b" starts at 8, its "b" at 9; "c" at 12, its missing CR at 13.
    assert.deepEqual(
      response.violations.map((v) => [v.rule, v.offset]),
      [
        ['multi-line.byte-stuffing', 9],
        ['CRLF', 13],
      ],
    );
    assert.deepEqual(response.lineOffsets, [5, 9, 12]);
  });

  it('reports each line violation on the line that carries it, as it arrives', () => {
    const conversation = loggedIn();
    conversation.onSend(bytes('RETR 1\r\n'));
    const events = framedLines('+OK\r\nbad\n.\r\n').map((l) => conversation.onLine(l));
    assert.deepEqual(events.map((e) => e.violations.map((v) => v.rule)), [[], ['CRLF'], []]);
    assert.equal(events[2]!.response?.violations.length, 1);
  });
});
