import type { RequirementLevel, RfcRef } from '../protocol/shared/rfc.js';

/**
 * The one canonical result type. TAP is written from it and read back into it; JUnit, console
 * and any other view consume only these types.
 */

export type Protocol = 'smtp' | 'pop3' | 'imap';

/** pass / fail: the server's verdict. skip: not applicable to this target. error: the tool could not run the case. */
export type Verdict = 'pass' | 'fail' | 'skip' | 'error';

export interface SourceLocation {
  /** Suite file, relative to the suites root (e.g. "smtp/rfc5321/rcpt-before-mail.smtp"). */
  readonly file: string;
  readonly line: number;
}

/** One reason a case failed. Every failure names the rule it enforces. */
export interface Failure {
  /** One line, with the RFC rule, e.g. "expected 503 reply to RCPT before MAIL, got 250". */
  readonly message: string;
  readonly ref?: RfcRef;
  readonly level: RequirementLevel;
  /** Grammar rule name when a parser found the problem (e.g. "Reply-code"). */
  readonly rule?: string;
  /** Where in the suite file the expectation was written (absent for grammar checks of unexpected lines). */
  readonly location?: SourceLocation;
  readonly expected?: string;
  /** Escaped bytes as received (see escapeBytes). */
  readonly received?: string;
}

/** One line of the conversation, in transcript notation. */
export interface TranscriptLine {
  /** Session name; "1" unless the case opens several. */
  readonly session: string;
  /** C: sent by the tool, S: received from the server, *: a note from the engine (connect, close, timeout). */
  readonly dir: 'C' | 'S' | '*';
  /** Escaped text of the line (CRLF not shown; a bare LF or other odd terminator is shown escaped). */
  readonly text: string;
  /** Milliseconds since the case started. */
  readonly atMs: number;
}

export interface CaseResult {
  /** Unique, stable id, e.g. "smtp.rfc5321.rcpt-before-mail". */
  readonly id: string;
  readonly protocol: Protocol;
  /** Suite folder relative to the suites root, e.g. "smtp/rfc5321". */
  readonly suite: string;
  readonly summary: string;
  readonly ref: RfcRef;
  readonly level: RequirementLevel;
  readonly file: string;
  readonly verdict: Verdict;
  /** One line: the skip reason, the first failure, or the error. */
  readonly reason?: string;
  readonly failures: readonly Failure[];
  readonly transcript: readonly TranscriptLine[];
  readonly durationMs: number;
}

/** Facts about a run that every report carries (JUnit properties, TAP header comment). */
export interface RunInfo {
  readonly tool: string;
  readonly toolVersion: string;
  readonly protocol: Protocol;
  /** host:port */
  readonly target: string;
  readonly startedAt: string;
  /** Free-form facts learned from the server: greeting, EHLO keywords, capabilities. */
  readonly properties: Readonly<Record<string, string>>;
}

export interface RunResult {
  readonly info: RunInfo;
  readonly cases: readonly CaseResult[];
  readonly durationMs: number;
  /** Why the run stopped before its last case (TAP "Bail out!"), e.g. Ctrl-C; absent for a whole run. */
  readonly interrupted?: string;
}

export interface VerdictCounts {
  readonly pass: number;
  readonly fail: number;
  readonly skip: number;
  readonly error: number;
  readonly total: number;
}

export function countVerdicts(cases: readonly CaseResult[]): VerdictCounts {
  const counts = { pass: 0, fail: 0, skip: 0, error: 0, total: cases.length };
  for (const c of cases) counts[c.verdict]++;
  return counts;
}

/** Exit status of a run: 1 if the server failed anything, 2 if the tool could not run a case, else 0. */
export function exitCodeFor(cases: readonly CaseResult[]): 0 | 1 | 2 {
  const counts = countVerdicts(cases);
  if (counts.fail > 0) return 1;
  if (counts.error > 0) return 2;
  return 0;
}
