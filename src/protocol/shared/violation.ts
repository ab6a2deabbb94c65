import type { RequirementLevel, RfcRef } from './rfc.js';

/**
 * A grammar or protocol rule the server broke, recorded as data: parsers return these,
 * they never throw on server input and never repair it silently.
 */
export interface Violation {
  /** Name of the broken rule, as the RFC's ABNF or prose names it (e.g. "Reply-code"). */
  readonly rule: string;
  readonly ref: RfcRef;
  readonly level: RequirementLevel;
  /** One line for humans: what is wrong. */
  readonly message: string;
  /** Byte offset of the offending byte within the line (or unit) it was found in. */
  readonly offset: number;
  /** What the rule allows at that point, in words or ABNF. */
  readonly expected: string;
  /** The offending bytes, escaped with escapeBytes(). */
  readonly received: string;
}
