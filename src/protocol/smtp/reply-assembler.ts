import type { Violation } from '../shared/violation.js';
import type { FramedLine } from '../../transport/framed-line.js';
import { createViolation, parseReplyLine, type SmtpReplyLine, type SmtpRule } from './parse-reply-line.js';

/**
 * A complete SMTP reply: one line, or "NNN-" continuation lines closed by a final line (§4.2.1).
 *
 * Offsets of `violations` count from the first byte of the reply's first line, terminators
 * included (see offsetInReply), so one number locates a byte in any line of the reply.
 */
export interface SmtpReply {
  /** The first line's code; §4.2.1 lets clients rely on it for the whole reply. */
  readonly code: number | undefined;
  readonly lines: readonly SmtpReplyLine[];
  /** Every line's grammar violations plus the multiline checks, in reply order. */
  readonly violations: readonly Violation[];
}

export interface SmtpReplyAssemblerOptions {
  /**
   * Most lines one reply may have before the assembler cuts it (a tool limit, not an RFC one).
   * @defaultValue 1000
   */
  readonly maxLines?: number;
}

export const REPLY_RULES = {
  sameCode: { rule: 'Reply-line.same-code', ref: { rfc: 5321, section: '4.2.1' }, level: 'MUST' },
  /**
   * RFC 5321 sets no bound on the number of lines in a reply; this is our own limit so a server
   * cannot make the client buffer forever. The 'limit.' prefix marks tool limits. The ref is the
   * section on size limits, whose list has no such object; MAY because the RFC neither requires
   * nor forbids it, so reports must not count it as a server failure by itself.
   */
  maxLines: { rule: 'limit.max-reply-lines', ref: { rfc: 5321, section: '4.5.3.1' }, level: 'MAY' },
} as const satisfies Record<string, SmtpRule>;

const DEFAULT_MAX_LINES = 1000;

/** Collects reply lines into replies. Stateful (one per connection), but does no I/O. */
export class SmtpReplyAssembler {
  readonly #maxLines: number;
  #lines: SmtpReplyLine[] = [];
  #violations: Violation[] = [];
  #size = 0;
  #lastLine: SmtpReplyLine | undefined;

  constructor(options: SmtpReplyAssemblerOptions = {}) {
    this.#maxLines = Math.max(1, options.maxLines ?? DEFAULT_MAX_LINES);
  }

  /** The line most recently pushed, parsed: lets callers match a continuation line before its reply completes. */
  get lastLine(): SmtpReplyLine | undefined {
    return this.#lastLine;
  }

  /** Adds one line; returns the reply it completes, or undefined while a multiline reply is open. */
  push(line: FramedLine): SmtpReply | undefined {
    const { line: parsed, violations } = parseReplyLine(line);
    this.#lastLine = parsed;
    const base = this.#size;
    for (const v of violations) this.#violations.push({ ...v, offset: base + v.offset });
    this.#checkSameCode(parsed, base);
    this.#lines.push(parsed);
    this.#size += lineSize(line);

    if (parsed.isFinal) return this.#complete();
    if (this.#lines.length >= this.#maxLines) {
      this.#violations.push(
        createViolation(
          REPLY_RULES.maxLines,
          base + 3,
          `reply still open after ${this.#maxLines} lines; cut here (tool limit, not an RFC rule)`,
          `a final line ("NNN" SP) within ${this.#maxLines} lines`,
          line.bytes.subarray(3, 4),
        ),
      );
      return this.#complete();
    }
    return undefined;
  }

  // "In a multiline reply, the reply code on each of the lines MUST be the same." (§4.2.1)
  #checkSameCode(line: SmtpReplyLine, base: number): void {
    const first = this.#lines[0];
    if (first === undefined || first.codeText === line.codeText) return;
    this.#violations.push(
      createViolation(
        REPLY_RULES.sameCode,
        base,
        `line ${this.#lines.length + 1} has code "${line.codeText}", the reply started with "${first.codeText}"`,
        first.codeText,
        line.raw.bytes.subarray(0, 3),
      ),
    );
  }

  #complete(): SmtpReply {
    const reply: SmtpReply = { code: this.#lines[0]?.code, lines: this.#lines, violations: this.#violations };
    this.#lines = [];
    this.#violations = [];
    this.#size = 0;
    return reply;
  }
}

/** Reply text for humans and matching: each line's text, joined with "\n". */
export function replyText(reply: SmtpReply): string {
  return reply.lines.map((l) => l.text).join('\n');
}

/** Converts an offset within line `lineIndex` of `reply` to the reply-relative offset Violations use. */
export function offsetInReply(reply: SmtpReply, lineIndex: number, offsetInLine: number): number {
  let base = 0;
  for (const line of reply.lines.slice(0, lineIndex)) base += lineSize(line.raw);
  return base + offsetInLine;
}

function lineSize(line: FramedLine): number {
  return line.bytes.length + (line.ending === 'crlf' ? 2 : 1);
}
