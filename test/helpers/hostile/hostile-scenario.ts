import fc from 'fast-check';
import type { ProtocolAdapter } from '../../../src/script/adapter.js';
import type { Protocol } from '../../../src/report/result.js';
import type { ScriptCase } from '../../../src/script/script-case.js';
import { caseSegments } from './case-session.js';
import { describeStream, type HostileSegment, type HostileStream } from './hostile-stream.js';
import { HOSTILE_VARS } from './load-hostile-cases.js';
import { randomSegments, streamMutation } from './mutate-stream.js';
import { plausibleSegments, type ClientScenario } from './plausible-session.js';
import { streamEnding, writeSchedule } from './write-schedule.js';

/** What one protocol offers the hostile runs: its client routines, suite cases and stray lines. */
export interface HostileProtocolKit<P> {
  readonly protocol: Protocol;
  readonly adapter: ProtocolAdapter<P>;
  readonly clients: readonly ClientScenario[];
  readonly cases: readonly ScriptCase<P>[];
  readonly unsolicited: readonly string[];
}

/** Who talks to the hostile stream: a reference-client routine, or the engine running one case. */
export type HostileTarget<P> = { readonly kind: 'client'; readonly scenario: ClientScenario } | { readonly kind: 'case'; readonly scriptCase: ScriptCase<P> };

export interface HostileScenario<P> {
  readonly target: HostileTarget<P>;
  readonly stream: HostileStream;
}

export interface HostileScenarioOptions {
  /** @defaultValue 10 */
  readonly maxDelayMs?: number;
  /** @defaultValue 3 */
  readonly maxMutations?: number;
}

/**
 * A target and the stream it meets: the plausible session for that target (valid), mutated up to
 * `maxMutations` times (none: a valid session), or random bytes; then a write schedule and ending.
 */
export function hostileScenario<P>(kit: HostileProtocolKit<P>, options: HostileScenarioOptions = {}): fc.Arbitrary<HostileScenario<P>> {
  const targets: fc.Arbitrary<HostileTarget<P>>[] = [fc.constantFrom(...kit.clients).map((scenario) => ({ kind: 'client' as const, scenario }))];
  if (kit.cases.length > 0) targets.push(fc.constantFrom(...kit.cases).map((scriptCase) => ({ kind: 'case' as const, scriptCase })));
  const mutations = fc.array(streamMutation(kit.unsolicited), { maxLength: options.maxMutations ?? 3 });
  return fc.oneof(...targets).chain((target) =>
    fc
      .record({
        base: fc.oneof(
          { arbitrary: plausibleFor(target).map((segments) => ({ label: 'session', segments })), weight: 6 },
          { arbitrary: randomSegments().map((segments) => ({ label: 'random', segments })), weight: 1 },
        ),
        mutations,
        schedule: writeSchedule(options.maxDelayMs ?? 10),
        ending: streamEnding(),
      }).map(({ base, mutations, schedule, ending }): HostileStream => ({
        segments: mutations.reduce<HostileSegment[]>((segments, m) => m.apply(segments), base.segments),
        schedule,
        ending,
        labels: [targetName(target), base.label, ...mutations.map((m) => m.name)],
      }))
      // Counterexamples print as the stream on the wire, not as the arbitraries that made it.
      .map((stream) => ({ target, stream, [fc.toStringMethod]: () => describeStream(stream) })),
  );
}

export function targetName<P>(target: HostileTarget<P>): string {
  return target.kind === 'client' ? target.scenario.name : target.scriptCase.header.id;
}

function plausibleFor<P>(target: HostileTarget<P>): fc.Arbitrary<HostileSegment[]> {
  return target.kind === 'client' ? plausibleSegments(target.scenario.exchanges) : fc.constant(caseSegments(target.scriptCase, HOSTILE_VARS));
}
