import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Parser, type FinalResults, type Result } from 'tap-parser';
import { TapWriter } from '../../../src/report/tap-writer.js';
import { buildCase, buildSampleRun, SAMPLE_INFO, writeTapText } from '../../helpers/sample-run.js';

interface Parsed {
  readonly points: Result[];
  readonly extra: string[];
  readonly final: FinalResults;
}

function parseTap(text: string): Parsed {
  const points: Result[] = [];
  const extra: string[] = [];
  let final: FinalResults | undefined;
  const parser = new Parser({ strict: true });
  parser.on('assert', (point: Result) => points.push(point));
  parser.on('extra', (data: string) => extra.push(data));
  parser.on('complete', (results: FinalResults) => (final = results));
  parser.end(text);
  assert.ok(final !== undefined, 'parser completed');
  return { points, extra, final };
}

function tapErrors(final: FinalResults): unknown[] {
  return final.failures.filter((f) => typeof f.tapError === 'string');
}

describe('TapWriter', () => {
  it('writes TAP 14 that tap-parser reads in strict mode with no errors, even with nasty strings', () => {
    const run = buildSampleRun({ nasty: true });
    const { points, extra, final } = parseTap(writeTapText(run));
    assert.deepEqual(extra, []);
    assert.deepEqual(tapErrors(final), []);
    const verdicts = run.cases.map((c) => c.verdict);
    const count = (v: string): number => verdicts.filter((x) => x === v).length;
    assert.equal(final.count, run.cases.length);
    assert.equal(final.pass, count('pass') + count('skip')); // tap-parser counts a skip as a pass too
    assert.equal(final.fail, count('fail') + count('error'));
    assert.equal(final.skip, count('skip'));
    assert.equal(final.todo, 0);
    assert.equal(points.length, run.cases.length);
    for (const point of points) assert.ok(point.diag !== null, `test point ${point.id} has its diagnostics`);
  });

  it('starts with the version, a run-info comment and the plan', () => {
    const run = buildSampleRun();
    const lines = writeTapText(run).split('\n');
    assert.equal(lines[0], 'TAP version 14');
    assert.match(lines[1] ?? '', /^# mailconform-run \{"tool":"mailconform",/);
    assert.equal(lines[2], `1..${run.cases.length}`);
    assert.match(lines.at(-2) ?? '', /^# mailconform-end \{"durationMs":1234.5\}$/);
  });

  it('marks a skip with a SKIP directive and an error as not ok with verdict: error', () => {
    const run = buildSampleRun();
    const { points } = parseTap(writeTapText(run));
    const byId = new Map(points.map((p) => [p.name.split(':')[0], p]));
    const skip = byId.get('smtp.rfc3207.starttls-twice');
    assert.equal(skip?.ok, true);
    assert.equal(skip?.skip, 'server does not advertise STARTTLS');
    const error = byId.get('smtp.rfc3207.starttls-basic');
    assert.equal(error?.ok, false);
    assert.equal((error?.diag as { verdict?: unknown } | null)?.verdict, 'error');
  });

  it('escapes # in descriptions so a summary never becomes a directive', () => {
    const result = buildCase({ id: 'x', summary: 'a # SKIP b # TODO c \\ d' });
    const text = writeTapText({ info: SAMPLE_INFO, cases: [result], durationMs: 1 });
    assert.match(text, /^ok 1 - x: a \\# SKIP b \\# TODO c \\\\ d$/m);
    const [point] = parseTap(text).points;
    assert.equal(point?.skip, false);
    assert.equal(point?.todo, false);
    assert.equal(point?.name, 'x: a # SKIP b # TODO c \\ d');
  });

  it('keeps every description on one line and never opens a subtest with a trailing brace', () => {
    const result = buildCase({ id: 'x', summary: 'one\ntwo\r\u2028three {' });
    const text = writeTapText({ info: SAMPLE_INFO, cases: [result], durationMs: 1 });
    assert.match(text, /^ok 1 - x: one\\\\ntwo\\\\r\\\\u2028three \\x7B$/m);
    const { points, extra, final } = parseTap(text);
    assert.deepEqual(extra, []);
    assert.deepEqual(tapErrors(final), []);
    assert.equal(points[0]?.buffered, false);
  });

  it('writes U+2028/U+2029 in diagnostics as visible text, since tap-parser splits lines on them', () => {
    const result = buildCase({ id: 'x', summary: 'a\u2028b\u2029c' });
    const text = writeTapText({ info: { ...SAMPLE_INFO, target: 'h\u2028ost:25' }, cases: [result], durationMs: 1 });
    assert.doesNotMatch(text, /[\u2028\u2029]/);
    const { points, extra } = parseTap(text);
    assert.deepEqual(extra, []);
    assert.equal((points[0]?.diag as { summary?: unknown } | null)?.summary, 'a\\u2028b\\u2029c');
  });

  it('truncates long descriptions but keeps the full summary in the diagnostics', () => {
    const summary = 'y'.repeat(1000);
    const text = writeTapText({ info: SAMPLE_INFO, cases: [buildCase({ id: 'x', summary })], durationMs: 1 });
    const pointLine = text.split('\n').find((l) => l.startsWith('ok 1'));
    assert.ok(pointLine !== undefined && pointLine.length < 220);
    assert.equal((parseTap(text).points[0]?.diag as { summary?: unknown } | null)?.summary, summary);
  });

  it('refuses calls out of order', () => {
    const writer = new TapWriter(() => undefined);
    assert.throws(() => writer.writeCase(buildCase({ id: 'x' })), /writeCase\(\) called in state NEW/);
    writer.start(SAMPLE_INFO, 0);
    assert.throws(() => writer.start(SAMPLE_INFO, 0), /start\(\) called in state STARTED/);
    writer.end(0);
    assert.throws(() => writer.end(0), /end\(\) called in state ENDED/);
  });
});
