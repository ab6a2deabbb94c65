import { Parser, type FinalResults, type Result } from 'tap-parser';
import { readCaseDiag, readOneOf, readRecord, readString, type DiagContext } from './case-diag.js';
import type { CaseResult, Protocol, RunInfo, RunResult, Verdict } from './result.js';
import { RUN_END_COMMENT, RUN_INFO_COMMENT } from './tap-writer.js';

export interface TapReadResult {
  readonly run: RunResult;
  /** Everything that was not the TAP TapWriter writes: non-TAP lines, bad YAML, plan mismatches. */
  readonly parseErrors: string[];
}

const PROTOCOLS: readonly Protocol[] = ['smtp', 'pop3', 'imap'];

/**
 * Reads TAP written by TapWriter back into the RunResult it came from. Never throws: whatever
 * cannot be read is listed in parseErrors and replaced by a visible placeholder.
 */
export function readTap(text: string): TapReadResult {
  const parseErrors: string[] = [];
  const points: Result[] = [];
  const comments: string[] = [];
  let final: FinalResults | undefined;

  const parser = new Parser();
  parser.on('assert', (point: Result) => points.push(point));
  parser.on('comment', (line: string) => comments.push(line));
  parser.on('extra', (data: string) => parseErrors.push(`not TAP: ${JSON.stringify(data)}`));
  let bailout: string | undefined;
  // TapWriter.bailOut: a run stopped early (Ctrl-C) is a complete record of what ran.
  parser.on('bailout', (reason: string) => (bailout = reason));
  parser.on('complete', (results: FinalResults) => (final = results));
  parser.end(replaceLineSeparators(text, parseErrors));

  const cases = points.map((point) => readCase(point, parseErrors));
  checkPlan(final, points.length, bailout !== undefined, parseErrors);
  const protocol = cases[0]?.protocol ?? 'smtp';
  const info = readRunInfo(findJsonComment(comments, RUN_INFO_COMMENT, parseErrors), protocol, parseErrors);
  const durationMs = readDuration(findJsonComment(comments, RUN_END_COMMENT, parseErrors), parseErrors);
  return { run: { info, cases, durationMs, ...(bailout !== undefined ? { interrupted: bailout } : {}) }, parseErrors };
}

/**
 * tap-parser splits lines with /^.*\r?\n/, and `.` stops at U+2028/U+2029: the rest of the
 * stream would be silently lost. TapWriter never writes them; if they are there, say so and
 * read them as text.
 */
function replaceLineSeparators(text: string, parseErrors: string[]): string {
  if (!/[\u2028\u2029]/.test(text)) return text;
  parseErrors.push('raw U+2028/U+2029 line separator in the TAP stream, read as the text "\\u2028"');
  return text.replace(/[\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
}

function readCase(point: Result, parseErrors: string[]): CaseResult {
  const ctx: DiagContext = { where: `test point ${point.id}`, problems: parseErrors };
  const diag: unknown = point.diag;
  if (diag === null || diag === undefined) {
    parseErrors.push(`${ctx.where}: no YAML diagnostics`);
    return readBarePoint(point);
  }
  // tap-parser moves a numeric duration_ms out of the diag into Result#time.
  const withDuration =
    typeof diag === 'object' && !Array.isArray(diag) && !('duration_ms' in diag) && point.time !== null
      ? { ...diag, duration_ms: point.time }
      : diag;
  const result = readCaseDiag(withDuration, ctx);
  const pointVerdict = verdictOfPoint(point, result.verdict);
  if (pointVerdict === result.verdict) return result;
  parseErrors.push(`${ctx.where}: diagnostics say ${result.verdict} but the test point says ${pointVerdict}`);
  return { ...result, verdict: pointVerdict };
}

/** What the test point line alone says; "not ok" is an error only if the diagnostics say so. */
function verdictOfPoint(point: Result, diagVerdict: Verdict): Verdict {
  if (point.skip !== false) return 'skip';
  if (point.ok) return 'pass';
  return diagVerdict === 'error' ? 'error' : 'fail';
}

/** A test point without diagnostics: what the line says, placeholders for the rest. */
function readBarePoint(point: Result): CaseResult {
  const separator = point.name.indexOf(': ');
  const verdict = verdictOfPoint(point, 'fail');
  const base: CaseResult = {
    id: separator < 0 ? point.name : point.name.slice(0, separator),
    summary: separator < 0 ? '' : point.name.slice(separator + 2),
    protocol: 'smtp',
    suite: '',
    file: '',
    ref: { rfc: 0, section: '' },
    level: 'MUST',
    verdict,
    failures: [],
    transcript: [],
    durationMs: point.time ?? 0,
  };
  return typeof point.skip === 'string' ? { ...base, reason: point.skip } : base;
}

/**
 * tap-parser checks the count only while all points pass; a record of a run must always match,
 * except that a bailed-out run has fewer points than planned (never more).
 */
function checkPlan(final: FinalResults | undefined, count: number, bailedOut: boolean, parseErrors: string[]): void {
  if (final === undefined) {
    parseErrors.push('the TAP stream did not complete');
    return;
  }
  for (const failure of final.failures) {
    if (typeof failure.tapError === 'string' && failure.tapError !== 'incorrect number of tests') {
      parseErrors.push(failure.tapError);
    }
  }
  const planned = final.plan.end === null || final.plan.start === null ? null : final.plan.end - final.plan.start + 1;
  if (planned !== null && (bailedOut ? count > planned : planned !== count)) parseErrors.push(`plan says ${planned} test points, found ${count}`);
}

/** The JSON of the first "# key {json}" comment, or undefined (and a parse error). */
function findJsonComment(comments: readonly string[], key: string, parseErrors: string[]): unknown {
  const prefix = `# ${key} `;
  const line = comments.find((c) => c.startsWith(prefix));
  if (line === undefined) {
    parseErrors.push(`no "# ${key}" comment`);
    return undefined;
  }
  try {
    return JSON.parse(line.slice(prefix.length)) as unknown;
  } catch (error) {
    parseErrors.push(`"# ${key}" comment: ${(error as Error).message}`);
    return undefined;
  }
}

function readRunInfo(value: unknown, fallbackProtocol: Protocol, parseErrors: string[]): RunInfo {
  // A missing comment is reported once already, not once more per field.
  const problems = value === undefined ? [] : parseErrors;
  const ctx: DiagContext = { where: `# ${RUN_INFO_COMMENT}`, problems };
  const obj = readRecord(value, 'run info', ctx) ?? {};
  const props = readRecord(obj['properties'], 'properties', ctx) ?? {};
  // fromEntries defines own keys, so even a "__proto__" fact survives.
  const properties = Object.fromEntries(Object.keys(props).map((k) => [k, readString(props, k, ctx, 'properties')]));
  return {
    tool: readString(obj, 'tool', ctx),
    toolVersion: readString(obj, 'toolVersion', ctx),
    protocol: readOneOf(obj, 'protocol', PROTOCOLS, fallbackProtocol, ctx),
    target: readString(obj, 'target', ctx),
    startedAt: readString(obj, 'startedAt', ctx),
    properties,
  };
}

function readDuration(value: unknown, parseErrors: string[]): number {
  if (value === undefined) return 0;
  const ctx: DiagContext = { where: `# ${RUN_END_COMMENT}`, problems: parseErrors };
  const obj = readRecord(value, 'run end', ctx) ?? {};
  const duration = obj['durationMs'];
  if (typeof duration === 'number') return duration;
  parseErrors.push(`${ctx.where}: durationMs: expected a number`);
  return 0;
}
