import { escapeChar } from './escape-line.js';

/**
 * XML 1.0 §2.2 Char ::= #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
 * Everything else: C0 controls but TAB/LF/CR, U+FFFE, U+FFFF and unpaired surrogates.
 */
const XML_ILLEGAL = /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\p{Cs}]/gu;

/**
 * Replaces each character XML 1.0 forbids with a visible escape (\x1B, \uFFFE, \uD800) so the
 * evidence survives: junit-report-builder would silently delete them (xmlbuilder's
 * `invalidCharReplacement: ''`).
 */
export function toXmlSafe(text: string): string {
  return text.replace(XML_ILLEGAL, escapeChar);
}

/**
 * toXmlSafe for CDATA content, which also must not contain "]]>": xmlbuilder splits only the
 * first occurrence (String#replace with a string), so a second one would end the section early.
 */
export function toCdataSafe(text: string): string {
  return toXmlSafe(text).replaceAll(']]>', ']]\\x3E');
}
