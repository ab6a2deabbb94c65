import type { Violation } from '../shared/violation.js';
import { SP } from './formal-syntax.js';
import { createImapViolation, limitRule, ruleOf, type ImapRule, type ImapRuleRef } from './imap-rule.js';
import type { ImapLimits } from './limits.js';
import type { ImapRawResponse } from './response-framer.js';

/** Thrown by fail() after recording the violation; parseResponse catches it. Never leaves the module set. */
export class ImapParseAbort extends Error {
  constructor() {
    super('IMAP response parse aborted (see violations)');
  }
}

const RECEIVED_PREVIEW = 16;

/**
 * A cursor over one framed response: octet access within the current text part, response offsets
 * (line endings and literals counted), and the one way violations are recorded. Soft problems are
 * report()ed and read past; a missing construct calls fail(), which reports and throws
 * ImapParseAbort. ImapTokenizer builds the tokens on top of it.
 */
export class ImapCursor {
  readonly violations: Violation[] = [];
  protected part = 0;
  protected pos = 0;
  private depth = 0;
  private readonly bases: number[] = [];

  constructor(protected readonly raw: ImapRawResponse, readonly limits: ImapLimits) {
    let at = 0;
    for (const p of raw.parts) {
      this.bases.push(at);
      at += p.bytes.length + (p.kind === 'text' ? (p.ending === 'crlf' ? 2 : 1) : 0);
    }
  }

  /** Response offset of the first octet of part `index`. */
  protected baseOf(index: number): number {
    return this.bases[index] ?? 0;
  }

  /** Response offset of the next octet. */
  get offset(): number {
    return this.baseOf(this.part) + this.pos;
  }

  protected get line(): Buffer {
    return this.raw.parts[this.part]?.bytes ?? Buffer.alloc(0);
  }

  /** The octet `ahead` positions on in the current line, or -1 past its end. */
  peek(ahead = 0): number {
    return this.line[this.pos + ahead] ?? -1;
  }

  atLineEnd(): boolean {
    return this.pos >= this.line.length;
  }

  /** At the end of the final line: only CRLF is left. */
  atEnd(): boolean {
    return this.atLineEnd() && this.part >= this.raw.parts.length - 1;
  }

  /** Octets of the current line from `from` to the cursor. */
  slice(from: number, to = this.pos): Buffer {
    return this.line.subarray(from, to);
  }

  get position(): number {
    return this.pos;
  }

  /** Index of the current text part: a token read across a literal moves it on. */
  get partIndex(): number {
    return this.part;
  }

  /** Moves past the next `byte` on the current line (error recovery); false if there is none. */
  skipPast(byte: number): boolean {
    const at = this.line.indexOf(byte, this.pos);
    if (at < 0) return false;
    this.pos = at + 1;
    return true;
  }

  advance(n = 1): void {
    this.pos = Math.min(this.pos + n, this.line.length);
  }

  /** What the next octets look like, for `received`: up to 16 octets, or the line ending. */
  receivedHere(): Uint8Array | string {
    if (!this.atLineEnd()) return this.line.subarray(this.pos, this.pos + RECEIVED_PREVIEW);
    const part = this.raw.parts[this.part];
    return part?.kind === 'text' && part.ending === 'lf' ? Buffer.from('\n') : Buffer.from('\r\n');
  }

  report(spec: ImapRule, message: string, expected: string, offset = this.offset, received: Uint8Array | string = this.receivedHere()): void {
    this.violations.push(createImapViolation(spec, offset, message, expected, received));
  }

  /** Reports at the cursor and aborts the parse: the expected token is not there. */
  fail(spec: ImapRuleRef, expected: string, message: string): never {
    this.report(ruleOf(spec), message, expected);
    throw new ImapParseAbort();
  }

  /** Consumes `byte` if it is next. */
  take(byte: number): boolean {
    if (this.peek() !== byte) return false;
    this.pos++;
    return true;
  }

  /** Consumes the ")" closing a list, if next; the end of the line instead means it is missing (hard). */
  takeClose(rule: ImapRuleRef): boolean {
    if (this.take(0x29)) return true;
    if (this.atLineEnd()) this.fail(rule, '")"', `${ruleOf(rule).rule}: list not closed by ")" before the end of the line`);
    return false;
  }

  /** Requires `byte` next (hard). */
  expect(byte: number, rule: ImapRuleRef): void {
    const what = `"${String.fromCharCode(byte)}"`;
    if (!this.take(byte)) this.fail(rule, what, `${ruleOf(rule).rule}: expected ${what}`);
  }

  /**
   * SP, "exactly one space" (§9 Note 2). A TAB, a run of spaces or a missing SP is reported and
   * read past, so one slip does not hide the rest of the response.
   */
  expectSp(rule: ImapRuleRef): void {
    const start = this.pos;
    while (this.peek() === SP || this.peek() === 0x09) this.pos++;
    const run = this.slice(start);
    if (run.length === 1 && run[0] === SP) return;
    const what = run.length === 0 ? 'missing SP' : 'not exactly one SP (no TAB, no extra spaces)';
    this.report(ruleOf(rule), `${ruleOf(rule).rule}: ${what}`, 'SP', this.baseOf(this.part) + start, run.length === 0 ? this.receivedHere() : run);
  }

  /**
   * The one SP before something that may itself start with SP (resp-text's text, base64): exactly
   * one octet is consumed, the rest belongs to what follows.
   */
  expectOneSp(rule: ImapRuleRef): void {
    if (this.take(SP)) return;
    this.report(ruleOf(rule), `${ruleOf(rule).rule}: missing SP`, 'SP', this.offset, this.receivedHere());
  }

  /** Reads octets while `test` holds (maybe none). */
  readWhile(test: (b: number) => boolean): Buffer {
    const start = this.pos;
    while (this.pos < this.line.length && test(this.line[this.pos]!)) this.pos++;
    return this.slice(start);
  }

  /** Reports each run of octets failing `test` as TEXT-CHAR violations. */
  checkTextChars(bytes: Uint8Array, base: number, test: (b: number) => boolean): void {
    for (let i = 0; i < bytes.length; i++) {
      if (test(bytes[i]!)) continue;
      const runStart = i;
      while (i + 1 < bytes.length && !test(bytes[i + 1]!)) i++;
      const run = bytes.subarray(runStart, i + 1);
      this.report(ruleOf('TEXT-CHAR'), `${run.length} octet(s) outside TEXT-CHAR (NUL, CR, LF or 8-bit) in text`, 'TEXT-CHAR (%x01-7F except CR and LF)', base + runStart, run);
    }
  }

  /** Everything from the cursor to the end of the response (literals inline, line endings kept), latin1. */
  readRest(): string {
    const pieces: Buffer[] = [this.line.subarray(this.pos)];
    for (let i = this.part + 1; i < this.raw.parts.length; i++) {
      const previous = this.raw.parts[i - 1];
      if (previous?.kind === 'text') pieces.push(Buffer.from(previous.ending === 'crlf' ? '\r\n' : '\n'));
      pieces.push(this.raw.parts[i]!.bytes);
    }
    this.part = this.raw.parts.length - 1;
    this.pos = this.line.length;
    return Buffer.concat(pieces).toString('latin1');
  }

  /** The response must end here (CRLF). Anything left is reported, not parsed. */
  expectEnd(rule: ImapRuleRef): void {
    if (this.atEnd()) return;
    this.report(ruleOf(rule), `${ruleOf(rule).rule}: unexpected octets where the response should end`, 'CRLF');
    this.part = this.raw.parts.length - 1;
    this.pos = this.line.length;
  }

  /** Opens one level of parenthesized-list nesting; past the limit the parse stops. */
  enter(): void {
    if (++this.depth > this.limits.maxDepth) {
      this.fail(limitRule('depth'), `at most ${this.limits.maxDepth} nested lists`, 'parenthesized lists nested too deeply');
    }
  }

  leave(): void {
    this.depth--;
  }
}
