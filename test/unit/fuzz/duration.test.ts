import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDuration } from '../../../src/cli/duration.js';

test('durations: units, combinations and plain seconds', () => {
  assert.equal(parseDuration('30s'), 30_000);
  assert.equal(parseDuration('10m'), 600_000);
  assert.equal(parseDuration('1h30m'), 5_400_000);
  assert.equal(parseDuration('500ms'), 500);
  assert.equal(parseDuration('2.5'), 2500);
});

test('bad durations are errors that name the flag', () => {
  for (const bad of ['', 'ten', '10x', '0s', '-5s', '1h foo']) {
    const parsed = parseDuration(bad);
    assert.equal(typeof parsed, 'object', bad);
    assert.match((parsed as { error: string }).error, /--duration/);
  }
});
