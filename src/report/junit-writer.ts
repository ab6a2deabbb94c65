import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import junit, { type Builder, type TestSuite } from 'junit-report-builder';
import { escapeLine } from './escape-line.js';
import { describeFailure, formatFailureLine } from './format-failure-line.js';
import type { CaseResult, RunInfo, RunResult, TranscriptLine } from './result.js';
import { toCdataSafe, toXmlSafe } from './xml-safe.js';

/**
 * The package's d.ts says `export default` but its CommonJS main assigns module.exports, so under
 * NodeNext TypeScript types the default import as `{ default: Builder }` while Node hands over
 * the builder itself. Accept either.
 */
const SHARED_BUILDER: Builder = (junit as { default?: Builder }).default ?? (junit as unknown as Builder);

/**
 * Renders a run as JUnit XML: one <testsuite> per suite folder ("smtp/rfc5321"), one <testcase>
 * per case. Every string goes through toXmlSafe first: the builder would delete illegal
 * characters, and with them the evidence.
 */
export function renderJunit(run: RunResult): string {
  // newBuilder(): the default export is a shared singleton that would accumulate across calls.
  const report = SHARED_BUILDER.newBuilder().name(toXmlSafe(escapeLine(`${run.info.tool} ${run.info.target}`)));
  const names = new Set<string>();
  for (const [folder, cases] of groupBySuite(run.cases)) {
    const suite = addSuite(report, folder, run.info, cases, run.interrupted);
    for (const result of cases) addCase(suite, result, uniqueName(result, names));
  }
  return report.build();
}

/**
 * Writes renderJunit(run) to path, creating its parent directories. Written aside and renamed into
 * place, so a process killed meanwhile (a second Ctrl-C) leaves no half-written report.
 */
export async function writeJunitFile(run: RunResult, path: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const aside = `${path}.${process.pid}.tmp`;
  await writeFile(aside, renderJunit(run), 'utf8');
  await rename(aside, path);
}

function groupBySuite(cases: readonly CaseResult[]): Map<string, CaseResult[]> {
  const groups = new Map<string, CaseResult[]>();
  for (const result of cases) {
    const group = groups.get(result.suite);
    if (group === undefined) groups.set(result.suite, [result]);
    else group.push(result);
  }
  return groups;
}

function addSuite(report: Builder, folder: string, info: RunInfo, cases: readonly CaseResult[], interrupted: string | undefined): TestSuite {
  const seconds = cases.reduce((sum, c) => sum + c.durationMs, 0) / 1000;
  const suite = report.testSuite().name(toXmlSafe(folder)).timestamp(toXmlSafe(info.startedAt)).time(seconds);
  const facts: [string, string][] = [
    ['tool', info.tool],
    ['toolVersion', info.toolVersion],
    ['target', info.target],
    ['protocol', info.protocol],
    ['startedAt', info.startedAt],
    ...Object.entries(info.properties),
    // A partial report must say so: CI would otherwise read the cases that ran as the whole run.
    ...(interrupted !== undefined ? [['interrupted', interrupted] as [string, string]] : []),
  ];
  for (const [name, value] of facts) suite.property(toXmlSafe(name), toXmlSafe(value));
  return suite;
}

function addCase(suite: TestSuite, result: CaseResult, name: string): void {
  const testCase = suite
    .testCase()
    .className(toXmlSafe(`${result.protocol}.${lastSegment(result.suite)}`))
    .name(name)
    .file(toXmlSafe(result.file))
    .time(result.durationMs / 1000);
  const message = toXmlSafe(formatFailureLine(result));
  const output: string[] = [];
  if (result.verdict === 'fail') {
    testCase.failure(message, result.failures[0]?.level ?? result.level).stacktrace(toCdataSafe(formatDetails(result)));
  } else if (result.verdict === 'error') {
    testCase.error(message, 'error', toCdataSafe(formatDetails(result)));
  } else if (result.verdict === 'skip') {
    // <skipped> takes no message in junit-report-builder 5: the reason goes to system-out.
    testCase.skipped();
    output.push(`skipped: ${escapeLine(result.reason ?? '')}`);
  }
  output.push(...formatTranscript(result.transcript));
  if (output.length > 0) testCase.standardOutput(toCdataSafe(output.join('\n')));
}

/** Every failure, numbered, with its location and expected vs received; the error reason if none. */
function formatDetails(result: CaseResult): string {
  if (result.failures.length === 0) return formatFailureLine(result);
  return result.failures
    .map((failure, i) => describeFailure(result, failure).map((line, j) => (j === 0 ? `${i + 1}) ${line}` : `   ${line}`)))
    .map((lines) => lines.join('\n'))
    .join('\n\n');
}

/** "C: EHLO x" / "S: 250 OK", prefixed with "[session] " when the case opened several. */
function formatTranscript(lines: readonly TranscriptLine[]): string[] {
  const several = new Set(lines.map((line) => line.session)).size > 1;
  return lines.map((line) => `${several ? `[${escapeLine(line.session)}] ` : ''}${line.dir}: ${escapeLine(line.text)}`);
}

/** "id: summary", made unique with " (2)", " (3)"… should two cases share an id. */
function uniqueName(result: CaseResult, names: Set<string>): string {
  const base = toXmlSafe(escapeLine(`${result.id}: ${result.summary}`));
  let name = base;
  for (let n = 2; names.has(name); n++) name = `${base} (${n})`;
  names.add(name);
  return name;
}

function lastSegment(folder: string): string {
  return folder.split('/').filter((part) => part !== '').at(-1) ?? folder;
}
