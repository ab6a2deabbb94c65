import type { Bindings } from './text-pattern.js';

import { createHash, createHmac } from 'node:crypto';
import { quoteImap } from '../protocol/imap/client.js';

/**
 * Client-line templates: `${name}` is replaced by a variable's value, `${repeat:TEXT:N}` by TEXT
 * repeated N times (for over-long lines), `$${` is a literal `${`, and `${fn:a,b}` by a function of
 * the values of variables a, b (see TEMPLATE_FUNCTIONS). A value computed from a secret variable
 * (a digest, an encoding) is secret too: it is returned with the text, to be redacted like it.
 */

const REPEAT = /^repeat:([^:]*):(\d+)$/;
const CALL = /^([a-z0-9]+):([A-Za-z_][A-Za-z0-9_.-]*(?:,[A-Za-z_][A-Za-z0-9_.-]*)*)$/;
const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const MAX_REPEAT_BYTES = 16 * 1024 * 1024;

interface TemplateFunction {
  /** How many variables it takes. */
  readonly arity: number;
  /** The text, or why these values can't be rendered (never quoting a value: it may be secret). */
  compute(values: readonly string[]): string | { readonly error: string };
}

const base64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

/** The template functions, by name. */
export const TEMPLATE_FUNCTIONS: Readonly<Record<string, TemplateFunction>> = {
  /** MD5 hex digest of the values concatenated: POP3 APOP (RFC 1939 §7). */
  md5hex: { arity: -1, compute: (values) => createHash('md5').update(values.join(''), 'utf8').digest('hex') },
  /** Length of the value in octets: IMAP literal counts (RFC 3501 §4.3). */
  octets: { arity: 1, compute: ([value]) => String(Buffer.byteLength(value!, 'utf8')) },
  /** The value as an IMAP quoted string (RFC 3501 §4.3): what a password with `"` or `\` needs. */
  quoted: {
    arity: 1,
    // §4.3: a quoted string holds any 7-bit character but CR and LF; the rest needs a literal.
    compute: ([value]) => (/[\r\n\x80-\uffff\0]/.test(value!) ? { error: 'the value has CR, LF, NUL or 8-bit characters, which an IMAP quoted string cannot hold (send it as a literal)' } : quoteImap(value!)),
  },
  /** The value in base64 (RFC 4648 §4): a SASL LOGIN step. */
  base64: { arity: 1, compute: ([value]) => base64(value!) },
  /** A SASL PLAIN message, base64: NUL, user, NUL, password (RFC 4616 §2, no authorization identity). */
  saslplain: { arity: 2, compute: ([user, password]) => base64(`\0${user!}\0${password!}`) },
  /**
   * A CRAM-MD5 answer, base64: user, space, hex HMAC-MD5 of the challenge keyed by the password
   * (RFC 2195 §2); the challenge is the base64 the server sent, as a captured variable.
   */
  crammd5: {
    arity: 3,
    compute: ([user, password, challenge]) => base64(`${user!} ${createHmac('md5', password!).update(Buffer.from(challenge!, 'base64')).digest('hex')}`),
  },
};

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

/** An expression: repeated text, a function call, or a variable; or why it is none of them. */
type Expression =
  | { readonly kind: 'repeat'; readonly text: string; readonly count: number }
  | { readonly kind: 'call'; readonly fn: TemplateFunction; readonly names: readonly string[] }
  | { readonly kind: 'variable'; readonly name: string }
  | { readonly error: string };

function readExpression(expr: string): Expression {
  const repeat = REPEAT.exec(expr);
  if (repeat) {
    const count = Number(repeat[2]);
    return count * repeat[1]!.length > MAX_REPEAT_BYTES ? { error: `repeat too large: ${expr}` } : { kind: 'repeat', text: repeat[1]!, count };
  }
  const call = CALL.exec(expr);
  if (call) {
    const fn = TEMPLATE_FUNCTIONS[call[1]!];
    const names = call[2]!.split(',');
    if (!fn) return { error: `unknown function in \${${expr}} (known: repeat, ${Object.keys(TEMPLATE_FUNCTIONS).join(', ')})` };
    if (fn.arity !== -1 && fn.arity !== names.length) return { error: `\${${expr}}: ${call[1]} takes ${fn.arity} variable(s), got ${names.length}` };
    return { kind: 'call', fn, names };
  }
  return NAME.test(expr) ? { kind: 'variable', name: expr } : { error: `bad expression \${${expr}}` };
}

/** Variable names a template reads, or an error for a malformed template. */
export function templateVariables(template: string): string[] | { readonly error: string } {
  const pieces = splitTemplate(template);
  if ('error' in pieces) return pieces;
  const names: string[] = [];
  for (const piece of pieces) {
    if (piece.kind !== 'expr') continue;
    const expression = readExpression(piece.expr);
    if ('error' in expression) return expression;
    if (expression.kind === 'call') names.push(...expression.names);
    else if (expression.kind === 'variable') names.push(expression.name);
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
    const expression = readExpression(piece.expr);
    if ('error' in expression) return expression;
    if (expression.kind === 'repeat') {
      text += expression.text.repeat(expression.count);
      continue;
    }
    const names = expression.kind === 'call' ? expression.names : [expression.name];
    const values: string[] = [];
    for (const name of names) {
      const value = bindings.get(name);
      if (value === undefined) return { missing: name };
      values.push(value);
    }
    if (expression.kind === 'variable') {
      text += values[0];
      continue;
    }
    const computed = expression.fn.compute(values);
    if (typeof computed !== 'string') return { error: `\${${piece.expr}}: ${computed.error}` };
    if (names.some(isSecret)) derivedSecrets.push(computed);
    text += computed;
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
