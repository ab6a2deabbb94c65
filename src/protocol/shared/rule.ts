import { escapeBytes } from './bytes.js';
import type { RequirementLevel, RfcRef } from './rfc.js';
import type { Violation } from './violation.js';

/** A check's identity: stable rule name (fault catalogue key), where the RFC says it, and how strongly. */
export interface ProtocolRule {
  readonly rule: string;
  readonly ref: RfcRef;
  readonly level: RequirementLevel;
}

/** Rules named `limit.*` are the tool's own bounds (reply lines, literal size, nesting), not RFC requirements. */
export function isToolLimit(rule: string): boolean {
  return rule.startsWith('limit.');
}

/** A section of one RFC, for rule tables: `const rfc5321 = sectionOf(5321)`, then `rfc5321('4.2')`. */
export function sectionOf(rfc: number): (section: string) => RfcRef {
  return (section) => ({ rfc, section });
}

/**
 * Builds a Violation of `spec` at `offset`. `received` is the offending bytes (escaped here), or,
 * for checks that compare whole responses (sizes, counts), a short description used as is.
 */
export function createViolation(spec: ProtocolRule, offset: number, message: string, expected: string, received: Uint8Array | string): Violation {
  return { ...spec, message, offset, expected, received: typeof received === 'string' ? received : escapeBytes(received, 64) };
}
