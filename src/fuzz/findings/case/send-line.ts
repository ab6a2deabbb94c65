import type { LineEnding } from './transcript-events.js';

/** A value written as `${name}` wherever it occurs in a client line. */
export interface Substitution {
  readonly name: string;
  readonly value: string;
}

type Piece = { readonly text: string } | { readonly variable: string };

/** Runs of one byte at least this long are written `${repeat:X:N}` (over-long tokens are kilobytes of one byte). */
const MIN_RUN = 16;

/**
 * One client line as a transcript line (suites/README.md) that sends exactly its bytes: `C: text`
 * when it is printable ASCII ending in CRLF, else `C!: ` with \r \n \t \\ \xHH escapes and the
 * terminator written out. Substitutions apply to `C:` lines only: a `C!:` line's escapes are
 * decoded after the variables are filled in, so a value holding a backslash would be mangled.
 */
export function formatSendLine(content: Buffer, ending: LineEnding, substitutions: readonly Substitution[]): string {
  const text = content.toString('latin1');
  const pieces = substitute(text, substitutions);
  if (ending === 'crlf' && pieces.every((p) => 'variable' in p || isPlain(p.text)) && !/[ \t]$/.test(text)) {
    const body = pieces.map((p) => ('variable' in p ? `\${${p.variable}}` : compressRuns(p.text, (c) => c, plainRepeated))).join('');
    return body === '' ? 'C:' : `C: ${body}`;
  }
  const end = ending === 'crlf' ? '\\r\\n' : ending === 'lf' ? '\\n' : '';
  return `C!: ${compressRuns(text, escapeRawChar, rawRepeated)}${end}`;
}

/** Printable ASCII without "$": a `C:` line is a template, and "$" before "{" would start a variable. */
function isPlain(text: string): boolean {
  return /^[\x20-\x23\x25-\x7e]*$/.test(text);
}

/** One byte in a `C!:` line: the escapes decodeEscapes reads; "$" as \x24 so no "${" can form. */
function escapeRawChar(char: string): string {
  const code = char.charCodeAt(0);
  if (char === '\r') return '\\r';
  if (char === '\n') return '\\n';
  if (char === '\t') return '\\t';
  if (char === '\\') return '\\\\';
  if (code >= 0x20 && code < 0x7f && char !== '$') return char;
  return hexEscape(char);
}

function hexEscape(char: string): string {
  return `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`;
}

/** X of `${repeat:X:N}` holds neither ":" nor "}" (template.ts): in a `C:` line such a run stays written out, */
function plainRepeated(char: string): string | undefined {
  return char === ':' || char === '}' ? undefined : char;
}

/** … in a `C!:` line it is escaped. */
function rawRepeated(char: string): string {
  return char === ':' || char === '}' ? hexEscape(char) : escapeRawChar(char);
}

/** Text with runs of one byte written `${repeat:X:N}`; `inRepeat` gives X, or undefined to write the run out. */
function compressRuns(text: string, encode: (char: string) => string, inRepeat: (char: string) => string | undefined): string {
  let out = '';
  for (let i = 0; i < text.length; ) {
    const char = text[i]!;
    let end = i + 1;
    while (end < text.length && text[end] === char) end++;
    const repeated = end - i >= MIN_RUN ? inRepeat(char) : undefined;
    out += repeated !== undefined ? `\${repeat:${repeated}:${end - i}}` : encode(char).repeat(end - i);
    i = end;
  }
  return out;
}

/** Splits text at every occurrence of a substitution's value, longest values first. */
function substitute(text: string, substitutions: readonly Substitution[]): Piece[] {
  let pieces: Piece[] = [{ text }];
  const longestFirst = [...substitutions].sort((a, b) => b.value.length - a.value.length);
  for (const { name, value } of longestFirst) {
    pieces = pieces.flatMap((piece): Piece[] => {
      if ('variable' in piece || !piece.text.includes(value)) return [piece];
      const parts = piece.text.split(value);
      return parts.flatMap((part, i) => [...(part ? [{ text: part }] : []), ...(i < parts.length - 1 ? [{ variable: name }] : [])]);
    });
  }
  return pieces;
}
