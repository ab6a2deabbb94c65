import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { GrammarContext } from '../../../src/fuzz/robustness/fuzz-step.js';
import { MUTATION_LABELS } from '../../../src/fuzz/robustness/mutate.js';
import { STEP_LABELS } from '../../../src/fuzz/robustness/mutate-steps.js';
import { smtpGrammar } from '../../../src/fuzz/robustness/smtp-grammar.js';
import { checkRobustnessShape } from '../../helpers/robustness-shape.js';

const VARS: [string, string][] = [['client', 'c.example.test'], ['from', 'a@example.test'], ['rcpt', 'b@example.test'], ['domain', 'example.test']];
const CONTEXT: GrammarContext = { vars: new Map(VARS), namespace: 'unused', allowDestructive: false, canLogin: false, maxSteps: 10 };
const INPUTS = fc.sample(smtpGrammar.input(CONTEXT), { seed: 42, numRuns: 1000 });

const text = (b: Buffer): string => b.toString('latin1');
const isDataStep = (bytes: Buffer): boolean => text(bytes).startsWith('DATA\r\n');
/** The first word of each CRLF-terminated command line (DATA steps are one command). */
const verbsOf = (bytes: Buffer): string[] => (isDataStep(bytes) ? ['DATA'] : text(bytes).split('\r\n').slice(0, -1).map((l) => (/^[A-Za-z]+/.exec(l)?.[0] ?? '').toUpperCase()));

describe('smtpGrammar.input', () => {
  it('gives byte-identical inputs for the same seed', () => {
    const again = (): unknown => fc.sample(smtpGrammar.input(CONTEXT), { seed: 42, numRuns: 50 }).map((i) => ({ ...i, steps: i.steps.map((s) => ({ ...s, bytes: s.bytes.toString('hex') })) }));
    assert.deepEqual(again(), again());
  });

  it('ends every step with CRLF but a last abandoned one, keeps cuts inside, stays in size', () => {
    for (const input of INPUTS) checkRobustnessShape(input, CONTEXT.maxSteps);
  });

  it('keeps ordinary lines under 1 KiB: only the over-long mutation makes longer ones', () => {
    for (const step of INPUTS.flatMap((i) => i.steps)) {
      if (isDataStep(step.bytes) || step.label.includes(MUTATION_LABELS['over-long'])) continue;
      for (const line of text(step.bytes).split('\r\n')) assert.ok(line.length < 1024, step.label);
    }
  });

  it('sends DATA unmutated, with its content and "." in the same step, only in "rcpt" after commands that keep the transaction', () => {
    let seen = 0;
    for (const input of INPUTS) {
      input.steps.forEach((step, i) => {
        const wire = text(step.bytes);
        if (!isDataStep(step.bytes)) {
          assert.ok(!verbsOf(step.bytes).some((v, j) => v === 'DATA' && wire.split('\r\n')[j]?.length === 4), `a DATA line inside ${step.label}`);
          assert.ok(!verbsOf(step.bytes).includes('BDAT'));
          return;
        }
        seen++;
        assert.equal(input.start, 'rcpt');
        assert.ok(!step.abandoned);
        assert.ok(wire.endsWith('\r\n.\r\n') && wire.indexOf('\r\n.\r\n') === wire.length - 5, step.label);
        for (const before of input.steps.slice(0, i).flatMap((s) => verbsOf(s.bytes))) {
          assert.ok(!['HELO', 'EHLO', 'MAIL', 'RSET', 'QUIT', 'DATA'].includes(before), `${before} before DATA`);
        }
      });
    }
    assert.ok(seen > 50, `${seen} DATA steps`);
  });

  it('dot-stuffs content lines that start with "."', () => {
    const data = INPUTS.flatMap((i) => i.steps).filter((s) => isDataStep(s.bytes));
    const lines = data.flatMap((s) => text(s.bytes).slice(6, -3).split('\r\n'));
    assert.ok(lines.some((l) => l.startsWith('..')));
    assert.ok(lines.every((l) => !l.startsWith('.') || l.startsWith('..')));
  });

  it('sends QUIT only as the last command of the last step', () => {
    for (const input of INPUTS) {
      const verbs = input.steps.filter((s) => !s.abandoned).flatMap((s) => verbsOf(s.bytes));
      verbs.forEach((v, i) => assert.ok(v !== 'QUIT' || i === verbs.length - 1));
    }
  });

  it('covers every verb, mutation, step shape and start', () => {
    const labels = INPUTS.flatMap((i) => i.steps.map((s) => s.label)).join('\n');
    for (const verb of ['HELO', 'EHLO', 'MAIL FROM', 'RCPT TO', 'DATA', 'RSET', 'NOOP', 'VRFY', 'EXPN', 'HELP', 'QUIT', 'unknown verb']) assert.ok(labels.includes(verb), verb);
    for (const label of [...Object.values(MUTATION_LABELS), ...Object.values(STEP_LABELS)]) assert.ok(labels.includes(label), label);
    assert.deepEqual(new Set(INPUTS.map((i) => i.start)), new Set(smtpGrammar.starts(CONTEXT)));
    const wire = INPUTS.flatMap((i) => i.steps.map((s) => text(s.bytes))).join('');
    for (const param of ['SIZE=', 'BODY=8BITMIME', 'NOOP x', 'MAIL FROM:<>']) assert.ok(wire.includes(param), param);
  });
});

describe('smtpGrammar.starts and prelude', () => {
  it('offers "rcpt" only with a rcpt var', () => {
    assert.deepEqual(smtpGrammar.starts(CONTEXT), ['greeted', 'ehlo', 'mail', 'rcpt']);
    assert.deepEqual(smtpGrammar.starts({ ...CONTEXT, vars: new Map() }), ['greeted', 'ehlo', 'mail']);
  });

  it('reaches each start with well-formed lines', () => {
    const lines = (start: string, context = CONTEXT): string[] => smtpGrammar.prelude(start, context, undefined).map(text);
    assert.deepEqual(lines('greeted'), []);
    assert.deepEqual(lines('ehlo'), ['EHLO c.example.test\r\n']);
    assert.deepEqual(lines('mail'), ['EHLO c.example.test\r\n', 'MAIL FROM:<a@example.test>\r\n']);
    assert.deepEqual(lines('rcpt'), ['EHLO c.example.test\r\n', 'MAIL FROM:<a@example.test>\r\n', 'RCPT TO:<b@example.test>\r\n']);
    assert.deepEqual(lines('mail', { ...CONTEXT, vars: new Map() }), ['EHLO client.mailconform.test\r\n', 'MAIL FROM:<>\r\n']);
    assert.throws(() => lines('data'));
  });
});
