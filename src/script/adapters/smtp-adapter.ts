import { encodeDataBody } from '../../protocol/smtp/dot-stuffing.js';
import { SmtpConversation } from '../../protocol/smtp/conversation.js';
import type { SmtpReplyLine } from '../../protocol/smtp/parse-reply-line.js';
import type { LineMatcher, MatchOutcome, ProtocolAdapter } from '../adapter.js';
import { compileTextPattern, matchTextPattern, patternVariables, type Bindings, type TextPattern } from '../text-pattern.js';

/**
 * `S:` lines in SMTP suites: `CODES[SEP TEXT]`.
 *   CODES  250 | 2xx | 25x | 250|251 (alternatives)
 *   SEP    " " a final line, "-" a continuation line; no SEP and no text: a final line, any text
 *   TEXT   a text pattern (`*`, `${var}`), see text-pattern.ts
 */
const CODE_ALTERNATIVE = /^[2-5](?:[0-9][0-9x]|xx)$/;

export const smtpAdapter: ProtocolAdapter<SmtpReplyLine> = {
  protocol: 'smtp',
  fileExtension: '.smtp',
  compileMatcher: compileSmtpMatcher,
  createTracker: () => new SmtpConversation(),
  encodeFixture: (message) => encodeDataBody(message),
};

export function compileSmtpMatcher(source: string): LineMatcher<SmtpReplyLine> | { readonly error: string } {
  const m = /^(\S+?)(?:([ -])(.*))?$/.exec(source);
  if (!m) return { error: `expected a reply pattern like "250 *", "250-*" or "5xx", got: ${source}` };
  const codes = m[1]!.split('|');
  const bad = codes.find((c) => !CODE_ALTERNATIVE.test(c));
  if (bad !== undefined) return { error: `bad reply code pattern "${bad}" (use digits 2-5 then digits or x, e.g. 250, 5xx, 250|251)` };
  const wantFinal = m[2] !== '-';
  const text = compileTextPattern(m[3] ?? '*');
  if ('error' in text) return text;
  return {
    source,
    variables: patternVariables(text),
    match: (line, bindings) => matchSmtpLine(line, codes, wantFinal, text, bindings),
  };
}

function matchSmtpLine(line: SmtpReplyLine, codes: readonly string[], wantFinal: boolean, text: TextPattern, bindings: Bindings): MatchOutcome {
  if (!codes.some((c) => codeMatches(c, line.codeText))) return { ok: false, mismatch: `code ${line.codeText} is not ${codes.join(' or ')}` };
  if (line.isFinal !== wantFinal) {
    return { ok: false, mismatch: wantFinal ? 'a continuation line ("NNN-") where the final line was expected' : 'a final line where a continuation line ("NNN-") was expected' };
  }
  const captures = matchTextPattern(text, line.text, bindings);
  return captures ? { ok: true, captures } : { ok: false, mismatch: `text does not match "${text.source}"` };
}

function codeMatches(pattern: string, code: string): boolean {
  return code.length === 3 && [...pattern].every((p, i) => p === 'x' || p === code[i]);
}
