import fc from 'fast-check';
import type { HostileEnding, WriteSchedule } from './hostile-stream.js';

/**
 * Cuts at arbitrary stream offsets, a byte-by-byte prefix now and then, and pauses of at most
 * `maxDelayMs` (kept well under the client's read timeout, which is not what this tests).
 */
export function writeSchedule(maxDelayMs: number): fc.Arbitrary<WriteSchedule> {
  return fc.record({
    cuts: fc.array(fc.nat({ max: 2048 }), { maxLength: 6 }).map((cuts) => [...new Set(cuts)].sort((a, b) => a - b)),
    delaysMs: fc.oneof({ arbitrary: fc.constant([]), weight: 2 }, fc.array(fc.integer({ min: 0, max: maxDelayMs }), { minLength: 1, maxLength: 4 })),
    byteByBytePrefix: fc.oneof({ arbitrary: fc.constant(0), weight: 4 }, fc.integer({ min: 1, max: 64 })),
  });
}

/** Close and reset come often; silence costs a read timeout per run, so it is rarer. */
export function streamEnding(): fc.Arbitrary<HostileEnding> {
  return fc.oneof({ arbitrary: fc.constant('close' as const), weight: 5 }, { arbitrary: fc.constant('reset' as const), weight: 3 }, { arbitrary: fc.constant('silent' as const), weight: 2 });
}

/** Longest the schedule may pause in total: part of the bound on a run's duration. */
export function scheduledDelayBound(schedule: WriteSchedule, segmentCount: number): number {
  const pieces = schedule.cuts.length + schedule.byteByBytePrefix + segmentCount;
  return pieces * Math.max(0, ...schedule.delaysMs);
}
