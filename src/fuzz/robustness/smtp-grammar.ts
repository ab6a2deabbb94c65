import fc from 'fast-check';
import { encodeDataBody } from '../../protocol/smtp/dot-stuffing.js';
import type { GrammarContext, RobustnessGrammar } from './fuzz-step.js';
import { pick, preludeLine, readVar, unknownVerbArb } from './gen-args.js';
import { applyMutations, mutationsArb } from './mutate.js';
import { free, keyword, lineText, sealed, type Segment } from './mutate-segments.js';
import { assembleInput, cutSeedsArb, endingArb, stepArb, withMutations, type CommandPlan } from './mutate-steps.js';

/**
 * SMTP robustness inputs (RFC 5321 §4.1): every command, with and without its arguments, well and
 * badly formed, then mutated. DATA is never mutated and always carries its whole content and "."
 * in one step (§4.1.1.4), and only in the "rcpt" start, before anything that could end the
 * transaction: a refused DATA would turn the content lines into commands the tracker does not count.
 */

const STARTS = ['greeted', 'ehlo', 'mail', 'rcpt'] as const;

/** What the grammar needs from the context, read once. */
interface SmtpVars {
  readonly client: string;
  readonly from: string;
  readonly rcpt: string;
}

function readVars(context: GrammarContext): SmtpVars {
  const domain = readVar(context, 'domain', 'mailconform.test');
  return {
    client: readVar(context, 'client', 'client.mailconform.test'),
    from: readVar(context, 'from', ''),
    // Without a rcpt var no DATA is sent, so a recipient that cannot exist is enough.
    rcpt: readVar(context, 'rcpt', `nobody@${domain}.invalid`),
  };
}

const draft = (label: string, ...segments: Segment[]): Omit<CommandPlan, 'mutations'> => ({ label, segments });

/** HELO or EHLO with a good, an address-literal, an empty or a malformed domain (§4.1.1.1). */
function greetingDraft(verb: 'HELO' | 'EHLO', v: SmtpVars): fc.Arbitrary<Omit<CommandPlan, 'mutations'>> {
  return pick(` ${v.client}`, ' [127.0.0.1]', ' [IPv6:::1]', '', ' bad..domain', ' [999.1.1.1]', ` ${v.client} extra`).map((arg) =>
    arg === '' ? draft(verb, keyword(verb)) : draft(verb, keyword(verb), free(arg)),
  );
}

/** MAIL FROM with the reverse-path in several shapes and the §4.1.2 / RFC 1870 / RFC 6152 parameters. */
function mailDraft(v: SmtpVars): fc.Arbitrary<Omit<CommandPlan, 'mutations'>> {
  const path = pick(`<${v.from}>`, '<>', v.from, `<${v.from}`, ` <${v.from}>`, `<<${v.from}>>`);
  const param = pick<Segment[]>(
    [],
    [keyword(' SIZE='), free('1000')],
    [keyword(' SIZE='), free('99999999999')],
    [keyword(' SIZE='), free('-1')],
    [keyword(' BODY=8BITMIME')],
    [keyword(' BODY=7BIT')],
    [keyword(' BODY='), free('JUNK')],
    [keyword(' SMTPUTF8')],
    [free(' X-UNKNOWN=1')],
    [keyword(' SIZE='), free('1'), keyword(' SIZE='), free('2')],
  );
  return fc.tuple(path, param).map(([p, extra]) => draft('MAIL FROM', keyword('MAIL FROM:'), free(p), ...extra));
}

/** RCPT TO, only ever naming the configured recipient (well or badly written), or none. */
function rcptDraft(v: SmtpVars): fc.Arbitrary<Omit<CommandPlan, 'mutations'>> {
  const path = pick(`<${v.rcpt}>`, v.rcpt, '<>', `<${v.rcpt}`, `<@relay.invalid:${v.rcpt}>`, `<${v.rcpt}> NOTIFY=NEVER`, `<${v.rcpt}> X-UNKNOWN=1`);
  return path.map((p) => draft('RCPT TO', keyword('RCPT TO:'), free(p)));
}

/** A verb with an optional argument from `args` ('' for none). */
function simpleDraft(verb: string, ...args: string[]): fc.Arbitrary<Omit<CommandPlan, 'mutations'>> {
  return pick('', ...args).map((arg) => (arg === '' ? draft(verb, keyword(verb)) : draft(verb, keyword(verb), free(` ${arg}`))));
}

/** Commands that leave an open transaction open: the only ones sent before DATA. */
function keepingDrafts(v: SmtpVars): fc.Arbitrary<Omit<CommandPlan, 'mutations'>>[] {
  return [
    rcptDraft(v),
    simpleDraft('NOOP', 'x', 'some text'),
    simpleDraft('VRFY', v.rcpt, `<${v.rcpt}>`, 'postmaster'),
    simpleDraft('EXPN', 'postmaster', 'list'),
    simpleDraft('HELP', 'MAIL', 'X'),
    fc.tuple(unknownVerbArb, pick('', ' x', ' MAIL FROM:<>')).map(([verb, arg]) => draft('unknown verb', keyword(verb), ...(arg ? [free(arg)] : []))),
  ];
}

function anyDrafts(v: SmtpVars): fc.Arbitrary<Omit<CommandPlan, 'mutations'>>[] {
  return [...keepingDrafts(v), greetingDraft('HELO', v), greetingDraft('EHLO', v), mailDraft(v), simpleDraft('RSET', 'x')];
}

/** Message content lines: headers, dot-leading lines, 8-bit text, lines past the 1000-octet limit (§4.5.3.1.6). */
const contentLineArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: pick('hello', 'Subject: mailconform fuzz', '', 'To: fuzz', 'MIME-Version: 1.0') },
  { weight: 2, arbitrary: pick('.', '..', '.hidden', '. ', '...') },
  { weight: 1, arbitrary: pick('caf\xe9 cr\xe8me', '\xff\xfe', 'QUIT', 'RSET') },
  { weight: 1, arbitrary: fc.integer({ min: 999, max: 4096 }).map((n) => 'y'.repeat(n)) },
);

/** DATA, its content (each line maybe mutated) dot-stuffed, and the "." line: one step. */
const dataPlanArb: fc.Arbitrary<CommandPlan> = fc.array(fc.tuple(contentLineArb, mutationsArb), { maxLength: 8 }).map((lines) => {
  const labels = new Set<string>();
  const text = lines.map(([line, mutations]) => {
    const mutated = applyMutations([free(line)], mutations);
    mutated.labels.forEach((l) => labels.add(l));
    return lineText(mutated.segments);
  });
  const message = text.length === 0 ? '' : `${text.join('\r\n')}\r\n`;
  const trailer = encodeDataBody(Buffer.from(message, 'latin1')).toString('latin1');
  const label = labels.size > 0 ? `DATA and content (content: ${[...labels].join(', ')})` : 'DATA and content';
  return { label, segments: [sealed('DATA')], mutations: [], trailer };
});

/** "rcpt" needs a recipient to name. */
function starts(context: GrammarContext): string[] {
  return STARTS.filter((s) => s !== 'rcpt' || (context.vars.get('rcpt') ?? '') !== '');
}

export const smtpGrammar: RobustnessGrammar = {
  starts,

  prelude(start, context) {
    const v = readVars(context);
    const lines = [`EHLO ${v.client}`, `MAIL FROM:<${v.from}>`, `RCPT TO:<${v.rcpt}>`];
    const count = STARTS.indexOf(start as (typeof STARTS)[number]);
    if (count < 0) throw new Error(`unknown SMTP start state "${start}"`);
    return lines.slice(0, count).map(preludeLine);
  },

  input(context) {
    const v = readVars(context);
    const any = fc.oneof(...anyDrafts(v).map(withMutations));
    const keeping = fc.oneof(...keepingDrafts(v).map(withMutations));
    const half = Math.ceil(context.maxSteps / 2);
    const quit = withMutations(simpleDraft('QUIT'));
    return fc
      .record({
        start: fc.constantFrom(...starts(context)),
        first: fc.array(stepArb(any, any), { maxLength: half }),
        keeping: fc.array(stepArb(keeping, keeping), { maxLength: half }),
        data: fc.option(fc.record({ commands: dataPlanArb.map((c) => [c]), cutSeeds: cutSeedsArb }), { freq: 2, nil: null }),
        then: fc.array(stepArb(any, any), { maxLength: half }),
        ending: endingArb(quit, any),
      })
      .map(({ start, first, keeping: kept, data, then, ending }) => {
        const steps = start === 'rcpt' && data ? [...kept, data, ...then] : [...first, ...then];
        return assembleInput(start, steps, ending, context.maxSteps);
      });
  },
};
