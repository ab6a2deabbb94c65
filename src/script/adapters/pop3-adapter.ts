import { Pop3Conversation } from '../../protocol/pop3/conversation.js';
import { encodeMultilineBody } from '../../protocol/pop3/multiline.js';
import type { Pop3Status } from '../../protocol/pop3/parse-status-line.js';
import type { Pop3Line } from '../../protocol/pop3/pop3-response.js';
import type { LineMatcher, MatchOutcome, ProtocolAdapter } from '../adapter.js';
import { compileTextPattern, matchTextPattern, patternVariables, type Bindings, type TextPattern } from '../text-pattern.js';

/**
 * `S:` lines in POP3 suites:
 *   +OK[ TEXT] / -ERR[ TEXT] / +OK|-ERR[ TEXT]   a status line (a bare status: any text)
 *   .                                           the end of a multi-line response
 *   +[ TEXT]                                     a SASL continuation ("+ base64")
 *   anything else                                one body line, byte-stuffing removed
 */
const STATUS_PATTERN = /^((?:\+OK|-ERR)(?:\|(?:\+OK|-ERR))*)(?: (.*))?$/;

export const pop3Adapter: ProtocolAdapter<Pop3Line> = {
  protocol: 'pop3',
  fileExtension: '.pop3',
  compileMatcher: compilePop3Matcher,
  createTracker: () => new Pop3Conversation(),
  providedVariables: ['apop.timestamp'],
  // A message sent by the client in POP3 is never multi-line data; fixtures go through seeding.
  encodeFixture: (message) => encodeMultilineBody(message),
};

export function compilePop3Matcher(source: string): LineMatcher<Pop3Line> | { readonly error: string } {
  if (source === '.') return lineKind(source, 'end', 'the "." that ends a multi-line response');
  const status = STATUS_PATTERN.exec(source);
  if (status) {
    const statuses = status[1]!.split('|') as Pop3Status[];
    return withText(source, status[2] ?? '*', (line, text, bindings) => {
      if (line.kind !== 'status') return { ok: false, mismatch: `a ${line.kind} line where a status line was expected` };
      if (line.status === undefined || !statuses.includes(line.status)) return { ok: false, mismatch: `status ${line.status ?? 'missing'} is not ${statuses.join(' or ')}` };
      return matchText(text, line.text, bindings);
    });
  }
  if (source === '+' || source.startsWith('+ ')) {
    return withText(source, source.slice(2) || '*', (line, text, bindings) =>
      line.kind === 'continuation' ? matchText(text, line.text, bindings) : { ok: false, mismatch: `a ${line.kind} line where a "+ " continuation was expected` },
    );
  }
  return withText(source, source, (line, text, bindings) =>
    line.kind === 'data' ? matchText(text, line.text, bindings) : { ok: false, mismatch: `a ${line.kind} line where a body line was expected` },
  );
}

function lineKind(source: string, kind: Pop3Line['kind'], description: string): LineMatcher<Pop3Line> {
  return { source, variables: [], match: (line) => (line.kind === kind ? { ok: true, captures: new Map() } : { ok: false, mismatch: `a ${line.kind} line where ${description} was expected` }) };
}

function withText(
  source: string,
  textSource: string,
  match: (line: Pop3Line, text: TextPattern, bindings: Bindings) => MatchOutcome,
): LineMatcher<Pop3Line> | { readonly error: string } {
  const text = compileTextPattern(textSource);
  if ('error' in text) return text;
  return { source, variables: patternVariables(text), match: (line, bindings) => match(line, text, bindings) };
}

function matchText(pattern: TextPattern, text: string, bindings: Bindings): MatchOutcome {
  const captures = matchTextPattern(pattern, text, bindings);
  return captures ? { ok: true, captures } : { ok: false, mismatch: `text does not match "${pattern.source}"` };
}
