import type { Violation } from '../shared/violation.js';
import { escapeBytes } from '../shared/bytes.js';
import { createPop3Violation, rfc1939, type Pop3Rule } from './pop3-rule.js';
import { readNumberArg } from './pop3-command.js';
import type { Pop3Response } from './pop3-response.js';

/**
 * "the POP3 server sends the headers of the message, the blank line separating the headers from
 * the body, and then the number of lines of the indicated message's body ... if the number of
 * lines requested by the POP3 client is greater than than the number of lines in the body, then
 * the POP3 server sends the entire message." (RFC 1939 §7)
 */
export const TOP_RULES = {
  /** More body lines after the blank line than were asked for. */
  bodyLines: { rule: 'TOP.body-lines', ref: rfc1939('7'), level: 'MUST' },
  /** RETR n was seen: TOP n m must be its headers, blank line and first m body lines. */
  matchesRetr: { rule: 'TOP.matches-RETR', ref: rfc1939('7'), level: 'MUST' },
  /** Fewer body lines than asked (or no blank line): that is the entire message, of LIST's size. */
  sizeMatchesList: { rule: 'TOP.size-matches-LIST', ref: rfc1939('7'), level: 'MUST' },
  /** TOP's argument "may NOT refer to to a message marked as deleted" (§7). */
  deleted: { rule: 'TOP.deleted-message', ref: rfc1939('7'), level: 'MUST' },
} as const satisfies Record<string, Pop3Rule>;

/**
 * What a TOP response can be held to: without RETR, only that it has at most m body lines, and
 * that when it has fewer (the message is shorter) it is the whole message, whose size LIST gave;
 * with RETR's body from the same session, that it is exactly the expected prefix. Headers end at
 * the first empty line (RFC 5322 §2.1); a message without one is all headers and TOP sends it all.
 */
export function checkTop(response: Pop3Response, retrLines: readonly Buffer[] | undefined, listedSize: number | undefined, endAt: number): Violation[] {
  const m = readNumberArg(response.command.args[1]);
  if (m === undefined) return [];
  const lines = response.lines;
  const offsetOf = (i: number): number => response.lineOffsets[i] ?? endAt;
  const blank = lines.findIndex((l) => l.length === 0);
  const bodyCount = blank < 0 ? 0 : lines.length - blank - 1;
  if (blank >= 0 && bodyCount > m) {
    const at = blank + 1 + m;
    return [
      createPop3Violation(TOP_RULES.bodyLines, offsetOf(at), `TOP ${m} sent ${bodyCount} body lines`, `at most ${m} lines after the blank line`, lines[at] ?? Buffer.alloc(0)),
    ];
  }
  if (retrLines !== undefined) {
    const expected = selectTopLines(retrLines, m);
    const differs = firstDifference(lines, expected);
    if (differs === undefined) return [];
    return [
      createPop3Violation(
        TOP_RULES.matchesRetr,
        offsetOf(differs),
        `line ${differs + 1} of TOP ${m} differs from RETR's (${lines.length} lines sent, ${expected.length} expected)`,
        differs < expected.length ? escapeBytes(expected[differs]!, 64) : 'the "." terminator',
        lines[differs] ?? Buffer.from('.'),
      ),
    ];
  }
  const whole = blank < 0 || bodyCount < m;
  if (whole && listedSize !== undefined && response.octets !== listedSize) {
    return [
      createPop3Violation(
        TOP_RULES.sizeMatchesList,
        endAt,
        `TOP ${m} sent ${bodyCount} body lines, so the entire message, but ${response.octets} octets where LIST gave ${listedSize}`,
        `${listedSize} octets`,
        `${response.octets} octets`,
      ),
    ];
  }
  return [];
}

/** TOP n m of a message: its headers, the blank line, and its first m body lines (or all of it). */
export function selectTopLines(message: readonly Buffer[], m: number): readonly Buffer[] {
  const blank = message.findIndex((l) => l.length === 0);
  return blank < 0 ? message : message.slice(0, blank + 1 + m);
}

/** Index of the first line that differs (or exists in one only), or undefined when equal. */
export function firstDifference(actual: readonly Buffer[], expected: readonly Buffer[]): number | undefined {
  const n = Math.max(actual.length, expected.length);
  for (let i = 0; i < n; i++) {
    const a = actual[i];
    const e = expected[i];
    if (a === undefined || e === undefined || !a.equals(e)) return i;
  }
  return undefined;
}
