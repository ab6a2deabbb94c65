/**
 * Multi-line responses (RFC 1939 §3): byte-stuffing and the "." terminator. Reading a body lives here
 * only: the conversation reads bodies through parseBodyLine, tests and fixtures write them
 * through encodeMultilineBody.
 */
import { stuffMessage } from '../shared/byte-stuffing.js';
import type { Violation } from '../shared/violation.js';
import type { FramedLine } from '../../transport/framed-line.js';
import { checkCrlf, createPop3Violation, rfc1939, type Pop3Rule } from './pop3-rule.js';

/** A line of a multi-line body, byte-stuffing removed (latin1). */
export interface Pop3DataLine {
  readonly kind: 'data';
  readonly text: string;
  readonly raw: FramedLine;
}

/** The "." line that ends a multi-line response. */
export interface Pop3EndLine {
  readonly kind: 'end';
  readonly raw: FramedLine;
}

export const MULTILINE_RULES = {
  /**
   * "If any line of the multi-line response begins with the termination octet, the line is
   * "byte-stuffed" by pre-pending the termination octet to that line of the response." (§3)
   * Stated as how the protocol works, with nothing softening it, and RFC 2449 §3's
   * `dot-stuffed = *CHAR CRLF ;must be dot-stuffed`: MUST.
   */
  stuffing: { rule: 'multi-line.byte-stuffing', ref: rfc1939('3'), level: 'MUST' },
  /**
   * "When all lines of the response have been sent, a final line is sent, consisting of a
   * termination octet (decimal code 046, ".") and a CRLF pair." (§3)
   */
  terminator: { rule: 'multi-line.terminator', ref: rfc1939('3'), level: 'MUST' },
} as const satisfies Record<string, Pop3Rule>;

const DOT = 0x2e;
const CRLF = Buffer.from('\r\n');

/**
 * Reads one line of a multi-line body. Never throws; violations have line offsets.
 *
 * "When examining a multi-line response, the client checks to see if the line begins with the
 * termination octet. If so and if octets other than CRLF follow, the first octet of the line (the
 * termination octet) is stripped away. If so and if CRLF immediately follows the termination
 * character, then the response from the POP server is ended" (§3)
 *
 * Decisions:
 * - "..x" is a stuffed ".x": one dot is stripped, no violation.
 * - ".x" (a dot then anything but a dot) is stripped too, as §3 tells the client, but reported:
 *   a server that stuffs never sends it (the stuffed form of every line starting with "." starts
 *   with ".."), so the line proves the server forgot to stuff a line that began with ".". The
 *   message the client keeps has lost that dot, and a size check against LIST will say so too.
 * - "." ended by a bare LF ends the body (with a CRLF violation): reading it as data would
 *   swallow every later response into this one.
 */
export function parseBodyLine(line: FramedLine): { line: Pop3DataLine | Pop3EndLine; data: Buffer | undefined; violations: Violation[] } {
  const bytes = line.bytes;
  const violations: Violation[] = [];
  const crlf = checkCrlf(line);
  if (bytes.length === 1 && bytes[0] === DOT) {
    if (crlf) violations.push(crlf);
    return { line: { kind: 'end', raw: line }, data: undefined, violations };
  }
  let data = bytes;
  if (bytes[0] === DOT) {
    data = bytes.subarray(1);
    if (bytes[1] !== DOT) {
      violations.push(
        createPop3Violation(
          MULTILINE_RULES.stuffing,
          1,
          'line starts with a single "." (not byte-stuffed, not the terminator): its first octet is stripped',
          '"." (byte-stuffed line) or CRLF (terminator)',
          bytes.subarray(1, 2),
        ),
      );
    }
  }
  if (crlf) violations.push(crlf);
  return { line: { kind: 'data', text: data.toString('latin1'), raw: line }, data, violations };
}

/**
 * Size of an unstuffed body as RFC 1939 §11 counts it: each line's octets plus two for its end of
 * line ("the POP3 server simply counts each occurrence of this character in a message as two
 * octets"), stuffing dots excluded ("need not (and must not) be counted twice"). A bare LF also
 * counts two: that line is already a CRLF violation and should not also skew the size check.
 */
export function countBodyOctets(lines: readonly Uint8Array[]): number {
  return lines.reduce((sum, line) => sum + line.length + 2, 0);
}

/** The message a body carries: its lines, each ended by CRLF. */
export function joinBodyLines(lines: readonly Uint8Array[]): Buffer {
  return Buffer.concat(lines.flatMap((line) => [line, CRLF]));
}

/**
 * Encodes a message as the body of a multi-line response, terminator included (§3): lines that begin
 * with "." get one more. The same stuffing as SMTP's, done in one shared place.
 */
export const encodeMultilineBody = stuffMessage;
