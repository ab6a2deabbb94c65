import type { Violation } from '../shared/violation.js';
import { BACKSLASH, DQUOTE, SP, isAstringChar, isAtomChar, isDigit, isKeywordChar, isQuotedSpecial, isQuotedChar, isTextChar } from './formal-syntax.js';
import { createImapViolation, grammarRule, IMAP_PROSE_RULES, limitRule, type ImapGrammarRuleName, type ImapRule } from './imap-rule.js';
import type { ImapLimits } from './limits.js';
import type { ImapRawResponse } from './response-framer.js';

/** Thrown by fail() after recording the violation; parseResponse catches it. Never leaves the module set. */
export class ImapParseAbort extends Error {
  constructor() {
    super('IMAP response parse aborted (see violations)');
  }
}

/** A string token: its form on the wire and its octets (quoted: escapes resolved). */
export interface ImapStringToken {
  readonly form: 'atom' | 'quoted' | 'literal';
  readonly bytes: Buffer;
  /** Response offset of the token's first octet (the DQUOTE, the "{", the atom's first char). */
  readonly offset: number;
  /** Response offset of the first content octet (after the DQUOTE; the literal's first octet). */
  readonly contentOffset: number;
}

const MAX_UINT32 = 4_294_967_295;
const RECEIVED_PREVIEW = 16;

/**
 * A scanner over one framed response: the grammar asks for the token it needs next (atom, number,
 * string, SP, …) and gets it with its response offset. IMAP is not context-free at the lexical level
 * (resp-text, "BODY[" sections, flags), so tokens are read on demand, not ahead.
 *
 * Character-class and range problems are reported and read past (soft); a token that is not there
 * at all calls fail(), which reports and throws ImapParseAbort (hard).
 */
export class ImapTokenizer {
  readonly violations: Violation[] = [];
  private part = 0;
  private pos = 0;
  private depth = 0;
  private readonly bases: number[] = [];

  constructor(private readonly raw: ImapRawResponse, readonly limits: ImapLimits) {
    let at = 0;
    for (const p of raw.parts) {
      this.bases.push(at);
      at += p.bytes.length + (p.kind === 'text' ? (p.ending === 'crlf' ? 2 : 1) : 0);
    }
  }

  /** Response offset of the next octet. */
  get offset(): number {
    return (this.bases[this.part] ?? 0) + this.pos;
  }

  private get line(): Buffer {
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
  fail(spec: ImapRule | ImapGrammarRuleName, expected: string, message: string): never {
    this.report(typeof spec === 'string' ? grammarRule(spec) : spec, message, expected);
    throw new ImapParseAbort();
  }

  /** Consumes `byte` if it is next. */
  take(byte: number): boolean {
    if (this.peek() !== byte) return false;
    this.pos++;
    return true;
  }

  /** Requires `byte` next (hard). */
  expect(byte: number, rule: ImapGrammarRuleName): void {
    const what = `"${String.fromCharCode(byte)}"`;
    if (!this.take(byte)) this.fail(rule, what, `${rule}: expected ${what}`);
  }

  /**
   * SP, "exactly one space" (§9 Note 2). A TAB, a run of spaces or a missing SP is reported and
   * read past, so one slip does not hide the rest of the response.
   */
  expectSp(rule: ImapGrammarRuleName): void {
    const start = this.pos;
    while (this.peek() === SP || this.peek() === 0x09) this.pos++;
    const run = this.slice(start);
    if (run.length === 1 && run[0] === SP) return;
    const what = run.length === 0 ? 'missing SP' : 'not exactly one SP (no TAB, no extra spaces)';
    this.report(grammarRule(rule), `${rule}: ${what}`, 'SP', (this.bases[this.part] ?? 0) + start, run.length === 0 ? this.receivedHere() : run);
  }

  /**
   * The one SP before something that may itself start with SP (resp-text's text, base64): exactly
   * one octet is consumed, the rest belongs to what follows.
   */
  expectOneSp(rule: ImapGrammarRuleName): void {
    if (this.take(SP)) return;
    this.report(grammarRule(rule), `${rule}: missing SP`, 'SP', this.offset, this.receivedHere());
  }

  /** Reads octets while `test` holds (maybe none). */
  readWhile(test: (b: number) => boolean): Buffer {
    const start = this.pos;
    while (this.pos < this.line.length && test(this.line[this.pos]!)) this.pos++;
    return this.slice(start);
  }

  /** `atom = 1*ATOM-CHAR` (hard if empty). */
  readAtom(rule: ImapGrammarRuleName): string {
    const atom = this.readWhile(isAtomChar);
    if (atom.length === 0) this.fail(rule, 'atom (1*ATOM-CHAR)', `${rule}: expected an atom`);
    return atom.toString('latin1');
  }

  /**
   * An atom outside a response code, where "]" can only be a stray resp-special: it is read into the
   * atom and reported (ATOM-CHAR excludes resp-specials) rather than cutting the atom short.
   */
  readAtomOutsideCode(rule: ImapGrammarRuleName): string {
    const start = this.offset;
    const atom = this.readWhile(isAstringChar);
    if (atom.length === 0) this.fail(rule, 'atom (1*ATOM-CHAR)', `${rule}: expected an atom`);
    const bracket = atom.indexOf(0x5d);
    if (bracket >= 0) {
      this.report(grammarRule('ATOM-CHAR'), `${rule}: "]" in an atom (resp-specials are not ATOM-CHAR)`, 'ATOM-CHAR', start + bracket, atom.subarray(bracket, bracket + 1));
    }
    return atom.toString('latin1');
  }

  /** A keyword or data item name ("FETCH", "RFC822.SIZE"), maybe empty. */
  readKeyword(): string {
    return this.readWhile(isKeywordChar).toString('latin1');
  }

  /**
   * `number = 1*DIGIT ; Unsigned 32-bit integer`, `nz-number = digit-nz *DIGIT`. No digit at all
   * is hard; a zero, a leading zero in nz-number, or a value past 2^32-1 is reported and kept.
   */
  readNumber(rule: 'number' | 'nz-number', context: ImapGrammarRuleName): number {
    const start = this.offset;
    const digits = this.readWhile(isDigit);
    if (digits.length === 0) this.fail(rule, rule, `${context}: expected a ${rule}`);
    const value = Number(digits.toString('latin1'));
    if (value > MAX_UINT32) {
      this.report(grammarRule('number'), `${context}: ${digits.length}-digit value is not an unsigned 32-bit integer`, '0 <= n < 4,294,967,296', start, digits);
    } else if (rule === 'nz-number' && digits[0] === 0x30) {
      const what = value === 0 ? 'zero where a non-zero number is required' : 'leading zero in a nz-number';
      this.report(grammarRule('nz-number'), `${context}: ${what}`, 'nz-number = digit-nz *DIGIT', start, digits);
    }
    return value;
  }

  /** `string = quoted / literal` (hard if neither). */
  readString(rule: ImapGrammarRuleName): ImapStringToken {
    const b = this.peek();
    if (b === DQUOTE) return this.readQuoted();
    if (b === 0x7b) return this.readLiteral();
    return this.fail(rule, 'string (quoted / literal)', `${rule}: expected a string`);
  }

  /** `nstring = string / nil`; null for NIL. */
  readNstring(rule: ImapGrammarRuleName): ImapStringToken | null {
    if (this.peekNil()) {
      this.pos += 3;
      return null;
    }
    const b = this.peek();
    if (b !== DQUOTE && b !== 0x7b) this.fail(rule, 'nstring (string / NIL)', `${rule}: expected a string or NIL`);
    return this.readString(rule);
  }

  /** `astring = 1*ASTRING-CHAR / string`. */
  readAstring(rule: ImapGrammarRuleName, isChar: (b: number) => boolean): ImapStringToken {
    const b = this.peek();
    if (b === DQUOTE || b === 0x7b) return this.readString(rule);
    const offset = this.offset;
    const bytes = this.readWhile(isChar);
    if (bytes.length === 0) this.fail(rule, 'astring (1*ASTRING-CHAR / string)', `${rule}: expected an astring`);
    return { form: 'atom', bytes, offset, contentOffset: offset };
  }

  /** "NIL" (case-insensitive, §9 Note 1) not followed by another atom char. */
  peekNil(): boolean {
    const word = this.line.subarray(this.pos, this.pos + 3).toString('latin1').toUpperCase();
    return word === 'NIL' && !isAtomChar(this.peek(3));
  }

  /** `quoted = DQUOTE *QUOTED-CHAR DQUOTE`; `QUOTED-CHAR = <any TEXT-CHAR except quoted-specials> / "\" quoted-specials` */
  private readQuoted(): ImapStringToken {
    const offset = this.offset;
    this.pos++;
    const out: number[] = [];
    let badStart = -1;
    const flushBad = (): void => {
      if (badStart < 0) return;
      const bad = this.line.subarray(badStart, this.pos);
      this.report(grammarRule('QUOTED-CHAR'), describeBadQuoted(bad), 'QUOTED-CHAR: 7-bit TEXT-CHAR, no NUL/CR/LF; "\\" only before DQUOTE or "\\"', (this.bases[this.part] ?? 0) + badStart, bad);
      badStart = -1;
    };
    for (;;) {
      const b = this.peek();
      if (b === -1) {
        flushBad();
        this.fail('quoted', 'DQUOTE closing the quoted string', 'quoted string not closed before the end of the line (a quoted string cannot hold CR or LF)');
      }
      if (b === DQUOTE) break;
      if (b === BACKSLASH && isQuotedSpecial(this.peek(1))) {
        flushBad();
        out.push(this.peek(1));
        this.pos += 2;
        continue;
      }
      if (b === BACKSLASH || !isQuotedChar(b)) {
        if (badStart < 0) badStart = this.pos;
        out.push(b);
        this.pos++;
        continue;
      }
      flushBad();
      out.push(b);
      this.pos++;
    }
    flushBad();
    this.pos++;
    return { form: 'quoted', bytes: Buffer.from(out), offset, contentOffset: offset + 1 };
  }

  /** `literal = "{" number "}" CRLF *CHAR8`, the octets being the next raw part. */
  private readLiteral(): ImapStringToken {
    const offset = this.offset;
    this.pos++;
    const digits = this.readWhile(isDigit);
    if (digits.length === 0) this.fail('literal', 'number', 'literal: expected the octet count after "{"');
    if (digits.length > 10 || Number(digits.toString('latin1')) > MAX_UINT32) {
      this.report(grammarRule('number'), 'literal: octet count is not an unsigned 32-bit integer', '0 <= n < 4,294,967,296', offset + 1, digits);
    }
    if (this.peek() === 0x2b) {
      // literal = "{" number "}" CRLF *CHAR8 — "{n+}" is the client's LITERAL+ form (RFC 7888), never a server's.
      this.report(grammarRule('literal'), 'non-synchronizing literal "{n+}" sent by the server', '"{" number "}" CRLF', this.offset, this.line.subarray(this.pos, this.pos + 2));
      this.pos++;
    }
    this.expect(0x7d, 'literal');
    const next = this.raw.parts[this.part + 1];
    if (!this.atLineEnd() || next?.kind !== 'literal') {
      this.fail('literal', 'CRLF after the literal octet count', 'literal: "{n}" must end the line, its octets follow the CRLF');
    }
    const bytes = next.bytes;
    const nul = bytes.indexOf(0);
    if (nul >= 0) {
      this.report(IMAP_PROSE_RULES.binaryString, 'NUL in a literal (a binary string)', 'CHAR8 (%x01-ff)', (this.bases[this.part + 1] ?? 0) + nul, bytes.subarray(nul, nul + 1));
    }
    const contentOffset = this.bases[this.part + 1] ?? 0;
    this.part += 2;
    this.pos = 0;
    return { form: 'literal', bytes, offset, contentOffset };
  }

  /**
   * `text = 1*TEXT-CHAR`: the rest of the line. Runs of octets outside TEXT-CHAR (NUL, CR, 8-bit)
   * are reported once each; an empty text is reported under `rule`.
   */
  readText(rule: ImapGrammarRuleName, allowEmpty = false): string {
    const start = this.pos;
    const bytes = this.readWhile(() => true);
    if (bytes.length === 0 && !allowEmpty) this.report(grammarRule(rule), `${rule}: empty text`, 'text = 1*TEXT-CHAR');
    this.checkTextChars(bytes, (this.bases[this.part] ?? 0) + start, isTextChar);
    return bytes.toString('latin1');
  }

  /** Reports each run of octets failing `test` as TEXT-CHAR violations. */
  checkTextChars(bytes: Uint8Array, base: number, test: (b: number) => boolean): void {
    for (let i = 0; i < bytes.length; i++) {
      if (test(bytes[i]!)) continue;
      const runStart = i;
      while (i + 1 < bytes.length && !test(bytes[i + 1]!)) i++;
      const run = bytes.subarray(runStart, i + 1);
      this.report(grammarRule('TEXT-CHAR'), `${run.length} octet(s) outside TEXT-CHAR (NUL, CR, LF or 8-bit) in text`, 'TEXT-CHAR (%x01-7F except CR and LF)', base + runStart, run);
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
  expectEnd(rule: ImapGrammarRuleName): void {
    if (this.atEnd()) return;
    this.report(grammarRule(rule), `${rule}: unexpected octets where the response should end`, 'CRLF');
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

function describeBadQuoted(bad: Uint8Array): string {
  if (bad.includes(0)) return 'NUL in a quoted string (§9 Note 3: NUL MUST NOT be used at any time)';
  if (bad.some((b) => b >= 0x80)) return '8-bit octet(s) in a quoted string (quoted strings are 7-bit, §4.3)';
  if (bad.includes(0x0d)) return 'CR in a quoted string (§4.3: "excluding CR and LF")';
  if (bad[0] === BACKSLASH) return 'backslash escape of something other than DQUOTE or "\\"';
  return 'octet(s) outside QUOTED-CHAR in a quoted string';
}
