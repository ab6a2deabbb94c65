import assert from 'node:assert/strict';
import { test } from 'node:test';
import { escapeBytes } from '../../../src/protocol/shared/bytes.js';
import { REDACTED, redactCaseResult, secretRedactor } from '../../../src/script/redact.js';
import { buildCase } from '../../helpers/sample-run.js';

test('a secret disappears from transcript, failures and reason, also in its escaped wire form', () => {
  const secret = 'canary-pässword\\1';
  const escaped = 'canary-p\\xc3\\xa4ssword\\\\1';
  const base = buildCase({ id: 'smtp.rfc5321.x', verdict: 'fail' });
  const result = redactCaseResult(
    {
      ...base,
      reason: `expected +OK, got -ERR bad password ${secret}`,
      failures: [{ message: `got ${escaped}`, level: 'MUST', expected: secret, received: `-ERR ${escaped}` }],
      transcript: [
        { session: '1', dir: 'C', text: `PASS ${escaped}`, atMs: 1 },
        { session: '1', dir: 'S', text: '+OK', atMs: 2 },
      ],
    },
    [secret],
  );
  const text = JSON.stringify(result);
  assert.ok(!text.includes('canary'), text);
  assert.equal(result.transcript[0]!.text, `PASS ${REDACTED}`);
  assert.equal(result.failures[0]!.expected, REDACTED);
});

test('no secrets: the result is returned as is', () => {
  const base = buildCase({ id: 'smtp.rfc5321.y', verdict: 'pass' });
  assert.equal(redactCaseResult(base, []), base);
  assert.equal(redactCaseResult(base, ['']), base);
});

test('a secret is also found inside an IMAP quoted string and base64-encoded (SASL LOGIN)', () => {
  const secret = 'can"ary\\pw';
  const redact = secretRedactor([secret])!;
  // LOGIN alice "can\"ary\\pw", and that line as a transcript escapes it once more.
  const quoted = 'can\\"ary\\\\pw';
  assert.equal(redact(`a1 LOGIN alice "${quoted}"`), `a1 LOGIN alice "${REDACTED}"`);
  assert.equal(redact(escapeBytes(Buffer.from(`a1 LOGIN alice "${quoted}"`), Infinity)), `a1 LOGIN alice "${REDACTED}"`);
  assert.equal(redact(Buffer.from(secret).toString('base64')), REDACTED);
});
