import type { RequirementLevel, RfcRef } from '../../protocol/shared/rfc.js';
import type { Violation } from '../../protocol/shared/violation.js';
import type { TranscriptLine } from '../../report/result.js';
import { renderTranscript } from '../../script/transcript.js';
import { isTransportError } from '../../transport/errors.js';
import { WireLog } from '../../transport/wire-log.js';
import { FuzzFailure, type FindingKind } from '../fuzz-failure.js';

/** A run's wire logs: its one session's, or several sessions' by name (a run with two connections). */
export type RunLog = WireLog | ReadonlyArray<{ readonly name: string; readonly log: WireLog }>;

/** The run's sessions as transcript lines, merged in time order; one session is named "1". */
export function transcriptOf(log: RunLog): TranscriptLine[] {
  return renderTranscript(log instanceof WireLog ? [{ name: '1', log }] : log);
}

/** A breach found in a run (a model rule or a violation the strict client reported), as a finding of `kind`. */
export function breachFailure(
  kind: FindingKind,
  breach: { readonly rule: string; readonly ref: RfcRef; readonly level: RequirementLevel; readonly message: string; readonly expected?: string; readonly received?: string },
  log: RunLog,
): FuzzFailure {
  const { rule, ref, level, message, expected, received } = breach;
  return new FuzzFailure({ kind, message, ref, level, rule, ...(expected !== undefined ? { expected } : {}), ...(received !== undefined ? { received } : {}), transcript: transcriptOf(log) });
}

/** A violation the strict client reported, as a finding of `kind`; the message prefixed with the command it came in. */
export function violationFailure(v: Violation, kind: FindingKind, log: RunLog, prefix?: string): FuzzFailure {
  return breachFailure(kind, { ...v, message: prefixed(v.message, prefix) }, log);
}

/** A broken model rule (each model's breach has this shape), as a 'model' finding. */
export function modelFailure(
  found: { readonly rule: { readonly rule: string; readonly ref: RfcRef; readonly level: RequirementLevel }; readonly message: string; readonly expected: string; readonly received: string },
  log: RunLog,
  prefix?: string,
): FuzzFailure {
  return breachFailure('model', { ...found.rule, message: prefixed(found.message, prefix), expected: found.expected, received: found.received }, log);
}

function prefixed(message: string, prefix: string | undefined): string {
  return prefix === undefined ? message : `${prefix}: ${message}`;
}

/** How a protocol names the answer every command is owed, and the rules a lost one breaks. */
export interface AnswerRules {
  /** The rule that owes an answer to every command, e.g. RFC 5321 §4.2. */
  readonly owedBy: RfcRef;
  /** Rule-name prefix and word for the answer: "response", "reply", "completion". */
  readonly ruleName: string;
  readonly noun: string;
  /** A server line over the tool's limit. */
  readonly lineLimit: { readonly rule: string; readonly ref: RfcRef; readonly level: RequirementLevel };
  /** A reconnect that fails mid-run makes the server dead; without this, the error is the tool's. */
  readonly reconnect?: { readonly rule: string; readonly ref: RfcRef };
}

/**
 * A transport error inside a model run as a finding: no answer in time is a hang, a close while
 * one was owed is a reset, an over-long line is malformed, a failed reconnect is a dead server.
 * Anything else (a fault of the tool) is returned as is, for the caller to throw.
 */
export function transportFailure(err: unknown, what: string, log: RunLog, rules: AnswerRules): unknown {
  if (!isTransportError(err)) return err;
  const owed = { ref: rules.owedBy, level: 'MUST' as const };
  switch (err.code) {
    case 'ERR_TRANSPORT_TIMEOUT':
      return breachFailure('hang', { ...owed, rule: `${rules.ruleName}.timely`, message: `no ${rules.noun} ${what} within the answer timeout` }, log);
    case 'ERR_TRANSPORT_CLOSED':
    case 'ERR_TRANSPORT_RESET':
      return breachFailure('reset', { ...owed, rule: `${rules.ruleName}.owed`, message: `connection ${err.code === 'ERR_TRANSPORT_RESET' ? 'reset' : 'closed'} while the ${rules.noun} ${what} was owed` }, log);
    case 'ERR_TRANSPORT_LINE_TOO_LONG':
      return breachFailure('malformed', { ...rules.lineLimit, message: `${what}: ${err.message}` }, log);
    case 'ERR_TRANSPORT_STEP_TIMEOUT':
    case 'ERR_TRANSPORT_RESPONSE_TOO_LARGE':
      // Lines kept coming but the answer never completed (a flood or a drip): owed like any answer.
      return breachFailure('hang', { ...owed, rule: `${rules.ruleName}.timely`, message: `the ${rules.noun} ${what} never completed: ${err.message}` }, log);
    default:
      return rules.reconnect ? breachFailure('dead', { ...rules.reconnect, level: 'MUST', message: `${what}: ${err.message}` }, log) : err;
  }
}
