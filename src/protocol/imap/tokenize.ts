import { BACKSLASH, DQUOTE, isAstringChar, isAtomChar, isDigit, isKeywordChar, isQuotedSpecial, isQuotedChar, isTextChar } from './formal-syntax.js';
import { grammarRule, IMAP_PROSE_RULES, type ImapRuleName } from './imap-rule.js';
import { ImapCursor } from './scan-cursor.js';

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

/**
 * The tokens of RFC 3501 §4 and §9 over one framed response: the grammar asks for the token it needs
 * next (atom, number, string, …) and gets it with its response offset. IMAP is not context-free at
 * the lexical level (resp-text, "BODY[" sections, flags), so tokens are read on demand, not ahead.
 */
export class ImapTokenizer extends ImapCursor {
  /** `atom = 1*ATOM-CHAR` (hard if empty). */
  readAtom(rule: ImapRuleName): string {
    const atom = this.readWhile(isAtomChar);
    if (atom.length === 0) this.fail(rule, 'atom (1*ATOM-CHAR)', `${rule}: expected an atom`);
    return atom.toString('latin1');
  }

  /**
   * An atom outside a response code, where "]" can only be a stray resp-special: it is read into the
   * atom and reported (ATOM-CHAR excludes resp-specials) rather than cutting the atom short.
   */
  readAtomOutsideCode(rule: ImapRuleName): string {
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
  readNumber(rule: 'number' | 'nz-number', context: ImapRuleName): number {
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
  readString(rule: ImapRuleName): ImapStringToken {
    const b = this.peek();
    if (b === DQUOTE) return this.readQuoted();
    if (b === 0x7b) return this.readLiteral();
    return this.fail(rule, 'string (quoted / literal)', `${rule}: expected a string`);
  }

  /** `nstring = string / nil`; null for NIL. */
  readNstring(rule: ImapRuleName): ImapStringToken | null {
    if (this.peekNil()) {
      this.pos += 3;
      return null;
    }
    const b = this.peek();
    if (b !== DQUOTE && b !== 0x7b) this.fail(rule, 'nstring (string / NIL)', `${rule}: expected a string or NIL`);
    return this.readString(rule);
  }

  /** `astring = 1*ASTRING-CHAR / string`. */
  readAstring(rule: ImapRuleName, isChar: (b: number) => boolean): ImapStringToken {
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
      this.report(grammarRule('QUOTED-CHAR'), describeBadQuoted(bad), 'QUOTED-CHAR: 7-bit TEXT-CHAR, no NUL/CR/LF; "\\" only before DQUOTE or "\\"', this.baseOf(this.part) + badStart, bad);
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
      this.report(IMAP_PROSE_RULES.binaryString, 'NUL in a literal (a binary string)', 'CHAR8 (%x01-ff)', this.baseOf(this.part + 1) + nul, bytes.subarray(nul, nul + 1));
    }
    const contentOffset = this.baseOf(this.part + 1);
    this.part += 2;
    this.pos = 0;
    return { form: 'literal', bytes, offset, contentOffset };
  }

  /**
   * `text = 1*TEXT-CHAR`: the rest of the line. Runs of octets outside TEXT-CHAR (NUL, CR, 8-bit)
   * are reported once each; an empty text is reported under `rule`.
   */
  readText(rule: ImapRuleName, allowEmpty = false): string {
    const start = this.pos;
    const bytes = this.readWhile(() => true);
    if (bytes.length === 0 && !allowEmpty) this.report(grammarRule(rule), `${rule}: empty text`, 'text = 1*TEXT-CHAR');
    this.checkTextChars(bytes, this.baseOf(this.part) + start, isTextChar);
    return bytes.toString('latin1');
  }
}

function describeBadQuoted(bad: Uint8Array): string {
  if (bad.includes(0)) return 'NUL in a quoted string (§9 Note 3: NUL MUST NOT be used at any time)';
  if (bad.some((b) => b >= 0x80)) return '8-bit octet(s) in a quoted string (quoted strings are 7-bit, §4.3)';
  if (bad.includes(0x0d)) return 'CR in a quoted string (§4.3: "excluding CR and LF")';
  if (bad[0] === BACKSLASH) return 'backslash escape of something other than DQUOTE or "\\"';
  return 'octet(s) outside QUOTED-CHAR in a quoted string';
}
