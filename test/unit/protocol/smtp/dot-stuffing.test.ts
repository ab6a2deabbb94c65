import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeDataBody, encodeDataBody } from '../../../../src/protocol/smtp/dot-stuffing.js';

const bytes = (s: string): Buffer => Buffer.from(s, 'latin1');
const text = (b: Uint8Array): string => Buffer.from(b).toString('latin1');

/** Messages rich in the bytes that matter here: dots, CR, LF, and lines made of them. */
const messageArb = fc
  .array(fc.constantFrom('.', '\r', '\n', '\r\n', '.\r\n', '..', 'a', ' ', '\x00', '\xff'), { maxLength: 40 })
  .map((parts) => bytes(parts.join('')));

/** Same, but ending with CRLF as a well-formed message does (or empty). */
const crlfMessageArb = messageArb.map((m) => (m.length === 0 ? m : Buffer.concat([m, bytes('\r\n')])));

describe('encodeDataBody', () => {
  const examples: [string, string, string][] = [
    ['a plain message', 'Subject: x\r\n\r\nhello\r\n', 'Subject: x\r\n\r\nhello\r\n.\r\n'],
    ['a ".hidden" line', 'a\r\n.hidden\r\nb\r\n', 'a\r\n..hidden\r\nb\r\n.\r\n'],
    ['a "." alone line', 'a\r\n.\r\nb\r\n', 'a\r\n..\r\nb\r\n.\r\n'],
    ['a ".." line', 'a\r\n..\r\n', 'a\r\n...\r\n.\r\n'],
    ['a message starting with "."', '.start\r\n', '..start\r\n.\r\n'],
    ['a message that is only "."', '.', '..\r\n.\r\n'],
    ['a message without final CRLF', 'abc', 'abc\r\n.\r\n'],
    ['a message ending in a bare LF', 'abc\n', 'abc\n\r\n.\r\n'],
    ['a "." after a bare LF (not a line start)', 'a\n.b\r\n', 'a\n.b\r\n.\r\n'],
    ['a "." after a bare CR', 'a\r.\r\n', 'a\r.\r\n.\r\n'],
    ['the empty message', '', '.\r\n'],
  ];
  for (const [what, message, wire] of examples) {
    it(`encodes ${what}`, () => {
      assert.equal(text(encodeDataBody(bytes(message))), wire);
    });
  }

  it('never ends the data early: the only "\\r\\n.\\r\\n" is the terminator', () => {
    fc.assert(
      fc.property(messageArb, (m) => {
        const wire = text(encodeDataBody(m));
        assert.ok(wire.endsWith('.\r\n'));
        // The DATA command's own CRLF comes first, so the wire counts as if preceded by CRLF.
        const first = `\r\n${wire}`.indexOf('\r\n.\r\n');
        assert.equal(first, wire.length + 2 - 5);
      }),
    );
  });

  it('leaves bytes other than inserted dots and the ending untouched', () => {
    fc.assert(
      fc.property(messageArb, (m) => {
        const wire = text(encodeDataBody(m));
        const body = wire.slice(0, -3).replace(/(^|\r\n)\./g, '$1');
        assert.ok(body === text(m) || body === `${text(m)}\r\n`);
      }),
    );
  });
});

describe('decodeDataBody', () => {
  it('inverts encodeDataBody for messages ending in CRLF', () => {
    fc.assert(
      fc.property(crlfMessageArb, (m) => {
        const { message, terminated } = decodeDataBody(encodeDataBody(m));
        assert.equal(terminated, true);
        assert.deepEqual(message, m);
      }),
    );
  });

  it('returns the message plus CRLF when the message lacked it', () => {
    fc.assert(
      fc.property(
        messageArb.filter((m) => m.length > 0 && !text(m).endsWith('\r\n')),
        (m) => {
          assert.deepEqual(decodeDataBody(encodeDataBody(m)).message, Buffer.concat([m, bytes('\r\n')]));
        },
      ),
    );
  });

  const examples: [string, string, string, boolean][] = [
    ['unstuffs a leading dot', 'a\r\n..hidden\r\n.\r\n', 'a\r\n.hidden\r\n', true],
    ['keeps a "." line as "."', '..\r\n.\r\n', '.\r\n', true],
    ['stops at the first terminator', 'a\r\n.\r\nMAIL FROM:<x>\r\n', 'a\r\n', true],
    ['reads an empty message', '.\r\n', '', true],
    ['does not end at <LF>.<LF>', 'a\n.\nb\r\n', 'a\n.\nb\r\n', false],
    // Only CRLF ends a line, so ".\n" is a "." followed by other characters: the dot goes.
    ['does not end at a "." line with a bare LF', 'a\r\n.\n', 'a\r\n\n', false],
    ['reports an unterminated body', 'a\r\n..b', 'a\r\n.b', false],
    ['keeps a lone trailing "."', 'a\r\n.', 'a\r\n.', false],
  ];
  for (const [what, wire, message, terminated] of examples) {
    it(what, () => {
      const decoded = decodeDataBody(bytes(wire));
      assert.equal(text(decoded.message), message);
      assert.equal(decoded.terminated, terminated);
    });
  }
});
