import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { GrammarContext } from '../../../src/fuzz/robustness/fuzz-step.js';
import { MUTATION_LABELS } from '../../../src/fuzz/robustness/mutate.js';
import { STEP_LABELS } from '../../../src/fuzz/robustness/mutate-steps.js';
import { pop3Grammar } from '../../../src/fuzz/robustness/pop3-grammar.js';
import { checkRobustnessShape } from '../../helpers/robustness-shape.js';

// A user whose name holds "dele" and "retr": the grammar must not carry them into a line a server could split.
const CONTEXT: GrammarContext = { vars: new Map([['user', 'adele-retro']]), namespace: 'unused', allowDestructive: false, canLogin: true, maxSteps: 10 };
const INPUTS = fc.sample(pop3Grammar.input(CONTEXT), { seed: 42, numRuns: 2000 });

const text = (b: Buffer): string => b.toString('latin1');
/** The keyword of each CRLF-terminated command, upper-cased as the tracker reads it (RFC 1939 §3). */
const verbsOf = (bytes: Buffer): string[] => text(bytes).split('\r\n').slice(0, -1).map((l) => (l.split(' ')[0] ?? '').toUpperCase());

describe('pop3Grammar safety', () => {
  it('never spells DELE or RETR, in any case or byte position, without allowDestructive (2000 inputs)', () => {
    for (const input of INPUTS) {
      for (const step of input.steps) assert.doesNotMatch(text(step.bytes), /dele|retr/i, step.label);
    }
  });

  it('sends DELE and RETR when allowDestructive is set', () => {
    const inputs = fc.sample(pop3Grammar.input({ ...CONTEXT, allowDestructive: true }), { seed: 42, numRuns: 300 });
    for (const verb of ['DELE', 'RETR']) assert.ok(inputs.some((i) => i.steps.some((s) => verbsOf(s.bytes).includes(verb))), verb);
  });
});

describe('pop3Grammar.input', () => {
  it('gives byte-identical inputs for the same seed', () => {
    const again = (): unknown => fc.sample(pop3Grammar.input(CONTEXT), { seed: 42, numRuns: 50 }).map((i) => ({ ...i, steps: i.steps.map((s) => ({ ...s, bytes: s.bytes.toString('hex') })) }));
    assert.deepEqual(again(), again());
  });

  it('ends every step with CRLF but a last abandoned one, keeps cuts inside, stays in size', () => {
    for (const input of INPUTS) checkRobustnessShape(input, CONTEXT.maxSteps);
  });

  it('sends QUIT, STLS and AUTH only as the very last command, and AUTH never in a form that draws a challenge', () => {
    for (const input of INPUTS) {
      const lines = input.steps.filter((s) => !s.abandoned).flatMap((s) => text(s.bytes).split('\r\n').slice(0, -1));
      lines.forEach((line, i) => {
        const verb = (line.split(' ')[0] ?? '').toUpperCase();
        if (['QUIT', 'STLS', 'AUTH'].includes(verb)) assert.equal(i, lines.length - 1, line);
        // No bare "AUTH" (some servers list mechanisms multi-line) and no mechanism without an initial response but the unknown one.
        const [, mechanism, response] = line.split(' ');
        if (verb === 'AUTH') assert.ok(mechanism !== undefined && (mechanism.toUpperCase() !== 'PLAIN' || response !== undefined), line);
      });
    }
  });

  it('never sends the password, nor the user name with "dele" or "retr" in it', () => {
    const wire = INPUTS.flatMap((i) => i.steps.map((s) => text(s.bytes))).join('');
    assert.ok(wire.includes('ad_ele-r_etro'));
    assert.ok(!wire.includes('secret'));
  });

  it('covers every verb, mutation, step shape and start', () => {
    const labels = INPUTS.flatMap((i) => i.steps.map((s) => s.label)).join('\n');
    for (const verb of ['USER', 'PASS', 'APOP', 'STAT', 'LIST', 'RSET', 'NOOP', 'TOP', 'UIDL', 'CAPA', 'QUIT', 'STLS', 'AUTH', 'unknown verb']) assert.ok(labels.includes(verb), verb);
    for (const label of [...Object.values(MUTATION_LABELS), ...Object.values(STEP_LABELS)]) assert.ok(labels.includes(label), label);
    assert.deepEqual(new Set(INPUTS.map((i) => i.start)), new Set(['greeted', 'authenticated']));
    const wire = INPUTS.flatMap((i) => i.steps.map((s) => text(s.bytes))).join('');
    for (const arg of ['LIST 4294967296', 'TOP 0', 'TOP 1 -1', 'UIDL\r\n', 'LIST\r\n']) assert.ok(wire.includes(arg), arg);
  });
});

describe('pop3Grammar.starts and prelude', () => {
  it('offers "authenticated" only when the run can log in', () => {
    assert.deepEqual(pop3Grammar.starts(CONTEXT), ['greeted', 'authenticated']);
    assert.deepEqual(pop3Grammar.starts({ ...CONTEXT, canLogin: false }), ['greeted']);
  });

  it('logs in with USER and PASS, the password from the caller only', () => {
    const lines = pop3Grammar.prelude('authenticated', CONTEXT, 'secret pass').map((b) => b.toString('utf8'));
    assert.deepEqual(lines, ['USER adele-retro\r\n', 'PASS secret pass\r\n']);
    assert.deepEqual(pop3Grammar.prelude('greeted', CONTEXT, undefined), []);
    assert.throws(() => pop3Grammar.prelude('authenticated', CONTEXT, undefined));
    assert.throws(() => pop3Grammar.prelude('authenticated', CONTEXT, 'a\r\nDELE 1'));
  });
});
