import fc from 'fast-check';
import type { FuzzStep, RobustnessInput } from './fuzz-step.js';
import { applyMutations, mutationsArb, type Mutation } from './mutate.js';
import { cutLengths, lineText, type Segment } from './mutate-segments.js';

/** A command before it becomes bytes: what it is, its line, what to do to the line. */
export interface CommandPlan {
  /** The command for people, e.g. "RCPT TO" or "APPEND (literal count too small)". */
  readonly label: string;
  /** What the grammar itself did wrong on purpose, e.g. "bad sequence set": shown with the mutations. */
  readonly notes?: readonly string[];
  readonly segments: readonly Segment[];
  readonly mutations: readonly Mutation[];
  /**
   * Bytes of the same command after its line's CRLF, sent as they are: an IMAP literal and the rest
   * of its line, or SMTP message content and its ".". Ends with CRLF.
   */
  readonly trailer?: string;
}

/** One step: a command, or several sent at once (pipelined), maybe cut into several writes. */
export interface StepPlan<C extends CommandPlan = CommandPlan> {
  readonly commands: readonly C[];
  /** Raw picks for the write cuts, placed once the step's length is known. */
  readonly cutSeeds: readonly number[];
}

/** What may close an input: a final command (QUIT, LOGOUT, STARTTLS…) or a half command. */
export type EndingPlan<C extends CommandPlan = CommandPlan> =
  | { readonly kind: 'final'; readonly step: StepPlan<C> }
  | { readonly kind: 'abandoned'; readonly command: C; readonly cutSeed: number; readonly cutSeeds: readonly number[] };

/** Names the step-level mutations carry in labels. */
export const STEP_LABELS = { pipelined: 'pipelined', split: 'split write', abandoned: 'abandoned' } as const;

/** A whole input stays under this many bytes: longer steps are left out. */
export const INPUT_BUDGET = 256 * 1024;

/** Raw picks for write cuts: usually none. */
export const cutSeedsArb: fc.Arbitrary<readonly number[]> = fc.oneof(
  { withCrossShrink: true },
  { weight: 4, arbitrary: fc.constant([]) },
  { weight: 1, arbitrary: fc.array(fc.nat({ max: 0xffff }), { minLength: 1, maxLength: 3 }) },
);

/** A command draft (label, segments, trailer) given its mutations. */
export function withMutations<D extends Omit<CommandPlan, 'mutations'>>(draft: fc.Arbitrary<D>): fc.Arbitrary<D & { readonly mutations: readonly Mutation[] }> {
  return fc.tuple(draft, mutationsArb).map(([d, mutations]) => ({ ...d, mutations }));
}

/** One command alone, or (1 in 5) a burst of 2–4 `burstable` commands written at once. */
export function stepArb<C extends CommandPlan>(single: fc.Arbitrary<C>, burstable: fc.Arbitrary<C>): fc.Arbitrary<StepPlan<C>> {
  const commands = fc.oneof<fc.MaybeWeightedArbitrary<readonly C[]>[]>(
    { withCrossShrink: true },
    { weight: 4, arbitrary: single.map((c) => [c]) },
    { weight: 1, arbitrary: fc.array(burstable, { minLength: 2, maxLength: 4 }) },
  );
  return fc.record({ commands, cutSeeds: cutSeedsArb });
}

/** No ending (most often), a final command, or a half command left hanging. */
export function endingArb<C extends CommandPlan>(final: fc.Arbitrary<C>, abandonable: fc.Arbitrary<C>): fc.Arbitrary<EndingPlan<C> | null> {
  return fc.oneof<fc.MaybeWeightedArbitrary<EndingPlan<C> | null>[]>(
    { withCrossShrink: true },
    { weight: 3, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.record({ commands: final.map((c) => [c]), cutSeeds: cutSeedsArb }).map((step) => ({ kind: 'final' as const, step })) },
    {
      weight: 1,
      arbitrary: fc.record({ kind: fc.constant('abandoned' as const), command: abandonable, cutSeed: fc.nat({ max: 0xffff }), cutSeeds: cutSeedsArb }),
    },
  );
}

/**
 * The input as bytes: at most `maxSteps` steps (the ending counted), the ending last, and no step
 * that would take the input past INPUT_BUDGET.
 */
export function assembleInput(start: string, steps: readonly StepPlan[], ending: EndingPlan | null, maxSteps: number): RobustnessInput {
  const room = Math.max(0, maxSteps);
  const last = ending && room > 0 ? buildEnding(ending) : undefined;
  const out: FuzzStep[] = [];
  let size = last?.bytes.length ?? 0;
  for (const plan of steps.slice(0, last ? room - 1 : room)) {
    const step = buildStep(plan);
    if (size + step.bytes.length > INPUT_BUDGET) continue;
    size += step.bytes.length;
    out.push(step);
  }
  if (last && last.bytes.length <= INPUT_BUDGET) out.push(last);
  return { start, steps: out };
}

/** A command's bytes (latin1 text) and its label. */
export function buildCommand(plan: CommandPlan): { text: string; label: string } {
  const { segments, labels } = applyMutations(plan.segments, plan.mutations);
  return { text: `${lineText(segments)}\r\n${plan.trailer ?? ''}`, label: describe(plan, labels) };
}

export function buildStep(plan: StepPlan): FuzzStep {
  const built = plan.commands.map(buildCommand);
  const text = built.map((b) => b.text).join('');
  const label = built.length > 1 ? `${STEP_LABELS.pipelined}: ${built.map((b) => b.label).join('; ')}` : (built[0]?.label ?? '');
  return toStep(label, text, plan.cutSeeds, false);
}

function buildEnding(ending: EndingPlan): FuzzStep {
  if (ending.kind === 'final') return buildStep(ending.step);
  const { segments, labels } = applyMutations(ending.command.segments, ending.command.mutations);
  const lengths = cutLengths(segments);
  const length = lengths[ending.cutSeed % Math.max(lengths.length, 1)] ?? 0;
  const text = lineText(segments).slice(0, length);
  return toStep(`${STEP_LABELS.abandoned}: ${describe(ending.command, labels)}`, text, ending.cutSeeds, true);
}

function toStep(label: string, text: string, cutSeeds: readonly number[], abandoned: boolean): FuzzStep {
  const cuts = placeCuts(cutSeeds, text.length);
  return { label: cuts.length > 0 ? `${label} [${STEP_LABELS.split}]` : label, bytes: Buffer.from(text, 'latin1'), cuts, abandoned };
}

/** Cut offsets strictly inside the bytes, increasing, without repeats. */
export function placeCuts(seeds: readonly number[], length: number): number[] {
  if (length < 2) return [];
  return [...new Set(seeds.map((s) => 1 + (s % (length - 1))))].sort((a, b) => a - b);
}

function describe(plan: CommandPlan, mutations: readonly string[]): string {
  const notes = [...(plan.notes ?? []), ...mutations];
  return notes.length > 0 ? `${plan.label} (${notes.join(', ')})` : plan.label;
}
