import { createViolation, sectionOf, type ProtocolRule } from '../shared/rule.js';
import type { Violation } from '../shared/violation.js';
import type { FramedLine } from '../../transport/framed-line.js';

/**
 * One SMTP reply line (RFC 5321 §4.2), parsed without judging: the checks that failed come back
 * beside it as Violations, and the line keeps what the server actually sent.
 */
export interface SmtpReplyLine {
  /** The three-digit code, or undefined if the first 3 bytes are not all digits. */
  readonly code: number | undefined;
  /** The first (up to) 3 bytes, latin1-decoded, whatever they are. */
  readonly codeText: string;
  /** The byte after the code: '' when the line ends there, 'other' for anything but SP or "-". */
  readonly separator: '-' | ' ' | '' | 'other';
  /** False only for a "NNN-" continuation line. */
  readonly isFinal: boolean;
  /** Bytes after the separator (after the code when separator is 'other'), latin1-decoded. */
  readonly text: string;
  readonly raw: FramedLine;
}

/** SMTP rules are protocol rules; the name stays for readers of this layer. */
export type SmtpRule = ProtocolRule;

export { createViolation };

const rfc5321 = sectionOf(5321);

/**
 * Rules checked on every reply line. Grammar (ABNF) mismatches are rated MUST: §4.2 gives the
 * ABNF as the formal definition of server responses; prose that states a weaker level wins.
 */
export const REPLY_LINE_RULES = {
  crlf: { rule: 'CRLF', ref: rfc5321('2.3.8'), level: 'MUST' },
  codeDigits: { rule: 'Reply-code.digits', ref: rfc5321('4.3.2'), level: 'MUST' },
  codeFirstDigit: { rule: 'Reply-code.first-digit', ref: rfc5321('4.2'), level: 'MUST' },
  codeSecondDigit: { rule: 'Reply-code.second-digit', ref: rfc5321('4.2'), level: 'MUST' },
  separator: { rule: 'Reply-line.separator', ref: rfc5321('4.2'), level: 'MUST' },
  textstring: { rule: 'textstring', ref: rfc5321('4.2'), level: 'MUST' },
  bareCode: { rule: 'Reply-line.bare-code', ref: rfc5321('4.2'), level: 'SHOULD' },
  length: { rule: 'Reply-line.length', ref: rfc5321('4.5.3.1.5'), level: 'SHOULD' },
} as const satisfies Record<string, SmtpRule>;

/** §4.5.3.1.5: 512 octets "including the reply code and the <CRLF>". */
export const MAX_REPLY_LINE_OCTETS = 512;

const SP = 0x20;
const HYPHEN = 0x2d;
const CODE_LENGTH = 3;
const NOTHING = new Uint8Array(0);

const isDigit = (b: number | undefined): b is number => b !== undefined && b >= 0x30 && b <= 0x39;
// textstring = 1*(%d09 / %d32-126) ; HT, SP, Printable US-ASCII
const isTextChar = (b: number): boolean => b === 0x09 || (b >= 0x20 && b <= 0x7e);

/** Parses one reply line. Never throws; every deviation from §4.2 is a located Violation. */
export function parseReplyLine(line: FramedLine): { line: SmtpReplyLine; violations: Violation[] } {
  const bytes = line.bytes;
  const violations: Violation[] = [];
  const code = checkReplyCode(bytes, violations);
  const separator = classifySeparator(bytes[CODE_LENGTH]);

  // Reply-line = *( Reply-code "-" [ textstring ] CRLF ) Reply-code [ SP textstring ] CRLF
  if (separator === 'other') {
    violations.push(
      createViolation(
        REPLY_LINE_RULES.separator,
        CODE_LENGTH,
        'reply code not followed by SP, "-" or end of line',
        'SP / "-" / CRLF',
        bytes.subarray(CODE_LENGTH, CODE_LENGTH + 1),
      ),
    );
  }
  // "although senders SHOULD NOT send bare codes" (§4.2). "250 " is not bare: §4.2.1 asks servers
  // to send the SP when no text follows, and §4.2 counts that SP as part of the text.
  if (bytes.length === CODE_LENGTH) {
    violations.push(
      createViolation(REPLY_LINE_RULES.bareCode, CODE_LENGTH, 'reply code without text', 'SP [ textstring ]', NOTHING),
    );
  }
  // The separator byte itself was reported above; the text check starts after it.
  checkTextstring(bytes, CODE_LENGTH + 1, violations);
  checkLength(bytes, violations);
  // "Lines consist of zero or more data characters terminated by the sequence ASCII character
  // "CR" (hex value 0D) followed immediately by ASCII character "LF" (hex value 0A)." (§2.3.8;
  // every production of §4.2 ends in CRLF)
  if (line.ending !== 'crlf') {
    violations.push(
      createViolation(REPLY_LINE_RULES.crlf, bytes.length, 'line terminated by a bare LF', 'CRLF', Buffer.from('\n')),
    );
  }

  const textStart = separator === 'other' ? CODE_LENGTH : CODE_LENGTH + 1;
  return {
    line: {
      code,
      codeText: bytes.subarray(0, CODE_LENGTH).toString('latin1'),
      separator,
      isFinal: separator !== '-',
      text: bytes.subarray(Math.min(textStart, bytes.length)).toString('latin1'),
      raw: line,
    },
    violations: violations.sort((a, b) => a.offset - b.offset),
  };
}

function classifySeparator(b: number | undefined): SmtpReplyLine['separator'] {
  if (b === undefined) return '';
  if (b === SP) return ' ';
  if (b === HYPHEN) return '-';
  return 'other';
}

/** Returns the code when the first three bytes are digits; reports every way it breaks Reply-code. */
function checkReplyCode(bytes: Buffer, violations: Violation[]): number | undefined {
  // "SMTP servers MUST NOT transmit reply codes to an SMTP client that are other than three
  // digits or that do not start in a digit between 2 and 5 inclusive." (§4.3.2)
  for (let i = 0; i < CODE_LENGTH; i++) {
    if (isDigit(bytes[i])) continue;
    const atEnd = i >= bytes.length;
    violations.push(
      createViolation(
        REPLY_LINE_RULES.codeDigits,
        i,
        atEnd ? `line ends after ${bytes.length} byte(s), before a three-digit reply code` : 'reply code is not three digits',
        'DIGIT',
        bytes.subarray(i, i + 1),
      ),
    );
    return undefined;
  }
  // "SMTP servers MUST NOT send reply codes whose first digits are other than 2, 3, 4, or 5." (§4.2)
  const first = bytes[0]!;
  if (first < 0x32 || first > 0x35) {
    violations.push(
      createViolation(REPLY_LINE_RULES.codeFirstDigit, 0, 'reply code must start with 2, 3, 4 or 5', '%x32-35', bytes.subarray(0, 1)),
    );
  }
  // Reply-code = %x32-35 %x30-35 %x30-39 (§4.2): the second digit is 0-5.
  if (bytes[1]! > 0x35) {
    violations.push(
      createViolation(REPLY_LINE_RULES.codeSecondDigit, 1, 'second digit of the reply code must be 0-5', '%x30-35', bytes.subarray(1, 2)),
    );
  }
  return Number(bytes.subarray(0, CODE_LENGTH).toString('latin1'));
}

/** textstring = 1*(%d09 / %d32-126) (§4.2): one violation per run of bytes outside it. */
function checkTextstring(bytes: Buffer, start: number, violations: Violation[]): void {
  let i = start;
  while (i < bytes.length) {
    if (isTextChar(bytes[i]!)) {
      i++;
      continue;
    }
    const runStart = i;
    while (i < bytes.length && !isTextChar(bytes[i]!)) i++;
    violations.push(
      createViolation(
        REPLY_LINE_RULES.textstring,
        runStart,
        `${i - runStart} byte(s) outside textstring (8-bit, NUL, lone CR or control)`,
        '%d09 / %d32-126',
        bytes.subarray(runStart, i),
      ),
    );
  }
}

/**
 * "The maximum total length of a reply line including the reply code and the <CRLF> is 512
 * octets." (§4.5.3.1.5) That sentence states no level; §4.5.3.1 gives it for all these limits:
 * "Objects larger than these sizes SHOULD be avoided when possible." Hence SHOULD. The CRLF
 * counts as 2 octets even on a bare-LF line, so the limit does not depend on the ending.
 */
function checkLength(bytes: Buffer, violations: Violation[]): void {
  const maxContent = MAX_REPLY_LINE_OCTETS - 2;
  if (bytes.length <= maxContent) return;
  violations.push(
    createViolation(
      REPLY_LINE_RULES.length,
      maxContent,
      `reply line is ${bytes.length + 2} octets including CRLF, over ${MAX_REPLY_LINE_OCTETS}`,
      `at most ${MAX_REPLY_LINE_OCTETS} octets including CRLF`,
      bytes.subarray(maxContent, maxContent + 16),
    ),
  );
}
