import fc from 'fast-check';
import { isFuzzFailure, FuzzFailure } from '../fuzz-failure.js';
import type { FuzzProperty, FuzzSettings, FuzzStats } from '../fuzz-property.js';
import { TargetUnavailableError } from '../robustness/liveness.js';
import type { FuzzTarget, ProcessDeath } from '../target/fuzz-target.js';
import type { Shard } from '../../script/select-cases.js';
import { batchFor, WHOLE_CAMPAIGN } from './batch-plan.js';
import { buildFinding, type FindingContext } from './build-finding.js';
import type { Finding } from '../findings/finding.js';
import { replayPathOf } from '../models/replay-path.js';

/** Runs per fast-check call: small, so a campaign reports progress and finds several bugs, not just the first. */
export const DEFAULT_RUNS_PER_BATCH = 20;
/** How long shrinking one finding may take before the smallest input so far is kept. */
export const DEFAULT_SHRINK_TIME_MS = 60_000;

export interface CampaignOptions {
  readonly properties: readonly FuzzProperty<unknown>[];
  readonly settings: FuzzSettings;
  readonly target: FuzzTarget;
  readonly seed: number;
  /** Stop after this many runs (this shard's). At least one of runs / durationMs is needed. */
  readonly runs?: number;
  readonly durationMs?: number;
  readonly shard?: Shard;
  readonly runsPerBatch?: number;
  readonly shrinkTimeMs?: number;
  /** Aborting stops new runs at once; the finding being shrunk is kept as shrunk so far. */
  readonly signal?: AbortSignal;
  readonly toolVersion: string;
  /** Called with each new finding as soon as it is confirmed: save it here. */
  onFinding(finding: Finding): Promise<void>;
  onProgress?(progress: CampaignProgress): void;
}

export interface CampaignProgress {
  readonly runs: number;
  readonly commands: number;
  readonly findings: number;
  readonly elapsedMs: number;
}

export interface PropertyOutcome {
  readonly property: string;
  readonly runs: number;
  readonly findings: readonly Finding[];
  /** Same property, kind and rule as a finding already made: counted, not saved again. */
  readonly repeats: number;
}

export type CampaignEnd = 'runs' | 'duration' | 'interrupted' | 'target-down';

export interface CampaignResult {
  readonly seed: number;
  readonly shard: Shard;
  readonly properties: readonly PropertyOutcome[];
  readonly runs: number;
  readonly commands: number;
  readonly durationMs: number;
  readonly end: CampaignEnd;
  /** Why the target went down, when end is 'target-down'. */
  readonly targetDown?: string;
}

interface Tally {
  runs: number;
  findings: Finding[];
  repeats: number;
}

/**
 * A fuzz campaign: batches of fast-check runs, each batch one property with its own seed (see
 * batch-plan.ts), until the run or time budget is spent. A failing batch is shrunk by fast-check
 * and becomes a finding, handed to onFinding at once; the campaign then goes on with the next batch.
 */
export async function runCampaign(options: CampaignOptions): Promise<CampaignResult> {
  if (options.runs === undefined && options.durationMs === undefined) throw new Error('a campaign needs a run count or a duration');
  const shard = options.shard ?? WHOLE_CAMPAIGN;
  const started = Date.now();
  const deadline = options.durationMs === undefined ? Infinity : started + options.durationMs;
  const stats: FuzzStats = { commands: 0 };
  const tallies = options.properties.map((): Tally => ({ runs: 0, findings: [], repeats: 0 }));
  const signatures = new Set<string>();
  let runs = 0;
  let targetDown: string | undefined;
  let toolError: unknown;
  const progress = (): void =>
    options.onProgress?.({ runs, commands: stats.commands, findings: tallies.reduce((n, t) => n + t.findings.length, 0), elapsedMs: Date.now() - started });

  const stopped = (): boolean => options.signal?.aborted === true || targetDown !== undefined || toolError !== undefined;
  const stopReason = (): CampaignEnd | undefined => {
    if (options.signal?.aborted) return 'interrupted';
    if (targetDown !== undefined) return 'target-down';
    if (options.runs !== undefined && runs >= options.runs) return 'runs';
    return Date.now() >= deadline ? 'duration' : undefined;
  };
  let end: CampaignEnd;
  try {
    end = await runBatches();
  } finally {
    // A server that is down has nothing to tidy, and waiting for it would only delay the report.
    if (targetDown === undefined) for (const property of options.properties) await property.cleanUp?.(options.settings);
  }
  return {
    seed: options.seed,
    shard,
    properties: options.properties.map((p, i) => ({ property: p.name, runs: tallies[i]!.runs, findings: tallies[i]!.findings, repeats: tallies[i]!.repeats })),
    runs,
    commands: stats.commands,
    durationMs: Date.now() - started,
    end,
    ...(targetDown !== undefined ? { targetDown } : {}),
  };

  async function runBatches(): Promise<CampaignEnd> {
    for (let j = 0; ; j++) {
      const reason = stopReason();
      if (reason) return reason;
      const batch = batchFor(options.seed, shard, j, options.properties.length);
      const property = options.properties[batch.propertyIndex]!;
      const tally = tallies[batch.propertyIndex]!;
      const numRuns = Math.min(options.runsPerBatch ?? DEFAULT_RUNS_PER_BATCH, options.runs === undefined ? Infinity : options.runs - runs);
      let batchRuns = 0;
      let shrinking = false;
      const predicate = async (input: unknown): Promise<void> => {
        // Once stopping, remaining runs (and shrink attempts) pass at once: what is failing so far is kept.
        if (stopped()) return;
        if (!(await options.target.ensureUp())) {
          targetDown = `${options.target.description} is down and cannot be restarted`;
          return;
        }
        if (!shrinking && batchRuns < numRuns) {
          batchRuns++;
          runs++;
          tally.runs++;
        }
        try {
          await property.run(input, options.settings, stats);
        } catch (err) {
          if (err instanceof TargetUnavailableError) {
            targetDown = err.message;
            return;
          }
          // A dying server may close sockets a moment before its exit is seen: give it that moment.
          const death = await options.target.death(isFuzzFailure(err) && err.evidence.kind !== 'malformed' && err.evidence.kind !== 'model' ? 500 : 0);
          if (death) {
            shrinking = true;
            throw crashFailure(err, death);
          }
          if (isFuzzFailure(err)) {
            // A bug already found (and shrunk) fails again: count it and move on rather than shrink it again.
            if (!shrinking && signatures.has(signatureOf(property, err))) {
              tally.repeats++;
              return;
            }
            shrinking = true;
            throw err;
          }
          toolError = err;
        } finally {
          progress();
        }
      };
      const timeLeft = Math.max(0, deadline - Date.now());
      const details = await fc.check(fc.asyncProperty(property.arbitrary(options.settings), predicate), {
        seed: batch.seed,
        numRuns,
        plugins: [fc.interruptAfterTimeLimit(Math.min(2 ** 31 - 1, timeLeft + (options.shrinkTimeMs ?? DEFAULT_SHRINK_TIME_MS)))],
      });
      if (toolError !== undefined) throw toolError;
      if (details.failed && isFuzzFailure(details.errorInstance)) {
        const failure = details.errorInstance;
        const example: unknown = (details.counterexample as readonly unknown[] | null)?.[0];
        const signature = signatureOf(property, failure);
        if (signatures.has(signature)) tally.repeats++;
        else {
          signatures.add(signature);
          const context: FindingContext = {
            property,
            settings: options.settings,
            target: options.target.description,
            seed: details.seed,
            path: details.counterexamplePath ?? '',
            replayPath: replayPathOf(example),
            shrinks: details.numShrinks,
            toolVersion: options.toolVersion,
          };
          const finding = buildFinding(failure, example, context, failure.process);
          tally.findings.push(finding);
          await options.onFinding(finding);
          progress();
        }
      }
    }
  }
}

/** What makes two findings the same bug: property, kind, and the rule (or the message without its step). */
function signatureOf(property: FuzzProperty<unknown>, failure: FuzzFailure): string {
  return `${property.name}|${failure.evidence.kind}|${failure.evidence.rule ?? failure.evidence.message.replace(/^step \d+ \([^)]*\): /, '')}`;
}

/** The process died during the run: that is the finding, whatever the run saw first. */
function crashFailure(err: unknown, death: ProcessDeath): FuzzFailure {
  const how = death.signal !== null ? `killed by ${death.signal}` : `exited with code ${death.code}`;
  const seen = isFuzzFailure(err) ? err.evidence : undefined;
  const failure = new FuzzFailure({
    kind: 'crash',
    message: `the server process ${how}${death.stderrTail.length > 0 ? `: ${death.stderrTail.at(-1)}` : ''}`,
    level: 'MUST',
    expected: 'the server process keeps running',
    received: how,
    transcript: seen?.transcript ?? [],
    ...(seen?.ref ? { ref: seen.ref } : {}),
  });
  failure.process = death;
  return failure;
}
