import type { FuzzStep, RobustnessInput } from './fuzz-step.js';

const CR = 0x0d;
const LF = 0x0a;

/**
 * Bytes after which a server may frame the input differently from the RFC, so its answers can no
 * longer be matched to commands: a CR not followed by LF or an LF not preceded by CR (line ends
 * some servers accept), and NUL (where C servers end a string: "CAPA\0" read as CAPA).
 */
export function breaksAttribution(bytes: Buffer): boolean {
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0x00) return true;
    if (bytes[i] === CR && bytes[i + 1] !== LF && i + 1 < bytes.length) return true;
    if (bytes[i] === LF && bytes[i - 1] !== CR) return true;
  }
  return false;
}

/** A robustness input as JSON: bytes base64, so a finding holds the exact input. */
export interface SerializedStep {
  readonly label: string;
  readonly base64: string;
  readonly cuts: readonly number[];
  readonly abandoned: boolean;
}

export function serializeInput(input: RobustnessInput): { readonly start: string; readonly steps: readonly SerializedStep[] } {
  return { start: input.start, steps: input.steps.map((s) => ({ label: s.label, base64: s.bytes.toString('base64'), cuts: s.cuts, abandoned: s.abandoned })) };
}

export function deserializeStep(step: SerializedStep): FuzzStep {
  return { label: step.label, bytes: Buffer.from(step.base64, 'base64'), cuts: step.cuts, abandoned: step.abandoned };
}
