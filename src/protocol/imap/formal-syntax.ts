/**
 * RFC 3501 §9 character classes as byte predicates (octets, not characters: the grammar is over
 * octets). Each predicate quotes the ABNF it implements.
 */

export const SP = 0x20;
export const DQUOTE = 0x22;
export const BACKSLASH = 0x5c;
export const CR = 0x0d;
export const LF = 0x0a;
export const NUL = 0x00;

/** CHAR = %x01-7F (RFC 5234 core rule). */
export const isChar = (b: number): boolean => b >= 0x01 && b <= 0x7f;

/** CHAR8 = %x01-ff ; any OCTET except NUL, %x00 */
export const isChar8 = (b: number): boolean => b >= 0x01 && b <= 0xff;

/** CTL = %x00-1F / %x7F (RFC 5234 core rule). */
export const isCtl = (b: number): boolean => b <= 0x1f || b === 0x7f;

/** DIGIT = %x30-39 */
export const isDigit = (b: number): boolean => b >= 0x30 && b <= 0x39;

/** digit-nz = %x31-39 */
export const isDigitNz = (b: number): boolean => b >= 0x31 && b <= 0x39;

/** ALPHA = %x41-5A / %x61-7A */
export const isAlpha = (b: number): boolean => (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);

/** list-wildcards = "%" / "*" */
export const isListWildcard = (b: number): boolean => b === 0x25 || b === 0x2a;

/** quoted-specials = DQUOTE / "\" */
export const isQuotedSpecial = (b: number): boolean => b === DQUOTE || b === BACKSLASH;

/** resp-specials = "]" */
export const isRespSpecial = (b: number): boolean => b === 0x5d;

/**
 * atom-specials = "(" / ")" / "{" / SP / CTL / list-wildcards / quoted-specials / resp-specials
 */
export const isAtomSpecial = (b: number): boolean =>
  b === 0x28 || b === 0x29 || b === 0x7b || b === SP || isCtl(b) || isListWildcard(b) || isQuotedSpecial(b) || isRespSpecial(b);

/** ATOM-CHAR = <any CHAR except atom-specials> */
export const isAtomChar = (b: number): boolean => isChar(b) && !isAtomSpecial(b);

/** ASTRING-CHAR = ATOM-CHAR / resp-specials */
export const isAstringChar = (b: number): boolean => isAtomChar(b) || isRespSpecial(b);

/** tag = 1*<any ASTRING-CHAR except "+"> */
export const isTagChar = (b: number): boolean => isAstringChar(b) && b !== 0x2b;

/** TEXT-CHAR = <any CHAR except CR and LF> */
export const isTextChar = (b: number): boolean => isChar(b) && b !== CR && b !== LF;

/** QUOTED-CHAR = <any TEXT-CHAR except quoted-specials> / "\" quoted-specials (the unescaped half). */
export const isQuotedChar = (b: number): boolean => isTextChar(b) && !isQuotedSpecial(b);

/** base64-char = ALPHA / DIGIT / "+" / "/" ; Case-sensitive */
export const isBase64Char = (b: number): boolean => isAlpha(b) || isDigit(b) || b === 0x2b || b === 0x2f;

/**
 * The name of a data item or response keyword ("RFC822.SIZE", "UIDVALIDITY", "X-FOO"): an atom
 * cut before "[" and "<", which ATOM-CHAR allows but which start a section or a partial
 * ("BODY[1]<0>").
 */
export const isKeywordChar = (b: number): boolean => isAtomChar(b) && b !== 0x5b && b !== 0x3c;

/** True if every byte of `bytes` satisfies `test` and there is at least one. */
export function isAll(bytes: Uint8Array, test: (b: number) => boolean): boolean {
  if (bytes.length === 0) return false;
  for (const b of bytes) if (!test(b)) return false;
  return true;
}
