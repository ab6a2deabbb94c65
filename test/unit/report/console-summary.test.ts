import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatSummary } from '../../../src/report/console-summary.js';
import { buildCase, buildSampleRun, SAMPLE_INFO } from '../../helpers/sample-run.js';

describe('formatSummary', () => {
  it('names each failed or errored case with its RFC section, location and expected vs received', () => {
    const text = formatSummary(buildSampleRun());
    assert.match(text, /^FAIL smtp\.rfc5321\.rcpt-before-mail \(smtp\/rfc5321\/rcpt-before-mail\.smtp:7\)$/m);
    assert.match(text, /^ {2}RFC 5321 §4\.1\.4 MUST: expected 503 reply to RCPT before MAIL, got 250$/m);
    assert.match(text, /^ {2}expected: 503\n {2}received: 250 2\.1\.5 Ok$/m);
    assert.match(text, /^FAIL smtp\.rfc5321\.two-sessions .*\n {2}RFC 5321 §3\.3 SHOULD: /m);
    assert.match(text, /\(\+1 more failure in the report\)/);
    assert.match(text, /^ERROR smtp\.rfc3207\.starttls-basic .*\n {2}RFC 3207 §4 MUST: ERR_TRANSPORT_TIMEOUT/m);
  });

  it('counts every verdict and leaves passes and skips out of the details', () => {
    const text = formatSummary(buildSampleRun());
    assert.match(text, /: 2 passed, 2 failed, 1 skipped, 1 error \(6 cases\) in 1\.23s\n$/);
    assert.doesNotMatch(text, /ehlo-basic|starttls-twice/);
  });

  it('is one line when everything passed', () => {
    const text = formatSummary({ info: SAMPLE_INFO, cases: [buildCase({ id: 'a' })], durationMs: 10 });
    assert.equal(text, 'mailconform 0.1.0 smtp 127.0.0.1:2525: 1 passed, 0 failed, 0 skipped, 0 errors (1 case) in 0.01s\n');
  });

  it('colours only when asked, and never passes a server escape sequence to the terminal', () => {
    const evil = buildCase({ id: 'x', verdict: 'fail', reason: 'got \u001b[2J\u009b1m', failures: [] });
    const plain = formatSummary({ info: SAMPLE_INFO, cases: [evil], durationMs: 1 });
    assert.doesNotMatch(plain, /[\x00-\x09\x0b-\x1f\x7f-\x9f]/);
    assert.match(plain, /got \\x1B\[2J\\x9B1m/);
    assert.match(formatSummary({ info: SAMPLE_INFO, cases: [evil], durationMs: 1 }, { color: true }), /\x1b\[31mFAIL\x1b\[0m/);
  });
});
