import type { RequirementLevel, RfcRef } from '../protocol/shared/rfc.js';
import type { TranscriptLine } from '../report/result.js';
import type { ProcessDeath } from './target/fuzz-target.js';

/**
 * What went wrong in a fuzz run. malformed: a server line broke the formal syntax. hang: an owed
 * answer did not come within the answer timeout. reset: the server closed without a goodbye
 * (SMTP 421, POP3 final response, IMAP BYE). dead: a fresh connection no longer greets and answers
 * NOOP. crash: the spawned server process exited. model: the server's state differs from what the
 * RFC makes it (a model invariant broke).
 */
export type FindingKind = 'malformed' | 'hang' | 'reset' | 'dead' | 'crash' | 'model';

export const FINDING_KINDS: readonly FindingKind[] = ['malformed', 'hang', 'reset', 'dead', 'crash', 'model'];

/** The evidence a failed run carries: the rule, expected vs received, and the run's whole transcript. */
export interface FuzzEvidence {
  readonly kind: FindingKind;
  /** One line: what the server did wrong. */
  readonly message: string;
  readonly ref?: RfcRef;
  readonly level: RequirementLevel;
  /** Grammar or model rule name, e.g. "response-tagged.tag" or "uid.strictly-ascending". */
  readonly rule?: string;
  readonly expected?: string;
  /** Escaped bytes as received (escapeBytes). */
  readonly received?: string;
  readonly transcript: readonly TranscriptLine[];
}

/**
 * Thrown inside a property run when the server breaks the property. fast-check catches it, shrinks
 * the input, and hands back the error of the smallest failing input: its evidence becomes the finding.
 * Any other error thrown by a run is a fault of the tool or the network, not a finding.
 */
export class FuzzFailure extends Error {
  override readonly name = 'FuzzFailure';
  /** Set when a spawned server died during the run. */
  process?: ProcessDeath;
  constructor(readonly evidence: FuzzEvidence) {
    super(evidence.message);
  }
}

export function isFuzzFailure(err: unknown): err is FuzzFailure {
  return err instanceof FuzzFailure;
}
