import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { readTap } from '../../../src/report/tap-reader.js';
import { TapWriter } from '../../../src/report/tap-writer.js';
import type { CaseResult, RunResult } from '../../../src/report/result.js';
import { buildCase, buildSampleRun, SAMPLE_INFO, writeTapText } from '../../helpers/sample-run.js';

/** Any UTF-16 code unit, lone surrogates included, except the two TapWriter writes as text. */
const anyCodeUnit = fc
  .integer({ min: 0, max: 0xffff })
  .filter((code) => code !== 0x2028 && code !== 0x2029)
  .map((code) => String.fromCharCode(code));
const tricky = fc.constantFrom('\n', '\r', ' \n', '\t', '#', '\\', '---', '...', ' ', '{', ']]>', ': ', '- ', '"', "'", '😀');
const anyText = fc.string({ unit: fc.oneof(anyCodeUnit, tricky, fc.constantFrom('a', 'b')), maxLength: 40 });

const anyCase: fc.Arbitrary<CaseResult> = fc
  .record({
    id: anyText,
    summary: anyText,
    suite: anyText,
    file: anyText,
    verdict: fc.constantFrom('pass', 'fail', 'skip', 'error'),
    reason: fc.option(anyText, { nil: undefined }),
    text: anyText,
    session: anyText,
    expected: fc.option(anyText, { nil: undefined }),
    durationMs: fc.double({ min: 0, max: 1e6, noNaN: true }),
  })
  .map(({ text, session, expected, reason, ...rest }) => {
    const base = buildCase({
      ...rest,
      failures: [{ message: text, level: 'SHOULD', ...(expected === undefined ? {} : { expected }) }],
      transcript: [{ session, dir: 'C', text, atMs: 1 }],
    });
    return reason === undefined ? base : { ...base, reason };
  });

describe('readTap', () => {
  it('reads back exactly the run TapWriter wrote', () => {
    const run = buildSampleRun();
    const { run: read, parseErrors } = readTap(writeTapText(run));
    assert.deepEqual(parseErrors, []);
    assert.deepEqual(read, run);
  });

  it('reads back exactly the run with nasty strings in every field', () => {
    const run = buildSampleRun({ nasty: true });
    const { run: read, parseErrors } = readTap(writeTapText(run));
    assert.deepEqual(parseErrors, []);
    assert.deepEqual(read, run);
  });

  it('round-trips any strings, lone surrogates and control characters included', () => {
    fc.assert(
      fc.property(fc.array(anyCase, { maxLength: 4 }), fc.dictionary(anyText, anyText, { noNullPrototype: true }), (cases, properties) => {
        const run: RunResult = { info: { ...SAMPLE_INFO, properties }, cases, durationMs: 3 };
        const { run: read, parseErrors } = readTap(writeTapText(run));
        assert.deepEqual(parseErrors, []);
        assert.deepEqual(read, run);
      }),
      { numRuns: 200 },
    );
  });

  it('reads back a run stopped early: fewer points than planned, then "Bail out!", is the record of an interrupted run', () => {
    const run = buildSampleRun();
    let text = '';
    const writer = new TapWriter((chunk) => (text += chunk));
    writer.start(run.info, run.cases.length + 5);
    for (const result of run.cases) writer.writeCase(result);
    writer.bailOut(run.durationMs, 'interrupted (Ctrl-C) after 2 of 7 cases');
    assert.match(text, /\n# mailconform-end \{"durationMs":[\d.]+\}\nBail out! interrupted \(Ctrl-C\) after 2 of 7 cases\n$/);
    const { run: read, parseErrors } = readTap(text);
    assert.deepEqual(parseErrors, []);
    assert.deepEqual(read, { ...run, interrupted: 'interrupted (Ctrl-C) after 2 of 7 cases' });
  });

  it('still reports more points than planned after a "Bail out!"', () => {
    const run = buildSampleRun();
    const text = writeTapText(run).replace(/^1\.\.\d+$/m, '1..1') + 'Bail out! late\n';
    assert.match(readTap(text).parseErrors.join('\n'), /plan says 1 test points, found \d+/);
  });

  it('reports non-TAP lines, a plan mismatch and missing diagnostics without throwing', () => {
    const text = [
      'TAP version 14',
      'hello, not TAP',
      '1..3',
      'ok 1 - smtp.x: bare point',
      'not ok 2 - smtp.y: another # SKIP because',
      '',
    ].join('\n');
    const { run, parseErrors } = readTap(text);
    assert.equal(run.cases.length, 2);
    assert.equal(run.cases[0]?.id, 'smtp.x');
    assert.equal(run.cases[0]?.verdict, 'pass');
    assert.equal(run.cases[1]?.verdict, 'skip');
    assert.equal(run.cases[1]?.reason, 'because');
    const all = parseErrors.join('\n');
    assert.match(all, /not TAP: "hello, not TAP\\n"/);
    assert.match(all, /test point 1: no YAML diagnostics/);
    assert.match(all, /plan says 3 test points, found 2/);
    assert.match(all, /no "# mailconform-run" comment/);
  });

  it('reports mistyped diagnostics and a verdict that contradicts its test point', () => {
    const text = [
      'TAP version 14',
      '# mailconform-run {"tool":"mailconform","toolVersion":"0.1.0","protocol":"pop9","target":"h:1","startedAt":"t","properties":{}}',
      '1..1',
      'ok 1 - smtp.x: y',
      '  ---',
      '  id: smtp.x',
      '  verdict: fail',
      '  ref: { rfc: "5321", section: "1" }',
      '  ...',
      '# mailconform-end {"durationMs":5}',
      '',
    ].join('\n');
    const { run, parseErrors } = readTap(text);
    assert.equal(run.cases[0]?.verdict, 'pass');
    assert.equal(run.durationMs, 5);
    const all = parseErrors.join('\n');
    assert.match(all, /protocol: expected one of smtp\|pop3\|imap, got "pop9"/);
    assert.match(all, /test point 1: ref\.rfc: expected a number, got "5321"/);
    assert.match(all, /test point 1: summary: expected a string, got nothing/);
    assert.match(all, /diagnostics say fail but the test point says pass/);
  });

  it('reads back whitespace-only multi-line strings, which yaml 2.9 cannot write as a block', () => {
    const result = buildCase({ id: 'x', summary: ' \n', transcript: [{ session: '\t\n', dir: 'S', text: ' ', atMs: 0 }] });
    const run: RunResult = { info: SAMPLE_INFO, cases: [result], durationMs: 1 };
    const text = writeTapText(run);
    assert.match(text, /^ {2}\{"id":"x","summary":" \\n",/m);
    const { run: read, parseErrors } = readTap(text);
    assert.deepEqual(parseErrors, []);
    assert.deepEqual(read, run);
  });

  it('reports a raw line separator instead of losing the rest of the stream', () => {
    const run = buildSampleRun();
    const text = writeTapText(run).replace('EHLO gets a 250 reply', 'EHLO gets\u2028a 250 reply');
    const { run: read, parseErrors } = readTap(text);
    assert.equal(read.cases.length, run.cases.length);
    assert.match(parseErrors.join('\n'), /U\+2028/);
  });

  it('never throws, whatever the input', () => {
    const written = writeTapText(buildSampleRun());
    fc.assert(
      fc.property(fc.integer({ min: 0, max: written.length }), anyText, (at, junk) => {
        readTap(written.slice(0, at) + junk + written.slice(at));
      }),
      { numRuns: 200 },
    );
  });
});
