import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { formatTranscriptDiag, parseTranscriptText } from '../../../src/report/transcript-text.js';
import type { TranscriptLine } from '../../../src/report/result.js';

test('a transcript line is one readable string in TAP', () => {
  assert.equal(formatTranscriptDiag({ session: '1', dir: 'S', text: '220 mx ESMTP', atMs: 0.731 }), 'S: 220 mx ESMTP  [1 +0.731ms]');
});

test('compact lines read back exactly, even when the text itself looks like the suffix', () => {
  const line: TranscriptLine = { session: 'b', dir: 'C', text: 'NOOP  [1 +2ms]', atMs: 12.5 };
  const diag = formatTranscriptDiag(line);
  assert.equal(typeof diag, 'string');
  assert.deepEqual(parseTranscriptText(diag as string), line);
});

test('property: every line round-trips through its diagnostic form', () => {
  fc.assert(
    fc.property(fc.stringMatching(/^[A-Za-z0-9_-]{1,8}$/), fc.constantFrom<TranscriptLine['dir']>('C', 'S', '*'), fc.string(), fc.double({ min: 0, max: 1e6, noNaN: true }), (session, dir, text, atMs) => {
      const line = { session, dir, text, atMs };
      const diag = formatTranscriptDiag(line);
      assert.deepEqual(typeof diag === 'string' ? parseTranscriptText(diag) : line, line);
    }),
  );
});
