import assert from 'node:assert/strict';
import { test } from 'node:test';
import { frameResponses } from '../../../../src/protocol/imap/response-framer.js';
import { formatValue, readValueTree } from '../../../../src/protocol/imap/value-tree.js';

const treeOf = (line: string) => readValueTree(frameResponses(Buffer.from(`${line}\r\n`, 'latin1')).responses[0]!.raw);

// Both found by the hostile-server property (test/integration/hostile-servers.test.ts).

test('a line of 65 535 "(" is read in linear time: unclosed groups fold back in one pass', () => {
  const started = performance.now();
  const values = treeOf('('.repeat(65_535));
  assert.equal(values.length, 65_535);
  assert.ok(values.every((v) => v.kind === 'atom' && v.text === '('));
  assert.ok(performance.now() - started < 2000, `took ${performance.now() - started} ms`);
});

test('unclosed groups keep their order: outer opener, its items, inner opener, its items', () => {
  assert.deepEqual(treeOf('* 1 (a [b c').map(formatValue), ['*', '1', '(', 'a', '[', 'b', 'c']);
});

test('nesting past the depth limit stays text, so formatting and matching cannot overflow the stack', () => {
  const values = treeOf(`* 1 FETCH ${'('.repeat(30_000)}${')'.repeat(30_000)}`);
  assert.equal(values.length, 4);
  const text = formatValue(values[3]!);
  assert.equal(text.replace(/ /g, ''), `${'('.repeat(30_000)}${')'.repeat(30_000)}`);
  assert.deepEqual(treeOf('(((x)))').map(formatValue), ['(((x)))']);
});
