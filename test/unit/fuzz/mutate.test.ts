import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { applyMutations, JUNK_BYTES, MUTATION_KINDS, MUTATION_LABELS, mutationArb, OVER_LONG_MAX, OVER_LONG_MIN, type Mutation } from '../../../src/fuzz/robustness/mutate.js';
import { cutLengths, free, insertionPoints, keyword, lineText, prefix, sealed, tagSegment, type Segment } from '../../../src/fuzz/robustness/mutate-segments.js';
import { assembleInput, buildStep, INPUT_BUDGET, placeCuts, STEP_LABELS, type CommandPlan, type StepPlan } from '../../../src/fuzz/robustness/mutate-steps.js';

/** An IMAP-like line with every role: `f1 CREATE "ns/a" {5}`. */
const LINE: Segment[] = [tagSegment('f1 '), keyword('CREATE'), prefix(' "ns'), free('/a"'), sealed(' {5}')];

const segmentsArb: fc.Arbitrary<Segment[]> = fc.array(
  fc.tuple(fc.constantFrom('tag', 'keyword', 'free', 'prefix', 'sealed') as fc.Arbitrary<Segment['role']>, fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 6 })).map(([role, text]) => ({
    role,
    text: text.replace(/[\r\n]/g, '_'),
  })),
  { minLength: 1, maxLength: 6 },
);

const plan = (label: string, text: string, mutations: Mutation[] = [], trailer?: string): CommandPlan => ({ label, segments: [keyword(text)], mutations, ...(trailer ? { trailer } : {}) });
const step = (...commands: CommandPlan[]): StepPlan => ({ commands, cutSeeds: [] });

describe('insertionPoints', () => {
  it('never inserts before the first byte, inside a tag, prefix or sealed segment, or right before a prefix or sealed one', () => {
    const offsets = insertionPoints(LINE).map((p) => lineText(LINE.slice(0, p.index)).length + p.offset);
    // "f1 " end (3), inside "CREATE" but not after its E (4..8), end of prefix (13), inside and end of '/a"' (14..15, not 16: sealed follows).
    assert.deepEqual(offsets, [3, 4, 5, 6, 7, 8, 13, 14, 15]);
  });

  it('cuts a half command anywhere but inside a prefix', () => {
    const lengths = cutLengths(LINE);
    assert.ok(!lengths.includes(10) && !lengths.includes(11) && lengths.includes(9) && lengths.includes(13));
    assert.equal(lengths.at(-1), lineText(LINE).length);
  });
});

describe('applyMutations', () => {
  it('inserts a bare LF after the first byte, and names it', () => {
    const out = applyMutations([keyword('NOOP')], [{ kind: 'bare-lf', at: 0 }]);
    assert.equal(lineText(out.segments), 'N\nOOP');
    assert.deepEqual(out.labels, [MUTATION_LABELS['bare-lf']]);
  });

  it('re-cases keywords only', () => {
    const out = applyMutations([keyword('RCPT TO:'), free('<A@B>')], [{ kind: 'lower-case' }]);
    assert.equal(lineText(out.segments), 'rcpt to:<A@B>');
  });

  it('applies at most one bare CR or LF, so no CRLF can form', () => {
    const out = applyMutations([keyword('NOOP')], [{ kind: 'bare-cr', at: 2 }, { kind: 'bare-lf', at: 2 }]);
    assert.equal(lineText(out.segments), 'NOO\rP');
  });

  it('drops a mutation that has nowhere to act, without naming it', () => {
    const out = applyMutations([sealed('DATA')], [{ kind: 'nul', at: 0 }, { kind: 'lower-case' }]);
    assert.equal(lineText(out.segments), 'DATA');
    assert.deepEqual(out.labels, []);
  });

  it('only re-cases and inserts: protected segments survive, nothing lands right before them, no CRLF appears', () => {
    fc.assert(
      fc.property(segmentsArb, fc.array(mutationArb, { maxLength: 3 }), (segments, mutations) => {
        const out = applyMutations(segments, mutations);
        const text = lineText(out.segments);
        const guarded = (s: readonly Segment[]): string[] => s.filter((x) => x.role !== 'keyword' && x.role !== 'free').map((x) => `${x.role}:${x.text}`);
        assert.deepEqual(guarded(out.segments), guarded(segments));
        assert.ok(isSubsequence(lineText(segments).toLowerCase(), text.toLowerCase()));
        assert.ok(!text.includes('\r\n'));
        assert.ok(text.replace(/[^\r\n]/g, '').length - lineText(segments).replace(/[^\r\n]/g, '').length <= 1);
        assert.equal(text[0]?.toLowerCase(), lineText(segments)[0]?.toLowerCase());
        assert.deepEqual(charsBeforeGuarded(out.segments), charsBeforeGuarded(segments));
      }),
      { seed: 7, numRuns: 500 },
    );
  });
});

describe('mutationArb', () => {
  it('draws every kind, and over-long ones rarely and within 1–80 KiB', () => {
    const samples = fc.sample(mutationArb, { seed: 42, numRuns: 1500 });
    for (const kind of MUTATION_KINDS) assert.ok(samples.some((m) => m.kind === kind), kind);
    const long = samples.filter((m) => m.kind === 'over-long');
    assert.ok(long.length < samples.length / 10, `${long.length} over-long of ${samples.length}`);
    for (const m of long) assert.ok(m.length >= OVER_LONG_MIN && m.length <= OVER_LONG_MAX);
  });

  it('junk holds no CR, LF, letter, digit, SP, quote, backslash, brace or parenthesis', () => {
    for (const c of JUNK_BYTES) assert.doesNotMatch(c, /[\r\n A-Za-z0-9"\\{}()]/);
  });
});

describe('steps', () => {
  it('places cuts strictly inside the bytes, increasing, without repeats', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 5 }), fc.nat(50), (seeds, length) => {
        const cuts = placeCuts(seeds, length);
        cuts.forEach((c, i) => assert.ok(c > 0 && c < length && (i === 0 || c > cuts[i - 1]!)));
      }),
    );
  });

  it('ends every command with CRLF and labels a burst as pipelined', () => {
    const built = buildStep(step(plan('NOOP', 'NOOP'), plan('RSET', 'RSET', [{ kind: 'lower-case' }])));
    assert.equal(built.bytes.toString('latin1'), 'NOOP\r\nrset\r\n');
    assert.equal(built.label, `${STEP_LABELS.pipelined}: NOOP; RSET (${MUTATION_LABELS['lower-case']})`);
  });

  it('keeps at most maxSteps steps, the ending last, the half command without CRLF', () => {
    const steps = [1, 2, 3, 4].map((n) => step(plan(`S${n}`, `S${n}`)));
    const input = assembleInput('greeted', steps, { kind: 'abandoned', command: plan('QUIT', 'QUIT'), cutSeed: 1, cutSeeds: [] }, 3);
    assert.deepEqual(input.steps.map((s) => [s.bytes.toString('latin1'), s.abandoned]), [['S1\r\n', false], ['S2\r\n', false], ['QU', true]]);
    assert.equal(assembleInput('greeted', steps, null, 0).steps.length, 0);
  });

  it('leaves out steps that would take the input past the budget', () => {
    const big = step(plan('BIG', 'BIG', [], 'y'.repeat(INPUT_BUDGET / 2)));
    const input = assembleInput('greeted', [big, big, step(plan('NOOP', 'NOOP'))], null, 10);
    assert.deepEqual(input.steps.map((s) => s.label), ['BIG', 'NOOP']);
  });
});

/** The byte right before each prefix or sealed segment, lower-cased ('' at the start). */
function charsBeforeGuarded(segments: readonly Segment[]): string[] {
  return segments.flatMap((s, i) => (s.role === 'prefix' || s.role === 'sealed' ? [lineText(segments.slice(0, i)).slice(-1).toLowerCase()] : []));
}

function isSubsequence(needle: string, hay: string): boolean {
  let i = 0;
  for (const c of hay) if (c === needle[i]) i++;
  return i === needle.length;
}
