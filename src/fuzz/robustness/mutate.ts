import fc from 'fast-check';
import { insertAt, insertionPoints, type Segment } from './mutate-segments.js';

/**
 * Byte-level mutations of one command line, shared by the SMTP, POP3 and IMAP grammars. They only
 * re-case keywords and insert bytes where the segments allow it: they never remove bytes or replace
 * a verb, so a mutated line cannot become a command the grammar would not have generated (no POP3
 * DELE out of thin air), and never add a CRLF, so the line still owes exactly one answer.
 */
export type Mutation =
  | { readonly kind: 'lower-case' }
  /** Flips the case of the keyword letters whose bit (letter index mod 31) is set. */
  | { readonly kind: 'mixed-case'; readonly pattern: number }
  /** A run of one character, 1–80 KiB: past Postfix's 2048-byte line_length_limit and Dovecot's 64 KiB. */
  | { readonly kind: 'over-long'; readonly at: number; readonly length: number; readonly fill: string }
  | { readonly kind: 'nul'; readonly at: number }
  | { readonly kind: '8-bit'; readonly at: number; readonly byte: number }
  | { readonly kind: 'junk'; readonly at: number; readonly bytes: string }
  | { readonly kind: 'bare-cr'; readonly at: number }
  | { readonly kind: 'bare-lf'; readonly at: number };

export type MutationKind = Mutation['kind'];

/** How each mutation is named in step labels, so people (and tests) can tell them apart. */
export const MUTATION_LABELS: Readonly<Record<MutationKind, string>> = {
  'lower-case': 'lower-case keywords',
  'mixed-case': 'mixed-case keywords',
  'over-long': 'over-long token',
  nul: 'NUL byte',
  '8-bit': '8-bit byte',
  junk: 'junk bytes',
  'bare-cr': 'bare CR',
  'bare-lf': 'bare LF',
};

export const MUTATION_KINDS = Object.keys(MUTATION_LABELS) as MutationKind[];

export const OVER_LONG_MIN = 1024;
export const OVER_LONG_MAX = 80 * 1024;

/**
 * Junk never holds CR or LF (a line break is a mutation of its own), letters or digits (it could
 * spell a verb or a number), SP, quotes, backslash, braces or parentheses (it could end a quoted
 * IMAP mailbox name, start a new argument or announce a literal).
 */
export const JUNK_BYTES: readonly string[] = [
  ...range(0x01, 0x1f).filter((b) => b !== 0x0a && b !== 0x0d),
  ...'!#$%&\'*+,-./:;<=>?@[]^_`|~'.split('').map((c) => c.charCodeAt(0)),
  0x7f,
  ...range(0x80, 0xff),
].map((b) => String.fromCharCode(b));

/** Filler for over-long tokens: one repeated character, never one that spells a verb. */
const FILL = ['A', 'x', '0', '-'];

const position = fc.nat({ max: 0xffff });

/** One mutation; over-long weighs 1 in 15 so a run is not mostly 80 KiB lines. */
export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 2, arbitrary: fc.constant({ kind: 'lower-case' as const }) },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 0x7fffffff }).map((pattern) => ({ kind: 'mixed-case' as const, pattern })) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('junk' as const), at: position, bytes: fc.string({ unit: fc.constantFrom(...JUNK_BYTES), minLength: 1, maxLength: 8 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('nul' as const), at: position }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('8-bit' as const), at: position, byte: fc.integer({ min: 0x80, max: 0xff }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('bare-cr' as const), at: position }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('bare-lf' as const), at: position }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('over-long' as const), at: position, length: fc.integer({ min: OVER_LONG_MIN, max: OVER_LONG_MAX }), fill: fc.constantFrom(...FILL) }),
  },
);

/** Mutations for one command: most commands get none, so the server still reaches deeper states. */
export const mutationsArb: fc.Arbitrary<readonly Mutation[]> = fc.oneof(
  { withCrossShrink: true },
  { weight: 3, arbitrary: fc.constant([]) },
  { weight: 2, arbitrary: fc.array(mutationArb, { minLength: 1, maxLength: 2 }) },
);

/** The line after mutation, and the labels of the mutations that found a place to act. */
export interface MutatedLine {
  readonly segments: readonly Segment[];
  readonly labels: readonly string[];
}

/**
 * Applies the mutations in a fixed order (case first, line breaks last) so the result does not
 * depend on the order fast-check drew them in. Only one bare CR or LF per line: two could meet as a
 * CRLF and end the line early.
 */
export function applyMutations(segments: readonly Segment[], mutations: readonly Mutation[]): MutatedLine {
  const ordered = [...mutations].sort((a, b) => MUTATION_KINDS.indexOf(a.kind) - MUTATION_KINDS.indexOf(b.kind));
  let current = segments;
  const labels: string[] = [];
  let lineBroken = false;
  for (const mutation of ordered) {
    const isBreak = mutation.kind === 'bare-cr' || mutation.kind === 'bare-lf';
    if (isBreak && lineBroken) continue;
    const next = applyOne(current, mutation);
    if (next === undefined) continue;
    current = next;
    lineBroken ||= isBreak;
    if (!labels.includes(MUTATION_LABELS[mutation.kind])) labels.push(MUTATION_LABELS[mutation.kind]);
  }
  return { segments: current, labels };
}

/** The segments after one mutation, or undefined when it has nowhere to act. */
function applyOne(segments: readonly Segment[], mutation: Mutation): Segment[] | undefined {
  switch (mutation.kind) {
    case 'lower-case':
      return recase(segments, (c) => c.toLowerCase());
    case 'mixed-case':
      return recase(segments, flipWhere(mutation.pattern));
    case 'over-long':
      return insert(segments, mutation.at, mutation.fill.repeat(mutation.length));
    case 'nul':
      return insert(segments, mutation.at, '\x00');
    case '8-bit':
      return insert(segments, mutation.at, String.fromCharCode(mutation.byte));
    case 'junk':
      return insert(segments, mutation.at, mutation.bytes);
    case 'bare-cr':
      return insert(segments, mutation.at, '\r');
    case 'bare-lf':
      return insert(segments, mutation.at, '\n');
  }
}

function insert(segments: readonly Segment[], at: number, bytes: string): Segment[] | undefined {
  const points = insertionPoints(segments);
  const point = points[at % Math.max(points.length, 1)];
  return point === undefined ? undefined : insertAt(segments, point, bytes);
}

/** Re-cases the keyword segments' letters; undefined when that changes nothing. */
function recase(segments: readonly Segment[], change: (letter: string, index: number) => string): Segment[] | undefined {
  let letter = 0;
  const out = segments.map((s) => (s.role !== 'keyword' ? s : { role: s.role, text: s.text.replace(/[A-Za-z]/g, (c) => change(c, letter++)) }));
  return out.some((s, i) => s.text !== segments[i]?.text) ? out : undefined;
}

function flipWhere(pattern: number): (letter: string, index: number) => string {
  return (c, i) => ((pattern >>> i % 31) & 1 ? (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()) : c);
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
