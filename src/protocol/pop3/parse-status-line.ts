import type { Violation } from '../shared/violation.js';
import type { FramedLine } from '../../transport/framed-line.js';
import { checkCrlf, createPop3Violation, rfc1939, rfc2449, type Pop3Rule } from './pop3-rule.js';

export type Pop3Status = '+OK' | '-ERR';

/**
 * The first line of a POP3 response (RFC 1939 §3; RFC 2449 §3 `single-line`), parsed without
 * judging: the checks that failed come back beside it as Violations.
 */
export interface Pop3StatusLine {
  readonly kind: 'status';
  /** Recognised case-insensitively (a lowercase "+ok" is reported, yet read as +OK to stay in step). */
  readonly status: Pop3Status | undefined;
  /**
   * RFC 2449 §8 response-code levels as sent (e.g. ['SYS', 'TEMP']); the levels are read even when
   * one is malformed, and [] when there is no resp-code or its "[" is never closed.
   */
  readonly codes: readonly string[];
  /** Bytes after the status and its SP (resp-code included), latin1; the whole line if no status. */
  readonly text: string;
  readonly raw: FramedLine;
}

/**
 * Rules checked on every status line. RFC 2449 §3's ABNF is read as the formal definition of
 * responses, so grammar mismatches are MUST, except where noted.
 */
export const STATUS_LINE_RULES = {
  status: { rule: 'status', ref: rfc1939('3'), level: 'MUST' },
  statusCase: { rule: 'status.case', ref: rfc1939('3'), level: 'MUST' },
  separator: { rule: 'status.separator', ref: rfc2449('3'), level: 'MUST' },
  /**
   * "Responses may be up to 512 characters long, including the terminating CRLF." (RFC 1939 §3)
   * No RFC 2119 keyword, but it is stated as a maximum, repeated as ";512 octets maximum" in
   * RFC 2449 §3 and "unchanged at 512 octets" in RFC 2449 §4, and nothing softens it (unlike RFC
   * 5321 §4.5.3.1's "SHOULD be avoided"): MUST.
   */
  length: { rule: 'response.length', ref: rfc1939('3'), level: 'MUST' },
  textControl: { rule: 'text.control', ref: rfc2449('3'), level: 'MUST' },
  textNonAscii: { rule: 'text.non-ascii', ref: rfc2449('3'), level: 'MUST' },
  respCodeUnclosed: { rule: 'resp-code.unclosed', ref: rfc2449('3'), level: 'MUST' },
  respCodeLevel: { rule: 'resp-code.level', ref: rfc2449('3'), level: 'MUST' },
} as const satisfies Record<string, Pop3Rule>;

/** RFC 1939 §3 and RFC 2449 §4: the first line of a response, CRLF included. */
export const MAX_RESPONSE_LINE_OCTETS = 512;

const STATUSES: readonly Pop3Status[] = ['+OK', '-ERR'];
const SP = 0x20;
const OPEN = 0x5b; // "["
const CLOSE = 0x5d; // "]"
const SLASH = 0x2f;

/** The status a line starts with, compared case-insensitively, or undefined. */
export function readStatus(bytes: Uint8Array): Pop3Status | undefined {
  const head = Buffer.from(bytes.subarray(0, 4)).toString('latin1').toUpperCase();
  return STATUSES.find((s) => head.startsWith(s));
}

/**
 * Parses one status line. Never throws; every deviation is a located Violation (line offsets).
 * `greeting`: the line is the server greeting, `"+OK" [resp-code] *gchar ...` (RFC 2449 §3), where
 * no SP has to follow the status (single-line's `status [SP text]` does not apply).
 */
export function parseStatusLine(line: FramedLine, options: { readonly greeting?: boolean } = {}): { line: Pop3StatusLine; violations: Violation[] } {
  const bytes = line.bytes;
  const violations: Violation[] = [];
  const status = readStatus(bytes);
  let codes: string[] = [];
  let textStart = 0;
  if (status === undefined) {
    // "There are currently two status indicators: positive ("+OK") and negative ("-ERR")." (§3)
    violations.push(
      createPop3Violation(STATUS_LINE_RULES.status, 0, 'line does not start with a status indicator', '"+OK" / "-ERR"', bytes.subarray(0, 4)),
    );
  } else {
    textStart = checkStatusWord(bytes, status, options.greeting === true, violations);
    if (bytes[textStart] === OPEN) codes = readRespCode(bytes, textStart, violations);
    // After a bad separator (reported), the text checks start past it: one report per byte.
    else checkText(bytes, textStart === status.length ? textStart + 1 : textStart, true, violations);
  }
  checkLength(bytes, violations);
  const crlf = checkCrlf(line);
  if (crlf) violations.push(crlf);
  return {
    line: { kind: 'status', status, codes, text: bytes.subarray(textStart).toString('latin1'), raw: line },
    violations: violations.sort((a, b) => a.offset - b.offset),
  };
}

/** Checks the status word's case and the SP after it (not owed in a greeting); returns where the text starts. */
function checkStatusWord(bytes: Buffer, status: Pop3Status, greeting: boolean, violations: Violation[]): number {
  const n = status.length;
  // "Servers MUST send the "+OK" and "-ERR" in upper case." (RFC 1939 §3)
  if (bytes.subarray(0, n).toString('latin1') !== status) {
    violations.push(
      createPop3Violation(STATUS_LINE_RULES.statusCase, 0, `status indicator not in upper case`, `"${status}"`, bytes.subarray(0, n)),
    );
  }
  if (bytes.length === n) return n;
  if (bytes[n] === SP) return n + 1;
  if (greeting) return n;
  // single-line = status [SP text] CRLF (RFC 2449 §3): "+OKfoo" is not a status followed by text.
  violations.push(
    createPop3Violation(STATUS_LINE_RULES.separator, n, `"${status}" followed by neither SP nor CRLF`, 'SP / CRLF', bytes.subarray(n, n + 1)),
  );
  return n;
}

/**
 * resp-code = "[" resp-level *("/" resp-level) "]"; resp-level = 1*rchar;
 * rchar = %x21-2E / %x30-5C / %x5E-7F (RFC 2449 §3). Returns the levels; checks the text after it.
 */
function readRespCode(bytes: Buffer, open: number, violations: Violation[]): string[] {
  const close = bytes.indexOf(CLOSE, open + 1);
  if (close < 0) {
    violations.push(
      createPop3Violation(STATUS_LINE_RULES.respCodeUnclosed, open, 'resp-code opened with "[" is never closed', '"]" closing the resp-code', bytes.subarray(open)),
    );
    // Without its "]" the bracket is plain text; its other octets still follow the text rules.
    checkText(bytes, open + 1, true, violations);
    return [];
  }
  const levels: string[] = [];
  let levelStart = open + 1;
  let reported = false;
  for (let i = open + 1; i <= close; i++) {
    const b = bytes[i]!;
    if (b === SLASH || i === close) {
      if (i === levelStart && !reported) {
        reported = true;
        violations.push(createPop3Violation(STATUS_LINE_RULES.respCodeLevel, i, 'empty resp-level', '1*rchar', bytes.subarray(i, i + 1)));
      }
      levels.push(bytes.subarray(levelStart, i).toString('latin1'));
      levelStart = i + 1;
    } else if (!isRchar(b) && !reported) {
      reported = true;
      violations.push(
        createPop3Violation(STATUS_LINE_RULES.respCodeLevel, i, 'octet not allowed in a resp-level', 'rchar (%x21-2E / %x30-5C / %x5E-7E)', bytes.subarray(i, i + 1)),
      );
    }
  }
  // text = resp-code *CHAR: after the code any 7-bit octet but NUL is grammatical.
  checkText(bytes, close + 1, false, violations);
  return levels;
}

// DEL (7F) is excluded although the ABNF's ranges run to 7F: its comments say "printable ASCII".
const isRchar = (b: number): boolean => b >= 0x21 && b <= 0x7e && b !== SLASH && b !== CLOSE;

/**
 * Text octets. Without a resp-code, text = *schar, "printable ASCII, excluding "["" (RFC 2449 §3);
 * SP is accepted too: the ABNF's schar omits it, but every example in RFC 1939 and RFC 2449 has
 * spaces in its text, so that reading cannot be meant. Only a leading "[" starts a resp-code;
 * a "[" later on is accepted for the same reason. After a resp-code, *CHAR allows controls but
 * not NUL; 8-bit octets are outside CHAR in both cases. One violation per run of bad octets.
 */
function checkText(bytes: Buffer, start: number, plain: boolean, violations: Violation[]): void {
  const classify = (b: number): 'ok' | 'control' | 'non-ascii' => {
    if (b >= 0x80) return 'non-ascii';
    if (b === 0x00 || (plain && (b < 0x20 || b === 0x7f))) return 'control';
    return 'ok';
  };
  let i = start;
  while (i < bytes.length) {
    const kind = classify(bytes[i]!);
    if (kind === 'ok') {
      i++;
      continue;
    }
    const runStart = i;
    while (i < bytes.length && classify(bytes[i]!) === kind) i++;
    const spec = kind === 'control' ? STATUS_LINE_RULES.textControl : STATUS_LINE_RULES.textNonAscii;
    const what = kind === 'control' ? 'control octet(s) in response text' : 'non-ASCII octet(s) in response text';
    const allowed = plain ? 'SP / %x21-7E' : 'CHAR (%x01-7F)';
    violations.push(createPop3Violation(spec, runStart, `${i - runStart} ${what}`, allowed, bytes.subarray(runStart, i)));
  }
}

/** The CRLF counts as 2 octets even on a bare-LF line, so the limit does not depend on the ending. */
function checkLength(bytes: Buffer, violations: Violation[]): void {
  const maxContent = MAX_RESPONSE_LINE_OCTETS - 2;
  if (bytes.length <= maxContent) return;
  violations.push(
    createPop3Violation(
      STATUS_LINE_RULES.length,
      maxContent,
      `response line is ${bytes.length + 2} octets including CRLF, over ${MAX_RESPONSE_LINE_OCTETS}`,
      `at most ${MAX_RESPONSE_LINE_OCTETS} octets including CRLF`,
      bytes.subarray(maxContent, maxContent + 16),
    ),
  );
}
