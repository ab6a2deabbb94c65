import { terminator, type WireLine } from './transcript-events.js';

/** A robustness finding's input as saved (robustness/step-bytes.ts serializeInput): every step's exact bytes. */
interface SavedRobustnessInput {
  readonly steps: ReadonlyArray<{ readonly base64: string }>;
}

function isSavedRobustnessInput(input: unknown): input is SavedRobustnessInput {
  if (typeof input !== 'object' || input === null || !('steps' in input) || !Array.isArray(input.steps)) return false;
  return input.steps.every((s: unknown) => typeof s === 'object' && s !== null && 'base64' in s && typeof s.base64 === 'string');
}

/**
 * Fills the bytes the transcript left out of over-long client lines (over-long tokens reach 80 KiB;
 * transcripts show 2000 bytes of a line) from a robustness input, which holds every step exactly.
 * The lines of one connection are the prelude's, then the steps' bytes in order: the first line
 * from which every shown byte agrees with the steps is where the steps begin. Lines that cannot be
 * placed keep their gap.
 */
export function recoverClientLines(lines: readonly WireLine[], input: unknown): WireLine[] {
  if (!lines.some((l) => l.missing > 0) || !isSavedRobustnessInput(input)) return [...lines];
  const steps = Buffer.concat(input.steps.map((s) => Buffer.from(s.base64, 'base64')));
  for (let first = 0; first < lines.length; first++) {
    if (agrees(lines.slice(first), steps)) return [...lines.slice(0, first), ...fill(lines.slice(first), steps)];
  }
  return [...lines];
}

function agrees(lines: readonly WireLine[], steps: Buffer): boolean {
  let at = 0;
  for (const line of lines) {
    const shown = steps.subarray(at, at + line.known.length);
    if (!shown.equals(line.known)) return false;
    at += line.known.length + line.missing;
    if (at > steps.length) return false;
    const end = terminator(line.ending);
    if (!steps.subarray(at, at + end.length).equals(end)) return false;
    at += end.length;
  }
  return true;
}

function fill(lines: readonly WireLine[], steps: Buffer): WireLine[] {
  let at = 0;
  return lines.map((line) => {
    const length = line.known.length + line.missing;
    const known = line.missing > 0 ? Buffer.from(steps.subarray(at, at + length)) : line.known;
    at += length + terminator(line.ending).length;
    return { known, missing: 0, ending: line.ending };
  });
}
