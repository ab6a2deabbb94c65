import assert from 'node:assert/strict';
import type { RobustnessInput } from '../../src/fuzz/robustness/fuzz-step.js';

/** What every robustness input must look like, whatever the protocol: bounded, whole lines, an abandoned half command only last, cuts inside the step. */
export function checkRobustnessShape(input: RobustnessInput, maxSteps: number): void {
  const text = (b: Buffer): string => b.toString('latin1');
  assert.ok(input.steps.length <= maxSteps);
  assert.ok(input.steps.reduce((n, s) => n + s.bytes.length, 0) <= 300 * 1024);
  input.steps.forEach((step, i) => {
    const last = i === input.steps.length - 1;
    if (step.abandoned) assert.ok(last && !text(step.bytes).includes('\r\n') && step.bytes.length > 0, step.label);
    else assert.ok(text(step.bytes).endsWith('\r\n'), step.label);
    step.cuts.forEach((c, j) => assert.ok(c > 0 && c < step.bytes.length && (j === 0 || c > step.cuts[j - 1]!), step.label));
  });
}
