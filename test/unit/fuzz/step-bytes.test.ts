import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deserializeStep, breaksAttribution, serializeInput } from '../../../src/fuzz/robustness/step-bytes.js';

test('bare CR, bare LF and NUL break the attribution of answers; CRLF does not', () => {
  assert.equal(breaksAttribution(Buffer.from('NOOP\r\nRSET\r\n')), false);
  assert.equal(breaksAttribution(Buffer.from('NOOP\nRSET\r\n')), true);
  assert.equal(breaksAttribution(Buffer.from('NO\rOP\r\n')), true);
  assert.equal(breaksAttribution(Buffer.from('\nNOOP\r\n')), true);
  // A CR at the very end may be completed by the next write.
  assert.equal(breaksAttribution(Buffer.from('NOOP\r')), false);
  assert.equal(breaksAttribution(Buffer.from('CAPA\x00\r\n', 'latin1')), true);
});

test('inputs serialize to JSON and back byte for byte', () => {
  const bytes = Buffer.from([0x41, 0x00, 0xff, 0x0d, 0x0a]);
  const json = JSON.parse(JSON.stringify(serializeInput({ start: 'greeted', steps: [{ label: 'x', bytes, cuts: [2], abandoned: false }] }))) as ReturnType<typeof serializeInput>;
  const step = deserializeStep(json.steps[0]!);
  assert.deepEqual(step.bytes, bytes);
  assert.deepEqual(step.cuts, [2]);
  assert.equal(json.start, 'greeted');
});
