import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { GrammarContext, RobustnessInput } from '../../../src/fuzz/robustness/fuzz-step.js';
import { createImapGrammar, IMAP_NOTES, imapGrammar } from '../../../src/fuzz/robustness/imap-grammar.js';
import { MUTATION_LABELS } from '../../../src/fuzz/robustness/mutate.js';
import { STEP_LABELS } from '../../../src/fuzz/robustness/mutate-steps.js';
import { checkRobustnessShape } from '../../helpers/robustness-shape.js';

const NS = 'mailconform-fuzz-s0';
const CONTEXT: GrammarContext = { vars: new Map([['user', 'alice']]), namespace: NS, allowDestructive: false, canLogin: true, maxSteps: 10 };
const INPUTS = fc.sample(imapGrammar.input(CONTEXT), { seed: 42, numRuns: 2000 });

const text = (b: Buffer): string => b.toString('latin1');

/** A command as the tracker reads it: its first line, then after each `{n}` the n octets are skipped. */
interface Command {
  readonly line: string;
  /** Octets still owed when the bytes ran out (a literal count larger than what follows). */
  readonly literalLeft: number;
  /** The bytes ended inside the command (after a literal, before its CRLF). */
  readonly open: boolean;
}

function commandsOf(bytes: Buffer): Command[] {
  const out: Command[] = [];
  let rest = text(bytes);
  let line: string | undefined;
  while (rest.length > 0) {
    const crlf = rest.indexOf('\r\n');
    const current = crlf === -1 ? rest : rest.slice(0, crlf);
    rest = crlf === -1 ? '' : rest.slice(crlf + 2);
    line ??= current;
    const literal = /\{(\d+)\+?\}$/.exec(current);
    if (!literal) {
      out.push({ line, literalLeft: 0, open: crlf === -1 });
      line = undefined;
      continue;
    }
    const count = Number(literal[1]);
    if (count > rest.length || (count === rest.length && count > 0)) {
      out.push({ line, literalLeft: count - rest.length, open: true });
      return out;
    }
    rest = rest.slice(count);
  }
  return out;
}

/** The first `max` space-separated tokens, a quoted string read as its value (§4.3), up to the next SP. */
function tokens(line: string, max: number): string[] {
  const out: string[] = [];
  let i = 0;
  while (i <= line.length && out.length < max) {
    let token = '';
    if (line[i] === '"') {
      for (i++; i < line.length && line[i] !== '"'; i++) token += line[i] === '\\' ? (line[++i] ?? '') : line[i];
    }
    const end = line.indexOf(' ', i) === -1 ? line.length : line.indexOf(' ', i);
    out.push(token + line.slice(i, end).replaceAll('"', ''));
    i = end + 1;
  }
  return out;
}

/** Which arguments of each writing command are mailbox names. */
const WRITES: Readonly<Record<string, (args: string[]) => (string | undefined)[]>> = {
  CREATE: (a) => [a[0]],
  DELETE: (a) => [a[0]],
  RENAME: (a) => [a[0], a[1]],
  SUBSCRIBE: (a) => [a[0]],
  UNSUBSCRIBE: (a) => [a[0]],
  SELECT: (a) => [a[0]],
  APPEND: (a) => [a[0]],
  COPY: (a) => [a[1]],
  MOVE: (a) => [a[1]],
};
const ON_SELECTED = new Set(['STORE', 'EXPUNGE', 'CLOSE', 'COPY', 'MOVE']);

function verbAndArgs(line: string): { tag: string; verb: string; args: string[] } {
  // Tag, verb, UID's verb and two arguments: as far as a mailbox name can be.
  const [tag = '', verb = '', ...args] = tokens(line, 5);
  const upper = verb.toUpperCase();
  return upper === 'UID' ? { tag, verb: (args[0] ?? '').toUpperCase(), args: args.slice(1) } : { tag, verb: upper, args };
}

/** Fails when a writing command in `line` names a mailbox outside the namespace. */
function checkWrites(line: string, ns: string): void {
  const { verb, args } = verbAndArgs(line);
  for (const name of WRITES[verb]?.(args) ?? []) if (name !== undefined) assert.ok(name.startsWith(ns), `${JSON.stringify(line)} writes outside ${ns}`);
}

describe('imapGrammar safety (2000 inputs)', () => {
  const safetyCheck = (inputs: readonly RobustnessInput[], ns: string): void => {
    for (const input of inputs) {
      let examinedOther = false;
      for (const step of input.steps) {
        for (const command of commandsOf(step.bytes)) {
          // As written, and as a server that ends lines at a bare CR or LF (or runs a half line) would read it.
          for (const piece of command.line.split(/\r|\n/)) checkWrites(piece, ns);
          const { verb, args } = verbAndArgs(command.line);
          if (verb === 'EXAMINE' && !(args[0] ?? '').startsWith(ns)) examinedOther = true;
          assert.ok(!(examinedOther && ON_SELECTED.has(verb)), `${command.line} after an EXAMINE outside the namespace`);
        }
      }
    }
  };

  it('writes only to mailboxes inside the namespace, and nothing to the selected one after EXAMINE INBOX', () => {
    safetyCheck(INPUTS, NS);
  });

  it('keeps the namespace intact when it must be quoted', () => {
    const ns = 'mailconform "fuzz"\\s0';
    safetyCheck(fc.sample(imapGrammar.input({ ...CONTEXT, namespace: ns }), { seed: 7, numRuns: 400 }), ns);
  });

  it('names INBOX only in read-only commands, however mutated', () => {
    const writers = [...Object.keys(WRITES), ...ON_SELECTED];
    const isSubsequence = (needle: string, hay: string): boolean => [...hay].reduce((i, c) => (c === needle[i] ? i + 1 : i), 0) === needle.length;
    let seen = 0;
    for (const command of INPUTS.flatMap((i) => i.steps.flatMap((s) => commandsOf(s.bytes)))) {
      if (!/inbox/i.test(command.line)) continue;
      seen++;
      // Mutations only insert bytes, so a writer's letters would survive in order.
      const letters = verbAndArgs(command.line).verb.replace(/[^A-Z]/g, '');
      assert.ok(!writers.some((w) => isSubsequence(w, letters)), command.line);
    }
    assert.ok(seen > 100, `${seen} commands name INBOX`);
  });

  it('refuses an empty namespace', () => {
    assert.throws(() => imapGrammar.input({ ...CONTEXT, namespace: '' }));
  });
});

describe('imapGrammar.input', () => {
  it('gives byte-identical inputs for the same seed', () => {
    const again = (): unknown => fc.sample(imapGrammar.input(CONTEXT), { seed: 42, numRuns: 50 }).map((i) => ({ ...i, steps: i.steps.map((s) => ({ ...s, bytes: s.bytes.toString('hex') })) }));
    assert.deepEqual(again(), again());
  });

  it('ends every step with CRLF but a last abandoned one, keeps cuts inside, stays in size', () => {
    for (const input of INPUTS) checkRobustnessShape(input, CONTEXT.maxSteps);
  });

  it('tags every command f1, f2, … once (or leaves the tag empty on purpose), never p1–p3', () => {
    for (const input of INPUTS) {
      const tags = input.steps.filter((s) => !s.abandoned).flatMap((s) => commandsOf(s.bytes).map((c) => verbAndArgs(c.line).tag));
      const numbered = tags.filter((t) => t !== '');
      assert.ok(numbered.every((t) => /^f\d+$/.test(t)), tags.join(' '));
      assert.equal(new Set(numbered).size, numbered.length, tags.join(' '));
    }
  });

  it('gives a command with a literal a step of its own, whose bytes the tracker reads to the end', () => {
    let literals = 0;
    for (const step of INPUTS.flatMap((i) => i.steps.filter((s) => !s.abandoned))) {
      const commands = commandsOf(step.bytes);
      const withLiteral = /\{\d+\}\r\n/.test(text(step.bytes));
      if (!withLiteral) continue;
      literals++;
      assert.equal(commands.length, 1, step.label);
      const [command] = commands;
      // Either complete, or a count past 2^32-1 announced with nothing after it.
      assert.ok(!command!.open || (command!.literalLeft > 0 && /\{\d+\}\r\n$/.test(text(step.bytes))), step.label);
    }
    assert.ok(literals > 20, `${literals} literals`);
  });

  it('sends LOGOUT, STARTTLS and AUTHENTICATE only as the very last command, and never IDLE', () => {
    for (const input of INPUTS) {
      const verbs = input.steps.filter((s) => !s.abandoned).flatMap((s) => commandsOf(s.bytes).map((c) => verbAndArgs(c.line).verb));
      verbs.forEach((v, i) => assert.ok(!['LOGOUT', 'STARTTLS', 'AUTHENTICATE'].includes(v) || i === verbs.length - 1, verbs.join(' ')));
      assert.ok(!verbs.includes('IDLE'));
    }
  });

  it('covers every verb, malformation, mutation, step shape and start', () => {
    const labels = INPUTS.flatMap((i) => i.steps.map((s) => s.label)).join('\n');
    const verbs = ['CAPABILITY', 'NOOP', 'LOGOUT', 'LOGIN', 'AUTHENTICATE', 'STARTTLS', 'SELECT', 'EXAMINE', 'CREATE', 'DELETE', 'RENAME', 'SUBSCRIBE', 'UNSUBSCRIBE', 'LIST', 'LSUB', 'STATUS', 'APPEND', 'CHECK', 'CLOSE', 'EXPUNGE', 'SEARCH', 'FETCH', 'STORE', 'COPY', 'UID FETCH', 'UID STORE', 'UID COPY', 'UID SEARCH', 'UID EXPUNGE', 'unknown verb', 'NOOP instead of'];
    for (const label of [...verbs, ...Object.values(IMAP_NOTES), ...Object.values(MUTATION_LABELS), ...Object.values(STEP_LABELS)]) assert.ok(labels.includes(label), label);
    assert.deepEqual(new Set(INPUTS.map((i) => i.start)), new Set(['greeted', 'authenticated', 'selected']));
    const wire = INPUTS.flatMap((i) => i.steps.map((s) => text(s.bytes))).join('');
    for (const piece of [/\{-1\}/, /\{4294967296\}/, /\{99999999999\}/, / 0[ \r]/, / 1:[ \r]/, / \*:\*:\*[ \r]/, / 4294967296[ \r]/, / 1,,2[ \r]/]) assert.match(wire, piece);
  });

  it('sends tags §9 forbids only when asked to', () => {
    const tagsOf = (inputs: readonly RobustnessInput[]): Set<string> => new Set(inputs.flatMap((i) => i.steps.flatMap((s) => commandsOf(s.bytes).map((c) => c.line.split(' ')[0] ?? ''))));
    const asked = tagsOf(fc.sample(createImapGrammar({ invalidTags: true }).input(CONTEXT), { seed: 42, numRuns: 400 }));
    for (const tag of ['*', '+', 'a{b', '']) assert.ok(asked.has(tag), tag);
    const plain = tagsOf(INPUTS);
    assert.ok(plain.has('') && !plain.has('*') && !plain.has('+') && !plain.has('a{b'));
  });
});

describe('imapGrammar.starts and prelude', () => {
  it('offers authenticated and selected starts only when the run can log in', () => {
    assert.deepEqual(imapGrammar.starts(CONTEXT), ['greeted', 'authenticated', 'selected']);
    assert.deepEqual(imapGrammar.starts({ ...CONTEXT, canLogin: false }), ['greeted']);
  });

  it('logs in with quoted strings (§4.3), then creates and selects the namespace', () => {
    const context = { ...CONTEXT, vars: new Map([['user', 'al"ice']]) };
    const lines = (start: string): string[] => imapGrammar.prelude(start, context, 'p\\w"d').map((b) => b.toString('utf8'));
    assert.deepEqual(lines('greeted'), []);
    assert.deepEqual(lines('authenticated'), ['p1 LOGIN "al\\"ice" "p\\\\w\\"d"\r\n']);
    assert.deepEqual(lines('selected'), ['p1 LOGIN "al\\"ice" "p\\\\w\\"d"\r\n', `p2 CREATE "${NS}"\r\n`, `p3 SELECT "${NS}"\r\n`]);
    assert.throws(() => imapGrammar.prelude('authenticated', CONTEXT, undefined));
  });
});
