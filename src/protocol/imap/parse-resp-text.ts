import { SP, isAstringChar, isTextChar } from './formal-syntax.js';
import { grammarRule, IMAP_PROSE_RULES, ruleOf } from './imap-rule.js';
import { SIMPLE_CODE_NAMES, type ImapRespText, type ImapRespTextCode, type ImapSimpleCodeName } from './imap-response.js';
import { parseCapabilityList } from './parse-capability.js';
import { EXTENSION_CODE_SYNTAX, type ImapExtensionCodeSyntax } from './parse-extension-codes.js';
import { parseFlagList } from './parse-flags.js';
import { ImapParseAbort } from './scan-cursor.js';
import type { ImapTokenizer } from './tokenize.js';

const SIMPLE = new Set<string>(SIMPLE_CODE_NAMES);
/** SIMPLE_CODE_NAMES lists RFC 3501's five first, then RFC 5530's. */
const RFC5530_CODES = new Set<string>(SIMPLE_CODE_NAMES.slice(5));
/**
 * Codes registered by standards-track extensions, exempt from §7.1's "SHOULD be prefixed with an
 * X": RFC 2221 REFERRAL; RFC 3516 UNKNOWN-CTE; RFC 4315 APPENDUID, COPYUID, UIDNOTSTICKY; RFC 4467
 * URLMECH; RFC 4469 BADURL, TOOBIG; RFC 4978 COMPRESSIONACTIVE; RFC 5182 NOTSAVED; RFC 5255
 * BADCOMPARATOR; RFC 5257 ANNOTATE, ANNOTATIONS; RFC 5464 METADATA; RFC 5465 NOTIFICATIONOVERFLOW,
 * BADEVENT; RFC 5466 UNDEFINED-FILTER; RFC 6154 USEATTR; RFC 7162 HIGHESTMODSEQ, NOMODSEQ, MODIFIED,
 * CLOSED; RFC 8474 MAILBOXID.
 */
const EXTENSION_CODES = new Set([
  'REFERRAL', 'UNKNOWN-CTE', 'APPENDUID', 'COPYUID', 'UIDNOTSTICKY', 'URLMECH', 'BADURL', 'TOOBIG',
  'COMPRESSIONACTIVE', 'NOTSAVED', 'BADCOMPARATOR', 'ANNOTATE', 'ANNOTATIONS', 'METADATA',
  'NOTIFICATIONOVERFLOW', 'BADEVENT', 'UNDEFINED-FILTER', 'USEATTR', 'HIGHESTMODSEQ', 'NOMODSEQ',
  'MODIFIED', 'CLOSED', 'MAILBOXID',
]);

/**
 * `resp-text = ["[" resp-text-code "]" SP] text`, read from the cursor to the end of the line.
 * A "[" opening the text is always read as a response code: the ABNF would let a malformed code
 * fall back to being text, which would hide every malformed code; and a text that really starts
 * with "[" is ambiguous to every client anyway.
 */
export function parseRespText(t: ImapTokenizer): ImapRespText {
  let code: ImapRespTextCode | undefined;
  if (t.take(0x5b)) {
    code = parseRespTextCode(t);
    if (t.atLineEnd()) {
      // RFC 9051 makes the text optional; RFC 3501's `"]" SP] text` with text = 1*TEXT-CHAR does not.
      t.report(grammarRule('resp-text'), 'resp-text: response code not followed by SP and text', '"]" SP text');
      return { code, text: '' };
    }
    t.expectOneSp('resp-text');
  }
  return { code, text: t.readText('text') };
}

/** After "[": the code and its "]". A malformed known code is read as `other` after reporting. */
export function parseRespTextCode(t: ImapTokenizer): ImapRespTextCode {
  const nameStart = t.position;
  const startPart = t.partIndex;
  const nameOffset = t.offset;
  const name = t.readAtom('resp-text-code');
  const upper = name.toUpperCase();
  let code: ImapRespTextCode;
  try {
    code = readCodeArguments(t, name, upper, nameOffset);
    if (!t.take(0x5d)) t.fail('resp-text-code', '"]"', `resp-text-code: ${upper} arguments not closed by "]"`);
  } catch (e) {
    // Recover at the code's "]" on the same line: the text after it is still worth reading.
    if (!(e instanceof ImapParseAbort) || t.partIndex !== startPart || !t.skipPast(0x5d)) throw e;
    const args = t.slice(nameStart + name.length, t.position - 1).toString('latin1');
    code = { kind: 'other', name, text: args.startsWith(' ') ? args.slice(1) : args || undefined };
  }
  return code;
}

function readCodeArguments(t: ImapTokenizer, name: string, upper: string, nameOffset: number): ImapRespTextCode {
  if (SIMPLE.has(upper)) {
    if (t.peek() !== 0x5d && t.peek() !== SP) t.fail('resp-text-code', '"]"', `resp-text-code: ${upper} not closed by "]"`);
    if (t.peek() === SP) {
      const spec = RFC5530_CODES.has(upper) ? IMAP_PROSE_RULES.rfc5530Code : grammarRule('resp-text-code');
      t.report(spec, `resp-text-code: ${upper} takes no arguments`, `"${upper}" "]"`);
      return { kind: 'other', name, text: readOtherArguments(t) };
    }
    return { kind: 'simple', name: upper as ImapSimpleCodeName };
  }
  switch (upper) {
    case 'BADCHARSET':
      return { kind: 'badcharset', charsets: t.peek() === SP ? readCharsets(t) : [] };
    case 'CAPABILITY':
      return { kind: 'capability', capabilities: parseCapabilityList(t, nameOffset, { inCode: true, rule: 'capability-data' }) };
    case 'PERMANENTFLAGS':
      t.expectSp('resp-text-code');
      return { kind: 'permanentflags', flags: parseFlagList(t, 'flag-perm') };
    case 'UIDNEXT':
    case 'UIDVALIDITY':
    case 'UNSEEN':
      t.expectSp('resp-text-code');
      return { kind: 'number', name: upper, value: t.readNumber('nz-number', 'resp-text-code') };
  }
  const syntax = EXTENSION_CODE_SYNTAX.get(upper);
  if (syntax !== undefined) return readExtensionCode(t, name, syntax);
  if (!upper.startsWith('X') && !EXTENSION_CODES.has(upper)) {
    t.report(IMAP_PROSE_RULES.respTextCodeX, `unknown response code ${name} without the "X" prefix`, 'a defined code, or "X" atom', nameOffset, Buffer.from(name, 'latin1'));
  }
  return { kind: 'other', name, text: readOtherArguments(t) };
}

/** A code an extension defines: checked against its ABNF, kept as `other` with its argument text. */
function readExtensionCode(t: ImapTokenizer, name: string, syntax: ImapExtensionCodeSyntax): ImapRespTextCode {
  const upper = name.toUpperCase();
  if (syntax.readArguments === undefined) {
    if (t.peek() !== SP) return { kind: 'other', name, text: undefined };
    t.report(ruleOf(syntax.rule), `resp-text-code: ${upper} takes no arguments`, `"${upper}" "]"`);
    return { kind: 'other', name, text: readOtherArguments(t) };
  }
  const start = t.position;
  syntax.readArguments(t);
  if (t.peek() !== 0x5d) t.fail(syntax.rule, '"]"', `resp-text-code: ${upper} arguments not closed by "]"`);
  return { kind: 'other', name, text: t.slice(start + 1).toString('latin1') };
}

/** `atom [SP 1*<any TEXT-CHAR except "]">]`: the arguments after the atom, undefined if none. */
function readOtherArguments(t: ImapTokenizer): string | undefined {
  if (t.peek() === 0x5d) return undefined;
  if (t.peek() !== SP) t.fail('resp-text-code', 'SP or "]"', 'resp-text-code: atom followed by neither SP nor "]"');
  t.advance();
  const start = t.offset;
  const args = t.readWhile((b) => b !== 0x5d);
  if (args.length === 0) t.report(grammarRule('resp-text-code'), 'resp-text-code: SP not followed by arguments', '1*<any TEXT-CHAR except "]">', start);
  t.checkTextChars(args, start, isTextChar);
  return args.toString('latin1');
}

/** `SP "(" astring *(SP astring) ")"` */
function readCharsets(t: ImapTokenizer): string[] {
  t.expectSp('resp-text-code');
  t.expect(0x28, 'resp-text-code');
  const charsets: string[] = [];
  do {
    if (charsets.length > 0) t.expectSp('resp-text-code');
    charsets.push(t.readAstring('astring', isAstringChar).bytes.toString('latin1'));
  } while (!t.takeClose('resp-text-code'));
  return charsets;
}
