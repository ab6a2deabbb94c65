import { formatRef, type RequirementLevel, type RfcRef } from '../protocol/shared/rfc.js';
import { escapeLine } from './escape-line.js';
import type { CaseResult, Failure } from './result.js';

/**
 * The one line that says why a case did not pass, with the rule it enforces:
 * "RFC 5321 §4.1.4 MUST: expected 503 reply to RCPT before MAIL, got 250".
 * A fail cites its first failure (message, RFC reference, level); an error or a skip gives its
 * reason under the case's reference. A text that already starts with "RFC n" is not prefixed again.
 */
export function formatFailureLine(result: CaseResult): string {
  const first = result.failures[0];
  const text = first?.message ?? result.reason ?? result.verdict;
  return citeRule(first?.ref ?? result.ref, first?.level ?? result.level, text);
}

function citeRule(ref: RfcRef, level: RequirementLevel, text: string): string {
  return escapeLine(/^RFC \d/.test(text) ? text : `${formatRef(ref)} ${level}: ${text}`);
}

/** "smtp/rfc5321/rcpt-before-mail.smtp:7", or the case file when the failure has no location. */
export function formatFailureLocation(result: CaseResult, failure: Failure | undefined): string {
  const location = failure?.location;
  return location === undefined ? result.file : `${location.file}:${location.line}`;
}

/** The lines that explain one failure: the rule, where it was expected, expected vs received. */
export function describeFailure(result: CaseResult, failure: Failure): string[] {
  const lines = [citeRule(failure.ref ?? result.ref, failure.level, failure.message)];
  lines.push(`at ${escapeLine(formatFailureLocation(result, failure))}`);
  if (failure.rule !== undefined) lines.push(`rule: ${escapeLine(failure.rule)}`);
  if (failure.expected !== undefined) lines.push(`expected: ${escapeLine(failure.expected)}`);
  if (failure.received !== undefined) lines.push(`received: ${escapeLine(failure.received)}`);
  return lines;
}
