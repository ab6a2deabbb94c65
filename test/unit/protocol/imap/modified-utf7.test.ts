import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeModifiedUtf7, encodeModifiedUtf7 } from '../../../../src/protocol/imap/modified-utf7.js';

const kinds = (raw: string): Array<[string, number]> => decodeModifiedUtf7(raw).problems.map((p) => [p.kind, p.index]);

describe('modified UTF-7 (RFC 3501 §5.1.3)', () => {
  it('decodes the RFC examples and "&-"', () => {
    assert.deepEqual(decodeModifiedUtf7('~peter/mail/&U,BTFw-/&ZeVnLIqe-'), { name: '~peter/mail/台北/日本語', problems: [] });
    assert.deepEqual(decodeModifiedUtf7('&U,BTF2XlZyyKng-'), { name: '台北日本語', problems: [] });
    assert.deepEqual(decodeModifiedUtf7('Tom &- Jerry'), { name: 'Tom & Jerry', problems: [] });
    assert.deepEqual(decodeModifiedUtf7('&AMk-t&AOk-'), { name: 'Été', problems: [] });
  });

  it('encodes to the canonical form the RFC shows', () => {
    assert.equal(encodeModifiedUtf7('~peter/mail/台北/日本語'), '~peter/mail/&U,BTFw-/&ZeVnLIqe-');
    assert.equal(encodeModifiedUtf7('台北日本語'), '&U,BTF2XlZyyKng-');
    assert.equal(encodeModifiedUtf7('a&b'), 'a&-b');
    assert.equal(encodeModifiedUtf7('😀'), '&2D3eAA-');
  });

  it('reports the RFC\'s invalid forms: "&Jjo!" (no shift back) and "&U,BTFw-&ZeVnLIqe-" (superfluous shift)', () => {
    assert.deepEqual(kinds('&Jjo!'), [['unterminated', 0]]);
    assert.deepEqual(kinds('&U,BTFw-&ZeVnLIqe-'), [['superfluous-shift', 7]]);
    assert.deepEqual(kinds('abc&'), [['unterminated', 3]]);
  });

  it('reports encoded printable ASCII, bad lengths and padding, unpaired surrogates, raw 8-bit and controls', () => {
    assert.deepEqual(kinds('&AGE-'), [['encoded-ascii', 1]]);
    assert.deepEqual(kinds('&AG-'), [['bad-base64', 1]]);
    assert.deepEqual(kinds('&AMl-'), [['bad-base64', 1]]);
    assert.deepEqual(kinds('&2D0-'), [['bad-utf16', 1]]);
    assert.deepEqual(kinds('caf\xe9'), [['raw-8bit', 3]]);
    assert.deepEqual(kinds('a\tb'), [['raw-control', 1]]);
    assert.equal(decodeModifiedUtf7('x&AG-y').name, 'x&AG-y', 'an undecodable run is kept as sent');
  });

  it('round-trips every string: decode(encode(s)) = s, with no problem', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        assert.deepEqual(decodeModifiedUtf7(encodeModifiedUtf7(s)), { name: s, problems: [] });
      }),
    );
  });
});
