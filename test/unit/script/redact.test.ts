import assert from 'node:assert/strict';
import { test } from 'node:test';
import { REDACTED, redactCaseResult } from '../../../src/script/redact.js';
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
