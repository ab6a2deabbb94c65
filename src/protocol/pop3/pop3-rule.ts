import { createViolation, sectionOf, type ProtocolRule } from '../shared/rule.js';
import type { Violation } from '../shared/violation.js';
import type { FramedLine } from '../../transport/framed-line.js';

/** POP3 rules are protocol rules; the name stays for readers of this layer. */
export type Pop3Rule = ProtocolRule;

export const rfc1939 = sectionOf(1939);
export const rfc2449 = sectionOf(2449);
export const rfc5034 = sectionOf(5034);

/** Violations are built the same way for every protocol. */
export const createPop3Violation = createViolation;

/** "All responses are terminated by a CRLF pair." (RFC 1939 §3) — every line of every response. */
export const CRLF_RULE = { rule: 'CRLF', ref: rfc1939('3'), level: 'MUST' } as const satisfies Pop3Rule;

/** The CRLF check shared by every line kind; the offset is where the CR was due. */
export function checkCrlf(line: FramedLine): Violation | undefined {
  if (line.ending === 'crlf') return undefined;
  return createPop3Violation(CRLF_RULE, line.bytes.length, 'line terminated by a bare LF', 'CRLF', Buffer.from('\n'));
}

/** Bytes a line took on the wire, terminator included: response offsets count these. */
export function measureWireLine(line: FramedLine): number {
  return line.bytes.length + (line.ending === 'crlf' ? 2 : 1);
}

/** Shifts line-relative violations to a response-relative offset `base`. */
export function rebaseViolations(violations: readonly Violation[], base: number): Violation[] {
  return violations.map((v) => ({ ...v, offset: base + v.offset }));
}
