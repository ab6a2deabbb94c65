import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAstringChar, isAtomChar, isChar8, isQuotedChar, isTagChar, isTextChar } from '../../../../src/protocol/imap/formal-syntax.js';

const all = Array.from({ length: 256 }, (_, b) => b);
const excluded = (test: (b: number) => boolean): string =>
  Buffer.from(all.filter((b) => b >= 0x20 && b < 0x7f && !test(b))).toString('latin1');

describe('§9 character classes', () => {
  it('ATOM-CHAR excludes exactly the atom-specials among printable ASCII, and CTL and 8-bit', () => {
    assert.equal(excluded(isAtomChar), ' "%()*\\]{');
    assert.ok(all.filter((b) => b < 0x20 || b >= 0x7f).every((b) => !isAtomChar(b)));
  });

  it('ASTRING-CHAR adds "]", tag chars remove "+"', () => {
    assert.equal(excluded(isAstringChar), ' "%()*\\{');
    assert.equal(excluded(isTagChar), ' "%()*+\\{');
  });

  it('TEXT-CHAR is CHAR without CR and LF; QUOTED-CHAR also without the quoted-specials; CHAR8 without NUL', () => {
    assert.deepEqual(all.filter((b) => !isTextChar(b)), [0x00, 0x0a, 0x0d, ...all.slice(0x80)]);
    assert.equal(excluded(isQuotedChar), '"\\');
    assert.deepEqual(all.filter((b) => !isChar8(b)), [0]);
  });
});
