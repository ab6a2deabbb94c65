import { DEFAULT_IMAP_LIMITS } from './limits.js';
import type { ImapRawResponse } from './response-framer.js';

/**
 * A response as a tree of IMAP values, the shape RFC 3501 §4 data takes: atoms (numbers, NIL,
 * flags, keywords included), strings (quoted or literal, by value), parenthesized lists and
 * bracketed groups (`[UIDVALIDITY 3]`, `BODY[HEADER]`). Tolerant on purpose: it serves matching
 * transcripts against what arrived, and the strict grammar (parseResponse) reports what is wrong;
 * an unbalanced bracket or quote here just becomes an atom.
 */
export type ImapValue =
  | { readonly kind: 'atom'; readonly text: string }
  | { readonly kind: 'string'; readonly text: string; readonly literal: boolean }
  | { readonly kind: 'list'; readonly items: readonly ImapValue[] }
  | { readonly kind: 'bracket'; readonly items: readonly ImapValue[] };

type Frame = { readonly kind: 'list' | 'bracket' | 'top'; readonly items: ImapValue[]; readonly opener: string };

/**
 * Groups nested deeper than the parser's depth limit stay text: matching and formatting recurse
 * over the tree, and "((((…" 30 000 deep overflowed the call stack. parseResponse reports the depth.
 */
const MAX_DEPTH = DEFAULT_IMAP_LIMITS.maxDepth;

/** Openers past MAX_DEPTH not yet closed: their closers are text too. */
type Overflow = { depth: number };

const SP = ' ';

/** Reads every part of a framed response; literal parts become string values. */
export function readValueTree(raw: ImapRawResponse): ImapValue[] {
  const stack: Frame[] = [{ kind: 'top', items: [], opener: '' }];
  const overflow: Overflow = { depth: 0 };
  for (const part of raw.parts) {
    if (part.kind === 'literal') {
      stack.at(-1)!.items.push({ kind: 'string', text: part.bytes.toString('latin1'), literal: true });
      continue;
    }
    let text = part.bytes.toString('latin1');
    // The `{n}` announcing the literal that follows is framing, not a value.
    text = text.replace(/\{\d+\}$/, '');
    readText(text, stack, overflow);
  }
  // Unclosed groups: fold back into their parent as atoms of their opener, then their items. In one
  // pass from the outermost: folding innermost-first re-copies every item once per level, which is
  // quadratic, and a line of 64K "(" took minutes.
  const [top, ...unclosed] = stack;
  for (const frame of unclosed) {
    top!.items.push({ kind: 'atom', text: frame.opener });
    for (const item of frame.items) top!.items.push(item);
  }
  return top!.items;
}

function readText(text: string, stack: Frame[], overflow: Overflow): void {
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    const top = stack.at(-1)!;
    const opener = ch === '(' || ch === '[';
    if (ch === SP) {
      i++;
    } else if ((opener && stack.length > MAX_DEPTH) || ((ch === ')' || ch === ']') && overflow.depth > 0)) {
      overflow.depth += opener ? 1 : -1;
      top.items.push({ kind: 'atom', text: ch });
      i++;
    } else if (opener) {
      stack.push({ kind: ch === '(' ? 'list' : 'bracket', items: [], opener: ch });
      i++;
    } else if ((ch === ')' && top.kind === 'list') || (ch === ']' && top.kind === 'bracket')) {
      stack.pop();
      stack.at(-1)!.items.push(top.kind === 'list' ? { kind: 'list', items: top.items } : { kind: 'bracket', items: top.items });
      i++;
    } else if (ch === '"') {
      const end = closingQuote(text, i + 1);
      if (end === -1) {
        top.items.push({ kind: 'atom', text: text.slice(i) });
        return;
      }
      top.items.push({ kind: 'string', text: text.slice(i + 1, end).replace(/\\(["\\])/g, '$1'), literal: false });
      i = end + 1;
    } else {
      let end = i;
      while (end < text.length && !' ()[]"'.includes(text[end]!)) end++;
      // A lone closer that matches no open group is just a character of an atom.
      if (end === i) end = i + 1;
      top.items.push({ kind: 'atom', text: text.slice(i, end) });
      i = end;
    }
  }
}

function closingQuote(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i;
  }
  return -1;
}

/** Canonical text of a value, for captures and messages. */
export function formatValue(value: ImapValue): string {
  switch (value.kind) {
    case 'atom':
      return value.text;
    case 'string':
      return JSON.stringify(value.text);
    case 'list':
      return `(${value.items.map(formatValue).join(' ')})`;
    case 'bracket':
      return `[${value.items.map(formatValue).join(' ')}]`;
  }
}
