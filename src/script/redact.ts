import { escapeBytes } from '../protocol/shared/bytes.js';
import type { CaseResult, Failure } from '../report/result.js';

export const REDACTED = '***';

/**
 * Removes secrets (passwords, digests derived from them) from everything a result carries, so no
 * report, log or finding written from it can leak one. Matching is on the secret's text and on its
 * escaped wire form, as transcripts show bytes escaped.
 */
export function redactCaseResult(result: CaseResult, secrets: readonly string[]): CaseResult {
  const redact = secretRedactor(secrets);
  if (redact === undefined) return result;
  const redactFailure = (f: Failure): Failure => ({
    ...f,
    message: redact(f.message),
    ...(f.expected !== undefined ? { expected: redact(f.expected) } : {}),
    ...(f.received !== undefined ? { received: redact(f.received) } : {}),
  });
  return {
    ...result,
    ...(result.reason !== undefined ? { reason: redact(result.reason) } : {}),
    failures: result.failures.map(redactFailure),
    transcript: result.transcript.map((line) => ({ ...line, text: redact(line.text) })),
  };
}

/** A function that replaces every secret (as text and in its escaped wire form) with ***; undefined if there are none. */
export function secretRedactor(secrets: readonly string[]): ((text: string) => string) | undefined {
  const forms = [...new Set(secrets.filter((s) => s.length > 0).flatMap((s) => [s, escapeBytes(Buffer.from(s, 'utf8'), Infinity)]))]
    // Longest first, so a secret that contains another is replaced whole.
    .sort((a, b) => b.length - a.length);
  if (forms.length === 0) return undefined;
  return (text) => forms.reduce((t, form) => t.split(form).join(REDACTED), text);
}
