import type { Bindings } from './text-pattern.js';

import { createHash } from 'node:crypto';
import { quoteImap } from '../protocol/imap/client.js';

/**
 * Client-line templates: `${name}` is replaced by a variable's value, `${repeat:TEXT:N}` by TEXT
 * repeated N times (for over-long lines), `${md5hex:a,b}` by the MD5 hex digest of the values of
 * variables a and b concatenated (POP3 APOP, RFC 1939 §7), `${octets:a}` by the length in octets of
 * a's value (IMAP literal counts, RFC 3501 §4.3), `${quoted:a}` by a's value as an IMAP quoted string
 * (RFC 3501 §4.3: in double quotes, `\` and `"` escaped; what a password with those characters needs),
 * and `$${` is a literal `${`.
 */

const REPEAT = /^repeat:([^:]*):(\d+)$/;
const MD5HEX = /^md5hex:([A-Za-z_][A-Za-z0-9_.-]*(?:,[A-Za-z_][A-Za-z0-9_.-]*)*)$/;
const OCTETS = /^octets:([A-Za-z_][A-Za-z0-9_.-]*)$/;
const QUOTED = /^quoted:([A-Za-z_][A-Za-z0-9_.-]*)$/;
const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const MAX_REPEAT_BYTES = 16 * 1024 * 1024;

type Piece = { readonly kind: 'text'; readonly text: string } | { readonly kind: 'expr'; readonly expr: string };

function splitTemplate(template: string): Piece[] | { readonly error: string } {
  const pieces: Piece[] = [];
  let text = '';
  for (let i = 0; i < template.length; i++) {
    if (template.startsWith('$${', i)) {
      text += '${';
      i += 2;
    } else if (template.startsWith('${', i)) {
      const end = template.indexOf('}', i + 2);
      if (end === -1) return { error: `unterminated \${ in: ${template}` };
      if (text) pieces.push({ kind: 'text', text });
      text = '';
      pieces.push({ kind: 'expr', expr: template.slice(i + 2, end) });
      i = end;
    } else {
      text += template[i];
    }
  }
  if (text) pieces.push({ kind: 'text', text });
  return pieces;
}

/** Variable names a template reads, or an error for a malformed template. */
export function templateVariables(template: string): string[] | { readonly error: string } {
  const pieces = splitTemplate(template);
  if ('error' in pieces) return pieces;
  const names: string[] = [];
  for (const piece of pieces) {
    if (piece.kind !== 'expr') continue;
    const repeat = REPEAT.exec(piece.expr);
    const md5 = MD5HEX.exec(piece.expr);
    const octets = OCTETS.exec(piece.expr) ?? QUOTED.exec(piece.expr);
    if (repeat) {
      if (Number(repeat[2]) * repeat[1]!.length > MAX_REPEAT_BYTES) return { error: `repeat too large: ${piece.expr}` };
    } else if (md5) {
      names.push(...md5[1]!.split(','));
    } else if (octets) {
      names.push(octets[1]!);
    } else if (NAME.test(piece.expr)) {
      names.push(piece.expr);
    } else {
      return { error: `bad expression \${${piece.expr}}` };
    }
  }
  return names;
}

export type RenderedTemplate =
  | { readonly text: string; /** Values computed from secret variables (digests): secret too. */ readonly derivedSecrets: readonly string[] }
  | { readonly missing: string }
  | { readonly error: string };

/** Renders a template; a variable without a value is reported, not sent as an empty string. */
export function renderTemplate(template: string, bindings: Bindings, isSecret: (name: string) => boolean = () => false): RenderedTemplate {
  const pieces = splitTemplate(template);
  if ('error' in pieces) return pieces;
  let text = '';
  const derivedSecrets: string[] = [];
  for (const piece of pieces) {
    if (piece.kind === 'text') {
      text += piece.text;
      continue;
    }
    const repeat = REPEAT.exec(piece.expr);
    if (repeat) {
      text += repeat[1]!.repeat(Number(repeat[2]));
      continue;
    }
    const md5 = MD5HEX.exec(piece.expr);
    const octets = OCTETS.exec(piece.expr);
    const quoted = QUOTED.exec(piece.expr);
    const names = md5 ? md5[1]!.split(',') : octets ? [octets[1]!] : quoted ? [quoted[1]!] : [piece.expr];
    const values: string[] = [];
    for (const name of names) {
      const value = bindings.get(name);
      if (value === undefined) return { missing: name };
      values.push(value);
    }
    if (octets) {
      text += String(Buffer.byteLength(values[0]!, 'utf8'));
      continue;
    }
    if (quoted) {
      // §4.3: a quoted string holds any 7-bit character but CR and LF; the rest needs a literal.
      if (/[\r\n\x80-\uffff\0]/.test(values[0]!)) return { error: `\${${piece.expr}}: the value has CR, LF, NUL or 8-bit characters, which an IMAP quoted string cannot hold (send it as a literal)` };
      const quotedText = quoteImap(values[0]!);
      if (names.some(isSecret)) derivedSecrets.push(quotedText);
      text += quotedText;
      continue;
    }
    if (!md5) {
      text += values[0];
      continue;
    }
    const digest = createHash('md5').update(values.join(''), 'utf8').digest('hex');
    if (names.some(isSecret)) derivedSecrets.push(digest);
    text += digest;
  }
  return { text, derivedSecrets };
}

/** Decodes \r \n \t \\ and \xHH in a raw client line (C!:) into bytes. */
export function decodeEscapes(text: string): Buffer | { readonly error: string } {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch !== '\\') {
      const code = text.charCodeAt(i);
      if (code > 0x7f) return { error: `non-ASCII character in raw line: ${ch} (write bytes as \\xHH)` };
      bytes.push(code);
      continue;
    }
    const next = text[++i];
    if (next === 'r') bytes.push(0x0d);
    else if (next === 'n') bytes.push(0x0a);
    else if (next === 't') bytes.push(0x09);
    else if (next === '\\') bytes.push(0x5c);
    else if (next === 'x' && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else return { error: `bad escape \\${next ?? ''} in raw line` };
  }
  return Buffer.from(bytes);
}
