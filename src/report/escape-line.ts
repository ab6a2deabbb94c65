/**
 * Makes text safe to print on one line: TAP descriptions, JUnit messages, a terminal.
 * Control characters (C0, DEL, C1: a raw ESC or CSI could drive the reader's terminal), the
 * Unicode line separators (which JavaScript's `.` and tap-parser treat as line breaks) and
 * unpaired surrogates (not encodable in UTF-8) become visible escapes; everything else is kept.
 */
export function escapeLine(text: string): string {
  return text.replace(UNSAFE_IN_LINE, escapeChar);
}

const UNSAFE_IN_LINE = /[\x00-\x1f\x7f-\x9f\u2028\u2029\p{Cs}]/gu;

const NAMED_ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** The escape for one code unit: \n, \r, \t, \xHH below U+0100, else \uHHHH. */
export function escapeChar(char: string): string {
  const named = NAMED_ESCAPES[char];
  if (named !== undefined) return named;
  const code = char.charCodeAt(0);
  const hex = code.toString(16).toUpperCase();
  return code < 0x100 ? `\\x${hex.padStart(2, '0')}` : `\\u${hex.padStart(4, '0')}`;
}
