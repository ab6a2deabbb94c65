import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { ScriptCase } from '../../../src/script/script-case.js';
import { parseShard, selectCases } from '../../../src/script/select-cases.js';

function fakeCase(id: string): ScriptCase<never> {
  return {
    protocol: 'smtp',
    header: { id, summary: id, ref: { rfc: 5321, section: '4.2' }, level: 'MUST', requires: [], seed: [], destructive: false },
    steps: [],
    file: `${id}.smtp`,
    suite: 'smtp/rfc5321',
    needs: [],
    fixtures: [],
  };
}

test('--shard parsing accepts i/n with 1 ≤ i ≤ n only', () => {
  assert.deepEqual(parseShard('2/4'), { index: 2, count: 4 });
  for (const bad of ['0/4', '5/4', '1/0', '2', 'a/b', '-1/2']) assert.ok('error' in parseShard(bad), bad);
});

test('--only matches substrings or *-patterns against ids', () => {
  const cases = ['smtp.rfc5321.quit', 'smtp.rfc5321.rset', 'smtp.rfc5321.rcpt-before-mail'].map(fakeCase);
  assert.deepEqual(selectCases(cases, ['quit']).map((c) => c.header.id), ['smtp.rfc5321.quit']);
  assert.deepEqual(selectCases(cases, ['smtp.rfc5321.r*']).map((c) => c.header.id), ['smtp.rfc5321.rcpt-before-mail', 'smtp.rfc5321.rset']);
  assert.equal(selectCases(cases, ['nothing']).length, 0);
});

test('property: n shards partition the selected cases exactly, whatever the input order', () => {
  fc.assert(
    fc.property(fc.uniqueArray(fc.stringMatching(/^[a-z]{1,6}$/), { maxLength: 40 }), fc.integer({ min: 1, max: 7 }), (ids, n) => {
      const cases = ids.map(fakeCase);
      const shards = Array.from({ length: n }, (_, i) => selectCases([...cases].reverse(), [], { index: i + 1, count: n }).map((c) => c.header.id));
      const all = shards.flat().sort();
      assert.deepEqual(all, [...ids].sort());
    }),
  );
});
