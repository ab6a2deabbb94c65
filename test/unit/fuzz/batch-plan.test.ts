import assert from 'node:assert/strict';
import { test } from 'node:test';
import { batchFor, mixSeed } from '../../../src/fuzz/campaign/batch-plan.js';

test('n shards with one seed run every batch of the whole campaign exactly once', () => {
  const whole = Array.from({ length: 24 }, (_, j) => batchFor(42, { index: 1, count: 1 }, j, 3));
  for (const n of [2, 3, 4]) {
    const sharded = Array.from({ length: n }, (_, i) => Array.from({ length: 24 / n }, (_, j) => batchFor(42, { index: i + 1, count: n }, j, 3))).flat();
    assert.deepEqual(
      sharded.map((b) => b.number).sort((a, b) => a - b),
      whole.map((b) => b.number),
    );
    // The same batch number always has the same seed, whichever shard runs it.
    for (const b of sharded) assert.equal(b.seed, whole[b.number]!.seed);
  }
});

test('each shard still cycles through every property, even when n and the property count share a factor', () => {
  for (let i = 1; i <= 2; i++) {
    const props = new Set(Array.from({ length: 6 }, (_, j) => batchFor(7, { index: i, count: 2 }, j, 2).propertyIndex));
    assert.deepEqual([...props].sort(), [0, 1]);
  }
});

test('seeds differ between batches and campaigns, and are 32-bit integers', () => {
  const seeds = new Set<number>();
  for (let k = 0; k < 1000; k++) seeds.add(mixSeed(1, k));
  for (let k = 0; k < 1000; k++) seeds.add(mixSeed(2, k));
  assert.equal(seeds.size, 2000);
  for (const s of seeds) assert.ok(Number.isInteger(s) && s >= -(2 ** 31) && s < 2 ** 31);
  assert.equal(mixSeed(1, 5), mixSeed(1, 5));
});
