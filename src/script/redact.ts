import { escapeBytes } from '../protocol/shared/bytes.js';
import type { CaseResult, Failure } from '../report/result.js';

export const REDACTED = '***';

/**
 * Removes secrets (passwords, digests derived from them) from everything a result carries, so no
 * report, log or finding written from it can leak one. Matching is on every wire form of the
 * secret (see wireForms), as transcripts show bytes escaped.
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

/**
 * The ways a secret can appear on the wire: as is, escaped for a transcript, inside an IMAP quoted
 * string (RFC 3501 §9: `\` and `"` escaped), and base64-encoded alone (SASL LOGIN sends the
 * password so, RFC 4954 / RFC 5034 AUTH exchanges).
 */
function wireForms(secret: string): string[] {
  const quoted = secret.replace(/[\\"]/g, '\\$&');
  const base64 = Buffer.from(secret, 'utf8').toString('base64');
  return [secret, quoted, base64].flatMap((form) => [form, escapeBytes(Buffer.from(form, 'utf8'), Infinity)]);
}

/** A function that replaces every secret (in each of its wire forms) with ***; undefined if there are none. */
export function secretRedactor(secrets: readonly string[]): ((text: string) => string) | undefined {
  const forms = [...new Set(secrets.filter((s) => s.length > 0).flatMap(wireForms))]
    // Longest first, so a secret that contains another is replaced whole.
    .sort((a, b) => b.length - a.length);
  if (forms.length === 0) return undefined;
  return (text) => forms.reduce((t, form) => t.split(form).join(REDACTED), text);
}
