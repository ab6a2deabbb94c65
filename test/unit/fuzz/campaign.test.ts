import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { runCampaign } from '../../../src/fuzz/campaign/campaign.js';
import type { Finding } from '../../../src/fuzz/findings/finding.js';
import { FuzzFailure } from '../../../src/fuzz/fuzz-failure.js';
import type { FuzzProperty, FuzzSettings } from '../../../src/fuzz/fuzz-property.js';
import { listeningTarget } from '../../../src/fuzz/target/fuzz-target.js';

// The campaign machinery on a property with no server behind it: a "bug" that fires when two
// numbers above 50 are sent, so shrinking has a known minimum.

const settings: FuzzSettings = {
  protocol: 'smtp',
  endpoint: { host: '127.0.0.1', port: 1 },
  vars: new Map(),
  answerTimeoutMs: 1000,
  connectTimeoutMs: 1000,
  allowDestructive: false,
  namespace: 'mailconform-fuzz-test',
  maxCommands: 10,
};

function toyProperty(onRun: (input: number[]) => void = () => undefined): FuzzProperty<number[]> {
  return {
    name: 'smtp.toy',
    protocol: 'smtp',
    summary: 'toy',
    ref: { rfc: 5321, section: '4.2' },
    level: 'MUST',
    arbitrary: () => fc.array(fc.integer({ min: 0, max: 100 }), { maxLength: 10 }),
    async run(input, _settings, stats) {
      onRun(input);
      stats.commands += input.length;
      if (input.filter((n) => n > 50).length >= 2) {
        throw new FuzzFailure({ kind: 'malformed', message: 'two big numbers', level: 'MUST', rule: 'toy.big', transcript: [{ session: '1', dir: 'C', text: input.join(' '), atMs: 0 }] });
      }
    },
    describeInput: (input) => input,
  };
}

async function campaign(seed: number, runs: number, property = toyProperty(), signal?: AbortSignal): Promise<{ findings: Finding[]; result: Awaited<ReturnType<typeof runCampaign>> }> {
  const findings: Finding[] = [];
  const result = await runCampaign({
    properties: [property as FuzzProperty<unknown>],
    settings,
    target: listeningTarget(settings.endpoint),
    seed,
    runs,
    toolVersion: 'test',
    ...(signal ? { signal } : {}),
    onFinding: (f) => {
      findings.push(f);
      return Promise.resolve();
    },
  });
  return { findings, result };
}

test('a failing property becomes one finding, shrunk to the minimal input, with seed and path to replay it', async () => {
  const { findings, result } = await campaign(42, 200);
  assert.equal(findings.length, 1, 'the same bug found again is a repeat, not a new finding');
  const [finding] = findings;
  assert.deepEqual(finding!.input, [51, 51]);
  assert.equal(finding!.kind, 'malformed');
  assert.equal(finding!.rule, 'toy.big');
  assert.ok(finding!.replay.path.length > 0);
  assert.equal(result.properties[0]!.findings.length, 1);
  assert.ok(result.properties[0]!.repeats >= 1, 'later batches hit it again');
  assert.equal(result.runs, 200);
  assert.equal(result.end, 'runs');
});

test('a bug already found is not shrunk again: later failing runs are counted as repeats and cost one run each', async () => {
  let calls = 0;
  const { findings, result } = await campaign(42, 200, toyProperty(() => void calls++));
  assert.equal(findings.length, 1);
  // Every call past the 200 runs is a shrink attempt; without the shortcut each later batch shrinks anew.
  const shrinkCalls = calls - 200;
  assert.ok(shrinkCalls <= findings[0]!.shrinks * 10 + 50, `${shrinkCalls} shrink calls for one finding shrunk in ${findings[0]!.shrinks} steps`);
  assert.ok(result.properties[0]!.repeats >= 20, `${result.properties[0]!.repeats} repeats`);
});

test('the same campaign seed gives the same findings; the saved seed and path replay the minimal input', async () => {
  const a = await campaign(7, 60);
  const b = await campaign(7, 60);
  assert.deepEqual(a.findings.map((f) => [f.id, f.replay.seed, f.replay.path]), b.findings.map((f) => [f.id, f.replay.seed, f.replay.path]));
  const finding = a.findings[0]!;
  let replayed: number[] | undefined;
  const details = await fc.check(
    fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 100 }), { maxLength: 10 }), async (input) => {
      replayed = input;
      await toyProperty().run(input, settings, { commands: 0 });
    }),
    { seed: finding.replay.seed, path: finding.replay.path, numRuns: 1, endOnFailure: true },
  );
  assert.equal(details.failed, true);
  assert.deepEqual(replayed, finding.input);
});

test('aborting stops the campaign and keeps what was found', async () => {
  const controller = new AbortController();
  let runs = 0;
  const { result } = await campaign(3, 10_000, toyProperty(() => {
    if (++runs === 30) controller.abort();
  }), controller.signal);
  assert.equal(result.end, 'interrupted');
  assert.ok(result.runs <= 30, `stopped at once, ran ${result.runs}`);
});

test('a tool error inside a run is not a finding: the campaign stops with it', async () => {
  const broken: FuzzProperty<number[]> = { ...toyProperty(), run: () => Promise.reject(new Error('tool bug')) };
  await assert.rejects(campaign(1, 10, broken), /tool bug/);
});
