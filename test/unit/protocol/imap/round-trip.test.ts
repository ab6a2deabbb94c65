import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { compileResponse } from '../../../../src/protocol/imap/compile-response.js';
import { imapResponse } from './imap-arbitraries.js';
import { parseWire } from './parse-wire.js';

describe('compileResponse / parseResponse round trip', () => {
  it('compile → frame → parse gives back every valid AST, with no violation', () => {
    fc.assert(
      fc.property(imapResponse, (response) => {
        const wire = compileResponse(response);
        const parsed = parseWire(wire);
        assert.deepEqual(parsed.violations, [], wire.toString('latin1'));
        assert.equal(parsed.complete, true);
        assert.deepEqual(parsed.response, response);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses to compile a digest (its octets are gone)', () => {
    const digest = { kind: 'digest' as const, length: 3, sha256: '00', prefix: Buffer.from('a') };
    assert.throws(
      () => compileResponse({ kind: 'untagged', type: 'fetch', seq: 1, attributes: [{ name: 'RFC822', content: digest }] }),
      /digest/,
    );
  });
});
