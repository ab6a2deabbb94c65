import { LEDGER_RULES } from '../../protocol/pop3/maildrop-ledger.js';
import { TOP_RULES } from '../../protocol/pop3/check-top.js';
import { rfc1939 } from '../../protocol/pop3/pop3-rule.js';
import type { Violation } from '../../protocol/shared/violation.js';
import { renderTranscript } from '../../script/transcript.js';
import { isTransportError } from '../../transport/errors.js';
import type { WireLog } from '../../transport/wire-log.js';
import type { Pop3Breach } from '../../model/pop3-model-rules.js';
import { FuzzFailure } from '../fuzz-failure.js';

/**
 * The session ledger's cross-command checks: the maildrop model makes the same ones (across
 * sessions too, at its own levels), so they are left to it rather than reported twice.
 */
const MODEL_OWNED_RULES: ReadonlySet<string> = new Set([...Object.values(LEDGER_RULES), ...Object.values(TOP_RULES)].map((r) => r.rule));

/** "After each command, the POP3 server issues a response." (RFC 1939 §5) */
const ANSWER_REF = rfc1939('5');

export function breachFailure(found: Pop3Breach, log: WireLog): FuzzFailure {
  const { rule, message, expected, received } = found;
  return new FuzzFailure({ kind: 'model', message, ref: rule.ref, level: rule.level, rule: rule.rule, expected, received, transcript: renderTranscript([{ name: '1', log }]) });
}

/** The first MUST-level grammar violation of a response as a 'malformed' finding (SHOULD/MAY notes are the suites' business). */
export function violationFailure(violations: readonly Violation[], log: WireLog): FuzzFailure | undefined {
  const v = violations.find((x) => x.level === 'MUST' && !MODEL_OWNED_RULES.has(x.rule));
  if (v === undefined) return undefined;
  return new FuzzFailure({
    kind: 'malformed', message: v.message, ref: v.ref, level: v.level, rule: v.rule, expected: v.expected, received: v.received, transcript: renderTranscript([{ name: '1', log }]),
  });
}

/**
 * A transport error inside a run as a finding: no answer in time is a hang, a close or reset while
 * an answer was owed is a reset, and a refused or silent reconnect is a dead server. Anything else
 * (a fault of the tool) is rethrown as is.
 */
export function transportFailure(err: unknown, what: string, log: WireLog): FuzzFailure {
  if (!isTransportError(err)) throw err;
  const transcript = (): ReturnType<typeof renderTranscript> => renderTranscript([{ name: '1', log }]);
  switch (err.code) {
    case 'ERR_TRANSPORT_TIMEOUT':
      return new FuzzFailure({ kind: 'hang', message: `no response to ${what} within the answer timeout`, ref: ANSWER_REF, level: 'MUST', rule: 'response.timely', transcript: transcript() });
    case 'ERR_TRANSPORT_CLOSED':
    case 'ERR_TRANSPORT_RESET':
      return new FuzzFailure({ kind: 'reset', message: `connection ${err.code === 'ERR_TRANSPORT_RESET' ? 'reset' : 'closed'} while the response to ${what} was owed`, ref: ANSWER_REF, level: 'MUST', rule: 'response.owed', transcript: transcript() });
    case 'ERR_TRANSPORT_LINE_TOO_LONG':
      return new FuzzFailure({ kind: 'malformed', message: `${what}: ${err.message}`, ref: rfc1939('3'), level: 'MUST', rule: 'line.length', transcript: transcript() });
    default:
      return new FuzzFailure({ kind: 'dead', message: `${what}: ${err.message}`, ref: rfc1939('4'), level: 'MUST', rule: 'session.reconnect', transcript: transcript() });
  }
}
