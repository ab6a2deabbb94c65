import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { replyClass } from '../../../../src/protocol/smtp/reply-codes.js';

describe('replyClass', () => {
  it('reads the first digit of 2yz-5yz codes', () => {
    assert.deepEqual([250, 354, 421, 554, 200, 599].map(replyClass), [2, 3, 4, 5, 2, 5]);
  });

  it('has no class for missing or out-of-range codes', () => {
    assert.deepEqual([undefined, 199, 600, 0, 250.5].map(replyClass), [undefined, undefined, undefined, undefined, undefined]);
  });
});
