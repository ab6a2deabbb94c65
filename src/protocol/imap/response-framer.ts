import type { Violation } from '../shared/violation.js';
import type { FramedLine, LineEnding } from '../../transport/framed-line.js';
import { FrameReader } from '../../transport/frame-reader.js';
import { DQUOTE, BACKSLASH, isDigit } from './formal-syntax.js';
import { createImapViolation, IMAP_PROSE_RULES, limitRule } from './imap-rule.js';
import { resolveImapLimits, type ImapLimits } from './limits.js';

/** One piece of a response as it came off the wire: a line (terminator removed) or a literal's octets. */
export type ImapRawPart =
  | { readonly kind: 'text'; readonly bytes: Buffer; readonly ending: LineEnding }
  | { readonly kind: 'literal'; readonly bytes: Buffer };

/**
 * One logical server response: text, literal, text, literal, …, text. Every text part but the last
 * ends with the `{n}` announcing the literal after it.
 */
export interface ImapRawResponse {
  readonly parts: readonly ImapRawPart[];
  /** Octets the response took on the wire, line endings included: violation offsets count these. */
  readonly length: number;
  /** Offset of the response's first octet in the connection's inbound stream. */
  readonly streamOffset: number;
}

export interface ImapFramedResponse {
  readonly raw: ImapRawResponse;
  /** Framing violations (bare LF, limits), at response-relative offsets. Grammar comes from parseResponse. */
  readonly violations: readonly Violation[];
  /** A limit cut the response short: the connection is out of step and should be closed. */
  readonly truncated: boolean;
}

/** What the framer wants next, or the response it completed. */
export type ImapFramerStep =
  | { readonly kind: 'need-line' }
  | { readonly kind: 'need-literal'; readonly length: number }
  | { readonly kind: 'response'; readonly response: ImapFramedResponse };

/** Where the end of a line stands in the response grammar: only in data or inside a response code can `{n}` open a literal. */
type TextMode = 'start' | 'data' | 'code' | 'text';

const STATUS_WORDS = new Set(['OK', 'NO', 'BAD', 'BYE', 'PREAUTH']);

/**
 * Frames server responses that may carry literals (RFC 3501 §2.2: "The protocol receiver ... is
 * either reading a line, or is reading a sequence of octets with a known count followed by a line").
 * Pure: fed FramedLines and literal octets by the session, which reads them from a FrameReader.
 */
export class ImapResponseFramer {
  private readonly limits: ImapLimits;
  private parts: ImapRawPart[] = [];
  private length = 0;
  private streamOffset = 0;
  private violations: Violation[] = [];
  private pending: number | undefined;
  private mode: TextMode = 'start';

  constructor(limits: Partial<ImapLimits> = {}) {
    this.limits = resolveImapLimits(limits);
  }

  /** What pushLine/pushLiteral expects next. */
  get expecting(): ImapFramerStep {
    return this.pending === undefined ? { kind: 'need-line' } : { kind: 'need-literal', length: this.pending };
  }

  pushLine(line: FramedLine): ImapFramerStep {
    if (this.pending !== undefined) throw new Error(`ImapResponseFramer: a literal of ${this.pending} octets is due, not a line`);
    if (this.parts.length === 0) this.streamOffset = line.streamOffset;
    const base = this.length;
    this.parts.push({ kind: 'text', bytes: line.bytes, ending: line.ending });
    this.length += line.bytes.length + (line.ending === 'crlf' ? 2 : 1);
    if (line.ending === 'lf') {
      this.violations.push(
        createImapViolation(IMAP_PROSE_RULES.crlf, base + line.bytes.length, 'line terminated by a bare LF', 'CRLF', Buffer.from('\n')),
      );
    }
    this.mode = advanceMode(this.mode, line.bytes);
    const announced = this.mode === 'text' ? undefined : readLiteralAnnouncement(line.bytes);
    if (announced === undefined) return this.finish(false);
    const at = base + announced.offset;
    if (announced.length > this.limits.maxLiteralSize) {
      this.violations.push(
        createImapViolation(limitRule('literal-size'), at, `literal of ${announced.length} octets is over the limit`, `at most ${this.limits.maxLiteralSize} octets`, line.bytes.subarray(announced.offset)),
      );
      return this.finish(true);
    }
    if (this.parts.length + 2 > this.limits.maxParts) {
      this.violations.push(
        createImapViolation(limitRule('parts'), at, 'too many literals in one response', `at most ${this.limits.maxParts} parts`, line.bytes.subarray(announced.offset)),
      );
      return this.finish(true);
    }
    this.pending = announced.length;
    return { kind: 'need-literal', length: announced.length };
  }

  pushLiteral(bytes: Buffer): ImapFramerStep {
    if (this.pending === undefined) throw new Error('ImapResponseFramer: no literal is due');
    if (bytes.length !== this.pending) throw new Error(`ImapResponseFramer: literal must be ${this.pending} octets, got ${bytes.length}`);
    this.parts.push({ kind: 'literal', bytes });
    this.length += bytes.length;
    this.pending = undefined;
    return { kind: 'need-line' };
  }

  private finish(truncated: boolean): ImapFramerStep {
    const response: ImapFramedResponse = {
      raw: { parts: this.parts, length: this.length, streamOffset: this.streamOffset },
      violations: this.violations,
      truncated,
    };
    this.parts = [];
    this.violations = [];
    this.length = 0;
    this.mode = 'start';
    return { kind: 'response', response };
  }
}

/**
 * `literal = "{" number "}" CRLF *CHAR8` at the end of a line: the announced length and where "{"
 * is. "{n+}" is read too (a server sending the client-side LITERAL+ form is reported by the
 * tokenizer; framing it keeps the session in step).
 */
export function readLiteralAnnouncement(bytes: Uint8Array): { length: number; offset: number } | undefined {
  let i = bytes.length - 1;
  if (bytes[i] !== 0x7d) return undefined; // "}"
  i--;
  if (bytes[i] === 0x2b) i--; // "+"
  const lastDigit = i;
  while (i >= 0 && isDigit(bytes[i]!)) i--;
  if (i === lastDigit || bytes[i] !== 0x7b) return undefined; // "{"
  const digits = Buffer.from(bytes.subarray(i + 1, lastDigit + 1)).toString('latin1');
  return { length: digits.length > 15 ? Number.POSITIVE_INFINITY : Number(digits), offset: i };
}

/**
 * Status responses and continuation requests end in free text (`resp-text`), where "{5}" is just
 * text; a literal can only occur inside their response code (BADCHARSET's astrings). Other
 * responses are data throughout. Returns the mode at the end of `line`.
 */
function advanceMode(mode: TextMode, line: Uint8Array): TextMode {
  if (mode === 'data' || mode === 'text') return mode;
  let from = 0;
  if (mode === 'start') {
    const textStart = findTextStart(line);
    if (textStart === undefined) return 'data';
    if (line[textStart] !== 0x5b) return 'text'; // no "[": text from here on
    from = textStart + 1;
  }
  return findCodeEnd(line, from) === undefined ? 'code' : 'text';
}

/** Where resp-text starts on a first line ("+ …", "tag OK …"), or undefined for data responses. */
function findTextStart(line: Uint8Array): number | undefined {
  if (line[0] === 0x2b) return line[1] === 0x20 ? 2 : 1;
  const sp = line.indexOf(0x20);
  if (sp < 0) return undefined;
  let end = sp + 1;
  while (end < line.length && line[end] !== 0x20 && line[end] !== 0x5b) end++;
  const word = Buffer.from(line.subarray(sp + 1, end)).toString('latin1').toUpperCase();
  if (!STATUS_WORDS.has(word)) return undefined;
  return line[end] === 0x20 ? end + 1 : end;
}

/** Index of the "]" closing a response code, skipping quoted strings, or undefined. */
function findCodeEnd(line: Uint8Array, from: number): number | undefined {
  let quoted = false;
  for (let i = from; i < line.length; i++) {
    const b = line[i]!;
    if (quoted) {
      if (b === BACKSLASH) i++;
      else if (b === DQUOTE) quoted = false;
    } else if (b === DQUOTE) quoted = true;
    else if (b === 0x5d) return i;
  }
  return undefined;
}

/**
 * Frames every complete response in `bytes` (a capture, a compiled response) with a FrameReader,
 * as a session would. Octets after the last complete response come back as `rest`.
 */
export function frameResponses(bytes: Buffer, limits: Partial<ImapLimits> = {}): { responses: ImapFramedResponse[]; rest: Buffer } {
  const resolved = resolveImapLimits(limits);
  const reader = new FrameReader();
  reader.push(bytes);
  const framer = new ImapResponseFramer(resolved);
  const responses: ImapFramedResponse[] = [];
  for (;;) {
    const due = framer.expecting;
    if (due.kind === 'need-literal') {
      const literal = reader.takeBytes(due.length);
      if (literal === undefined) break;
      framer.pushLiteral(literal);
      continue;
    }
    const taken = reader.takeLine(resolved.maxLineLength);
    if (taken.kind !== 'line') break;
    const step = framer.pushLine(taken.line);
    if (step.kind === 'response') {
      responses.push(step.response);
      if (step.response.truncated) break;
    }
  }
  return { responses, rest: reader.takeAll() };
}
