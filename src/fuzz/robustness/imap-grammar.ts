import fc from 'fast-check';
import { quoteImap } from '../../protocol/imap/client.js';
import type { GrammarContext, RobustnessGrammar } from './fuzz-step.js';
import { appendArgsArb, IMAP_NOTES, mailboxArb, pick, preludeLine, seqSetArb, unknownVerbArb, wireText, withNote, type ImapArgs } from './gen-args.js';
import { keyword, tagSegment } from './mutate-segments.js';
import { assembleInput, endingArb, stepArb, withMutations, type CommandPlan, type EndingPlan, type StepPlan } from './mutate-steps.js';

/**
 * IMAP robustness inputs (RFC 3501 §6): every command, good and bad arguments, IMAP's own malformations
 * (literal counts, sequence sets, parentheses, tags), then the shared byte mutations.
 *
 * Safety: every command that writes names only mailboxes that start with the exact namespace (the
 * mutations leave that prefix alone); INBOX and other names appear only in EXAMINE, STATUS, LIST and
 * LSUB. After an EXAMINE of a mailbox outside the namespace, the commands that act on the selected
 * mailbox (STORE, EXPUNGE, CLOSE, COPY) become NOOP for the rest of the input: EXAMINE selects
 * read-only (§6.3.2), so a correct server would refuse them anyway, but a wrong one must not get the chance.
 *
 * Honesty: tags are f1, f2, … (the prelude has p1–p3); a command with a literal has a step of its own;
 * LOGOUT, STARTTLS and AUTHENTICATE only end an input, so no line is sent into a closed, encrypted or
 * SASL session; no IDLE.
 */

export { IMAP_NOTES } from './gen-args.js';

/** Options for {@link createImapGrammar}. */
export interface ImapGrammarOptions {
  /**
   * Also send tags that §9 forbids ("*", "+", "a{b"…). Off by default: the conversation tracker owes a
   * tagged answer to any first word, and a correct server can only answer those untagged, so they
   * would read as hangs. The empty tag (a line starting with SP) is always on: the tracker owes it nothing.
   * @defaultValue false
   */
  readonly invalidTags?: boolean;
}

/** What a command does to the selected mailbox, for the EXAMINE rule. */
type Effect = 'none' | 'examines-other' | 'changes-selected';

interface ImapDraft extends Omit<CommandPlan, 'mutations'> {
  readonly effect: Effect;
  /** Sent instead of the next fN tag. */
  readonly badTag?: string;
}

type ImapPlan = ImapDraft & Pick<CommandPlan, 'mutations'>;

const STARTS = ['greeted', 'authenticated', 'selected'] as const;

/**
 * A command: a tag numbered later, the verb, its arguments in order. `effect` may depend on the
 * arguments (EXAMINE of INBOX or of the namespace).
 */
function command(verb: string | fc.Arbitrary<string>, effect: Effect | ((args: readonly ImapArgs[]) => Effect), ...args: fc.Arbitrary<ImapArgs>[]): fc.Arbitrary<ImapDraft> {
  return fc.tuple(typeof verb === 'string' ? fc.constant(verb) : verb, ...args).map(([v, ...parts]) => {
    const trailer = parts.map((p) => p.trailer ?? '').join('');
    return {
      label: typeof verb === 'string' ? v : 'unknown verb',
      effect: typeof effect === 'string' ? effect : effect(parts),
      notes: parts.flatMap((p) => p.notes),
      segments: [tagSegment(''), keyword(v), ...parts.flatMap((p) => p.segments)],
      ...(trailer === '' ? {} : { trailer }),
    };
  });
}

const words = (...texts: string[]): fc.Arbitrary<ImapArgs> => pick(...texts).map((t) => ({ segments: t === '' ? [] : [keyword(` ${t}`)], notes: [] }));

const FETCH_ITEMS = words('FLAGS', '(FLAGS UID)', 'BODY.PEEK[]', 'BODY[HEADER]', '(UID RFC822.SIZE INTERNALDATE)', 'ALL', 'FULL', 'BODYSTRUCTURE', 'BODY.PEEK[1.MIME]', 'BODY.PEEK[]<0.10>', 'BINARY.PEEK[1]', 'BODY[999]', '');
const SEARCH_KEYS = words('ALL', 'UNSEEN', 'OR SEEN FLAGGED', 'SUBJECT "x"', 'LARGER 100', 'BEFORE 1-Jan-2000', 'UID 1:*', 'CHARSET UTF-8 ALL', 'CHARSET X-BOGUS ALL', 'NOT', 'BEFORE 32-Foo-99', '');
const STORE_ITEMS = words('FLAGS (\\Seen)', '+FLAGS (\\Deleted)', '-FLAGS (\\Flagged $Junk)', '+FLAGS.SILENT (\\Seen)', 'FLAGS ()', '+FLAGS \\Seen', 'FLAGS (\\Recent)', 'X-FLAGS (\\Seen)', '+FLAGS', '');
const STATUS_ITEMS = words('(MESSAGES)', '(MESSAGES UIDNEXT UNSEEN RECENT UIDVALIDITY)', '()', '(BOGUS)', 'MESSAGES', '');
const LIST_ARGS = words('"" "*"', '"" "%"', '"" ""', 'INBOX %', '"" INBOX', '(SUBSCRIBED) "" "*"', '"~" "*"', '""', '');
const LOGIN_ARGS = words('mailconform-nobody wrong-password', '"" ""', 'mailconform-nobody', '"mailconform\\"nobody" x', '');
const NO_ARGS = words('', 'x');

/** The same words, one of them with a parenthesis missing or extra. */
const UNBALANCED = pick('(FLAGS UID', 'FLAGS)', '((FLAGS)', 'BODY[HEADER.FIELDS (SUBJECT]', '(OR SEEN', '(MESSAGES', '(\\Seen').map((t) => withNote({ segments: [keyword(` ${t}`)], notes: [] }, IMAP_NOTES.unbalanced));
const maybeUnbalanced = (arb: fc.Arbitrary<ImapArgs>): fc.Arbitrary<ImapArgs> => fc.oneof({ weight: 6, arbitrary: arb }, { weight: 1, arbitrary: UNBALANCED });

/** Commands that may share a step with others (no literal). */
function lineCommands(ns: string): fc.Arbitrary<ImapDraft>[] {
  const own = mailboxArb(ns, false);
  const any = mailboxArb(ns, true);
  const seq = seqSetArb;
  return [
    command('CAPABILITY', 'none', NO_ARGS),
    command('NOOP', 'none', NO_ARGS),
    command('CHECK', 'none', NO_ARGS),
    command('LOGIN', 'none', LOGIN_ARGS),
    command('CREATE', 'none', own),
    command('DELETE', 'none', own),
    command('RENAME', 'none', own, own),
    command('SUBSCRIBE', 'none', own),
    command('UNSUBSCRIBE', 'none', own),
    command('SELECT', 'none', own),
    command('EXAMINE', ([mailbox]) => (mailbox?.foreign ? 'examines-other' : 'none'), any),
    command('STATUS', 'none', any, maybeUnbalanced(STATUS_ITEMS)),
    command('LIST', 'none', LIST_ARGS),
    command('LSUB', 'none', LIST_ARGS),
    command('SEARCH', 'none', maybeUnbalanced(SEARCH_KEYS)),
    command('UID SEARCH', 'none', maybeUnbalanced(SEARCH_KEYS)),
    command('FETCH', 'none', seq, maybeUnbalanced(FETCH_ITEMS)),
    command('UID FETCH', 'none', seq, maybeUnbalanced(FETCH_ITEMS)),
    command('STORE', 'changes-selected', seq, maybeUnbalanced(STORE_ITEMS)),
    command('UID STORE', 'changes-selected', seq, maybeUnbalanced(STORE_ITEMS)),
    command('COPY', 'changes-selected', seq, own),
    command('UID COPY', 'changes-selected', seq, own),
    command('EXPUNGE', 'changes-selected', NO_ARGS),
    command('UID EXPUNGE', 'changes-selected', seq),
    command('CLOSE', 'changes-selected', NO_ARGS),
    command(unknownVerbArb, 'none', words('', '1', 'x y')),
    command(unknownVerbArb.map((verb) => `UID ${verb}`), 'none', seq),
  ];
}

/** Commands after which nothing is sent: the session is over, encrypted, or in a SASL exchange. */
const FINAL_COMMANDS: fc.Arbitrary<ImapDraft>[] = [
  command('LOGOUT', 'none', NO_ARGS),
  command('STARTTLS', 'none', NO_ARGS),
  command('AUTHENTICATE', 'none', words('X-MAILCONFORM-NONE', 'PLAIN', '')),
];

/** Mostly a proper tag; now and then a bad one. */
function badTagArb(options: ImapGrammarOptions): fc.Arbitrary<string | undefined> {
  const bad = options.invalidTags ? ['', '*', '+', 'a{b', 'a%b', 'a(b', 'a"b'] : [''];
  return fc.oneof({ withCrossShrink: true }, { weight: 15, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom(...bad) });
}

/**
 * Drafts with their mutations, and now and then a bad tag, except on a command announcing a literal:
 * the tracker would count the octets (or, refused, everything after) without owing the command an
 * answer, and the driver would not wait for "+".
 */
function planned(drafts: fc.Arbitrary<ImapDraft>[], options: ImapGrammarOptions): fc.Arbitrary<ImapPlan> {
  const withTag = fc.tuple(fc.oneof(...drafts), badTagArb(options)).map(([d, badTag]): ImapDraft =>
    badTag === undefined || announcesLiteral(d) ? d : { ...d, badTag, notes: [...(d.notes ?? []), IMAP_NOTES.badTag] },
  );
  return withMutations(withTag);
}

/** Numbers the tags in sending order and applies the EXAMINE rule. */
function finish(steps: readonly StepPlan<ImapPlan>[], ending: EndingPlan<ImapPlan> | null): { steps: StepPlan[]; ending: EndingPlan | null } {
  let next = 1;
  let examinedOther = false;
  const one = (plan: ImapPlan): CommandPlan => {
    const safe = examinedOther && plan.effect === 'changes-selected' ? asNoop(plan) : plan;
    examinedOther ||= plan.effect === 'examines-other';
    const tag = safe.badTag ?? `f${next++}`;
    return { ...safe, segments: [tagSegment(`${tag} `), ...safe.segments.slice(1)] };
  };
  const step = (s: StepPlan<ImapPlan>): StepPlan => ({ commands: s.commands.map(one), cutSeeds: s.cutSeeds });
  const done = steps.map(step);
  if (ending === null) return { steps: done, ending };
  return { steps: done, ending: ending.kind === 'final' ? { kind: 'final', step: step(ending.step) } : { ...ending, command: one(ending.command) } };
}

/** In this grammar only a literal announcement `{n}` is sealed. */
function announcesLiteral(draft: ImapDraft): boolean {
  return draft.segments.some((s) => s.role === 'sealed');
}

function asNoop(plan: ImapPlan): ImapPlan {
  return { label: `NOOP instead of ${plan.label}`, notes: ['after EXAMINE outside the namespace'], effect: 'none', segments: [tagSegment(''), keyword('NOOP')], mutations: plan.mutations, ...(plan.badTag === undefined ? {} : { badTag: plan.badTag }) };
}

function starts(context: GrammarContext): string[] {
  return context.canLogin ? [...STARTS] : ['greeted'];
}

/** The IMAP grammar; {@link imapGrammar} is it with the default options. */
export function createImapGrammar(options: ImapGrammarOptions = {}): RobustnessGrammar {
  return {
    starts,

    prelude(start, context, password) {
      if (start === 'greeted') return [];
      if (start !== 'authenticated' && start !== 'selected') throw new Error(`unknown IMAP start state "${start}"`);
      const user = context.vars.get('user') ?? '';
      if (user === '' || password === undefined) throw new Error(`the IMAP "${start}" start needs a user and a password`);
      const login = preludeLine(wireText(`p1 LOGIN ${quoteImap(user)} ${quoteImap(password)}`));
      if (start === 'authenticated') return [login];
      const mailbox = quoteImap(context.namespace);
      return [login, preludeLine(wireText(`p2 CREATE ${mailbox}`)), preludeLine(wireText(`p3 SELECT ${mailbox}`))];
    },

    input(context) {
      // An empty namespace would let every mailbox name through.
      if (context.namespace === '') throw new Error('the IMAP grammar needs a non-empty namespace');
      const ns = wireText(context.namespace);
      const line = planned(lineCommands(ns), options);
      const single = fc.oneof({ weight: 12, arbitrary: line }, { weight: 1, arbitrary: planned([command('APPEND', 'none', appendArgsArb(ns))], options) });
      const final = planned(FINAL_COMMANDS, options);
      return fc
        .record({ start: fc.constantFrom(...starts(context)), steps: fc.array(stepArb(single, line), { maxLength: context.maxSteps }), ending: endingArb(final, single) })
        .map(({ start, steps, ending }) => {
          const done = finish(steps, ending);
          return assembleInput(start, done.steps, done.ending, context.maxSteps);
        });
    },
  };
}

export const imapGrammar: RobustnessGrammar = createImapGrammar();
