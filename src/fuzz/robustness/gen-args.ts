import fc from 'fast-check';
import { quoteImap } from '../../protocol/imap/client.js';
import { isAll, isAstringChar } from '../../protocol/imap/formal-syntax.js';
import type { GrammarContext } from './fuzz-step.js';
import { free, prefix, sealed, type Segment } from './mutate-segments.js';

/**
 * Argument values the grammars draw from: the run's vars as wire text, numbers good and bad, verbs
 * no server knows, and IMAP's mailbox names, sequence sets and literals.
 */

/** One of the values, shrinking towards the first. */
export const pick = <T>(...values: T[]): fc.Arbitrary<T> => fc.constantFrom(...values);

/** `text` as the latin1 string of its UTF-8 bytes: generated lines are built one char per byte. */
export function wireText(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

/** A var from the context as wire text, or `fallback` when it is missing or empty. */
export function readVar(context: GrammarContext, name: string, fallback: string): string {
  const value = context.vars.get(name);
  return wireText(value === undefined || value === '' ? fallback : value);
}

/** A prelude line from wire text, CRLF added: it must be one well-formed line, so no CR, LF or NUL. */
export function preludeLine(wire: string): Buffer {
  if (/[\r\n\0]/.test(wire)) throw new Error(`a prelude line cannot hold CR, LF or NUL: ${JSON.stringify(wire)}`);
  return Buffer.from(`${wire}\r\n`, 'latin1');
}

/**
 * Numbers a server must refuse or cap: zero where counting starts at 1, signs, 2^32 and past it,
 * decimals, hex, letters, and the empty string.
 */
export const BAD_NUMBERS = ['0', '-1', '+1', '4294967296', '99999999999', '18446744073709551616', '1.5', '0x10', '1a', ''] as const;

/** A message number: mostly small and plausible, sometimes one from BAD_NUMBERS. */
export const messageNumberArb: fc.Arbitrary<string> = fc.oneof(
  { withCrossShrink: true },
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 5 }).map(String) },
  { weight: 1, arbitrary: fc.constantFrom(...BAD_NUMBERS) },
);

/** Made-up verbs that look like real ones (but are none of SMTP's, POP3's or IMAP's). */
const LOOKALIKE_VERBS = ['XYZZY', 'HELOO', 'EHL', 'MAILFROM', 'RCPTTO', 'RTRV', 'STATS', 'NOOPS', 'FETC', 'SELECTX', 'LOGINN', 'CAPABILITIES'];

/**
 * A verb no server knows: a look-alike, or "Z" and letters without D, L or R. No real verb starts
 * with Z, and without D, L and R no mutation or line split can spell DATA, DELE or RETR out of it
 * (RETR marks the user's message read on servers that set \Seen at QUIT, as Dovecot does).
 */
export const unknownVerbArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...LOOKALIKE_VERBS),
  fc.string({ unit: fc.constantFrom(...'ABCEFGHIJKMNOPQSTUVWXYZ'), minLength: 1, maxLength: 10 }).map((s) => `Z${s}`),
);

// IMAP: mailbox names (always inside the namespace where the command writes), sequence sets, and
// APPEND's literal, each also in the malformed shapes RFC 3501 §9 rules out.

/** Names of IMAP's own malformations, as step labels show them. */
export const IMAP_NOTES = {
  badTag: 'bad tag',
  badSequenceSet: 'bad sequence set',
  unbalanced: 'unbalanced parentheses',
  /** More octets follow than `{n}` announced: the rest ends up in the command line. */
  literalTooSmall: 'literal count too small',
  /** Fewer octets than announced: the next line is swallowed into the literal. */
  literalTooLarge: 'literal count too large',
  literalHuge: 'literal count past 2^32-1',
  literalNegative: 'negative literal count',
  literalMalformed: 'malformed literal',
} as const;

/** Some arguments of a command: segments (each starting with SP), and what is wrong with them on purpose. */
export interface ImapArgs {
  readonly segments: readonly Segment[];
  readonly notes: readonly string[];
  /** A mailbox outside the namespace is named (only read-only commands get one). */
  readonly foreign?: boolean;
  /** Bytes after the line's CRLF: a literal's octets and the rest of the command line. */
  readonly trailer?: string;
}

export const withNote = (args: ImapArgs, note: string): ImapArgs => ({ ...args, notes: [...args.notes, note] });

const plain = (text: string): ImapArgs => ({ segments: [free(` ${text}`)], notes: [] });

/** Child names to append to the namespace: hierarchy with "/" or ".", 8-bit, modified UTF-7, wildcards. */
const SUFFIXES = ['', '/child', '.child', 'x', '/a/b', '/caf\xe9', '/&AOk-', '/*', '/%', '/with space', '/'];

/** Names outside the namespace, for EXAMINE, STATUS, LIST and LSUB only. */
const FOREIGN = ['INBOX', 'inbox', '"INBOX/Sent"', '""', 'Trash', '"&AOk-"', '"INBOX'];

/**
 * A mailbox inside the namespace, as an atom when it can be one or else quoted (§4.3). The
 * namespace (with the opening quote) is a prefix segment: mutations may only add bytes after it.
 */
function inNamespace(ns: string, suffix: string, quoted: boolean): Segment[] {
  if (!quoted && isAll(Buffer.from(ns + suffix, 'latin1'), isAstringChar)) return [prefix(` ${ns}`), ...(suffix ? [free(suffix)] : [])];
  return [prefix(` ${quoteImap(ns).slice(0, -1)}`), free(quoteImap(suffix).slice(1))];
}

/** A mailbox name: inside the namespace, or (when `foreignToo`, for read-only commands) anything. */
export function mailboxArb(ns: string, foreignToo: boolean): fc.Arbitrary<ImapArgs> {
  const own = fc.tuple(pick(...SUFFIXES), fc.boolean()).map(([suffix, quoted]): ImapArgs => ({ segments: inNamespace(ns, suffix, quoted), notes: [] }));
  if (!foreignToo) return own;
  return fc.oneof(own, pick(...FOREIGN).map((name): ImapArgs => ({ ...plain(name), foreign: true })));
}

/** Sequence sets (§9 sequence-set), and ones a server must refuse: 0, open ranges, 2^32, empty items. */
export const seqSetArb: fc.Arbitrary<ImapArgs> = fc.oneof(
  { withCrossShrink: true },
  { weight: 4, arbitrary: pick('1', '1:*', '*', '1,3:5', '2:4', '1:2,4', '3').map(plain) },
  { weight: 1, arbitrary: pick('0', '1:', '*:*:*', '4294967296', '1,,2', '-1', ':', ',', '1:0:2', 'a', '').map((t) => withNote(plain(t), IMAP_NOTES.badSequenceSet)) },
);

/** Messages to append: plain, 8-bit, with a NUL, with bare LFs, empty, with a long line. */
const MESSAGES = ['Subject: fuzz\r\n\r\nhello\r\n', 'Subject: caf\xe9\r\n\r\n\xff\xfe 8-bit\r\n', 'Subject: nul\r\n\r\na\0b\r\n', 'Subject: bare LF\n\nbody\n', '', `Subject: long\r\n\r\n${'y'.repeat(1500)}\r\n`];

/** One-line messages for a count too small: what is left over must be one line, with no "{". */
const ONE_LINE = ['Subject: fuzz', 'hello world', 'x'.repeat(40)];

/** The line a literal announced too long swallows. */
const SWALLOWED = 'x NOOP';

interface Literal {
  readonly announce: string;
  readonly trailer: string;
  readonly notes: readonly string[];
}

/**
 * APPEND's literal. Whatever the count, the bytes are those the tracker will read: after `{n}` it
 * takes n octets, and what follows up to CRLF ends the command line. Counts it does not read as a
 * literal (negative, malformed) end the command at their CRLF; counts past 2^32-1 are sent alone.
 */
const literalArb: fc.Arbitrary<Literal> = fc.oneof(
  { withCrossShrink: true },
  { weight: 6, arbitrary: pick(...MESSAGES).map((m) => ({ announce: `{${m.length}}`, trailer: `${m}\r\n`, notes: [] })) },
  {
    weight: 1,
    arbitrary: fc.tuple(pick(...ONE_LINE), fc.nat()).map(([m, k]) => ({ announce: `{${1 + (k % (m.length - 1))}}`, trailer: `${m}\r\n`, notes: [IMAP_NOTES.literalTooSmall] })),
  },
  {
    weight: 1,
    arbitrary: pick(...MESSAGES).map((m) => {
      const octets = `${m}\r\n${SWALLOWED}`;
      return { announce: `{${octets.length}}`, trailer: `${octets}\r\n`, notes: [IMAP_NOTES.literalTooLarge] };
    }),
  },
  { weight: 1, arbitrary: pick('{4294967296}', '{99999999999}', '{18446744073709551616}').map((announce) => ({ announce, trailer: '', notes: [IMAP_NOTES.literalHuge] })) },
  { weight: 1, arbitrary: pick('{-1}', '{-4294967295}').map((announce) => ({ announce, trailer: '', notes: [IMAP_NOTES.literalNegative] })) },
  { weight: 1, arbitrary: pick('{abc}', '{}', '{ 5}', '{5', '{+5}', '{0x10}').map((announce) => ({ announce, trailer: '', notes: [IMAP_NOTES.literalMalformed] })) },
);

const FLAGS = pick('', ' (\\Seen)', ' (\\Seen \\Flagged)', ' ()', ' (\\Recent)', ' (\\Seen');
const DATES = pick('', ' "01-Jan-2024 00:00:00 +0000"', ' " 1-Feb-2024 10:00:00 -0500"', ' "31-Feb-2024 25:61:61 +9999"', ' "bad date"');

/** APPEND's arguments (§6.3.11): a namespace mailbox, optional flags and date, the literal (its `{n}` sealed). */
export function appendArgsArb(ns: string): fc.Arbitrary<ImapArgs> {
  return fc.tuple(mailboxArb(ns, false), FLAGS, DATES, literalArb).map(([mailbox, flags, date, literal]) => ({
    segments: [...mailbox.segments, ...(flags ? [free(flags)] : []), ...(date ? [free(date)] : []), sealed(` ${literal.announce}`)],
    notes: [...(flags === ' (\\Seen' ? [IMAP_NOTES.unbalanced] : []), ...literal.notes],
    trailer: literal.trailer,
  }));
}
