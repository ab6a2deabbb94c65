import { escapeBytes } from '../shared/bytes.js';
import type { RequirementLevel, RfcRef } from '../shared/rfc.js';
import type { Violation } from '../shared/violation.js';
import type { FramedLine } from '../../transport/framed-line.js';

/** A check's identity: stable rule name (fault catalogue key), where the RFC says it, and how strongly. */
export interface Pop3Rule {
  readonly rule: string;
  readonly ref: RfcRef;
  readonly level: RequirementLevel;
}

export const rfc1939 = (section: string): RfcRef => ({ rfc: 1939, section });
export const rfc2449 = (section: string): RfcRef => ({ rfc: 2449, section });
export const rfc5034 = (section: string): RfcRef => ({ rfc: 5034, section });

/**
 * Builds a Violation of `spec` at `offset`. `received` is the offending bytes (escaped here), or,
 * for checks that compare whole responses (sizes, counts), a short description used as is.
 */
export function createPop3Violation(
  spec: Pop3Rule,
  offset: number,
  message: string,
  expected: string,
  received: Uint8Array | string,
): Violation {
  return { ...spec, message, offset, expected, received: typeof received === 'string' ? received : escapeBytes(received, 64) };
}

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
