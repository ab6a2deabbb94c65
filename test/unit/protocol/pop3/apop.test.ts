import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { apopDigest } from '../../../../src/protocol/pop3/apop.js';

describe('apopDigest', () => {
  it('computes RFC 1939 §7 example digest', () => {
    assert.equal(apopDigest('<1896.697170952@dbc.mtview.ca.us>', 'tanstaaf'), 'c4c9334bac560ecc979e58001b3e22fb');
  });

  it('is 32 lower-case hex digits ("using lower-case ASCII characters", §7)', () => {
    assert.match(apopDigest('<1.2@h>', 'secret'), /^[0-9a-f]{32}$/);
  });
});
