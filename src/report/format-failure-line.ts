import { formatRef } from '../protocol/shared/rfc.js';
import { escapeLine } from './escape-line.js';
import type { CaseResult, Failure } from './result.js';

/**
 * The one line that says why a case did not pass, with the rule it enforces:
 * "RFC 5321 §4.1.4 MUST: expected 503 reply to RCPT before MAIL, got 250".
 * The first failure's own RFC reference wins over the case's; errors and skips cite the case.
 */
export function formatFailureLine(result: CaseResult): string {
  const first = result.failures[0];
  const ref = first?.ref ?? result.ref;
  const level = first?.level ?? result.level;
  const reason = result.reason ?? first?.message ?? result.verdict;
  return escapeLine(`${formatRef(ref)} ${level}: ${reason}`);
}

/** "smtp/rfc5321/rcpt-before-mail.smtp:7", or the case file when the failure has no location. */
export function formatFailureLocation(result: CaseResult, failure: Failure | undefined): string {
  const location = failure?.location;
  return location === undefined ? result.file : `${location.file}:${location.line}`;
}

/** The lines that explain one failure: the rule, where it was expected, expected vs received. */
export function describeFailure(result: CaseResult, failure: Failure): string[] {
  const lines = [escapeLine(`${formatRef(failure.ref ?? result.ref)} ${failure.level}: ${failure.message}`)];
  lines.push(`at ${escapeLine(formatFailureLocation(result, failure))}`);
  if (failure.rule !== undefined) lines.push(`rule: ${escapeLine(failure.rule)}`);
  if (failure.expected !== undefined) lines.push(`expected: ${escapeLine(failure.expected)}`);
  if (failure.received !== undefined) lines.push(`received: ${escapeLine(failure.received)}`);
  return lines;
}
