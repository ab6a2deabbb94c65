import assert from 'node:assert/strict';
import type { Violation } from '../../../../src/protocol/shared/violation.js';
import type { ImapResponse } from '../../../../src/protocol/imap/imap-response.js';
import type { ImapLimits } from '../../../../src/protocol/imap/limits.js';
import { parseResponse } from '../../../../src/protocol/imap/parse-response.js';
import { frameResponses } from '../../../../src/protocol/imap/response-framer.js';

export interface WireParse {
  readonly response: ImapResponse;
  /** Framing and grammar violations together, in offset order. */
  readonly violations: Violation[];
  readonly complete: boolean;
}

/** Octets from a string whose chars are octets ("\x80" is one octet). */
export const latin1 = (s: string): Buffer => Buffer.from(s, 'latin1');

/** Frames `wire` (latin1, exactly one response) as a session would, and parses it. */
export function parseWire(wire: string | Buffer, options: { greeting?: boolean; limits?: Partial<ImapLimits> } = {}): WireParse {
  const { responses, rest } = frameResponses(typeof wire === 'string' ? latin1(wire) : wire, options.limits);
  assert.equal(responses.length, 1, `expected one response in ${JSON.stringify(typeof wire === 'string' ? wire : wire.toString('latin1'))}`);
  assert.equal(rest.length, 0, 'octets left after the response');
  const framed = responses[0]!;
  const parsed = parseResponse(framed.raw, options);
  const violations = [...framed.violations, ...parsed.violations].sort((a, b) => a.offset - b.offset);
  return { response: parsed.response, violations, complete: parsed.complete && !framed.truncated };
}

/** [rule, section, offset] of each violation: what most assertions compare. */
export const located = (violations: readonly Violation[]): Array<[string, string, number]> =>
  violations.map((v) => [v.rule, v.ref.section, v.offset]);

/** The rules, in offset order. */
export const rules = (violations: readonly Violation[]): string[] => violations.map((v) => v.rule);
