import { LEDGER_RULES } from '../../protocol/pop3/maildrop-ledger.js';
import { TOP_RULES } from '../../protocol/pop3/check-top.js';
import { rfc1939 } from '../../protocol/pop3/pop3-rule.js';
import type { Pop3Client } from '../../protocol/pop3/client.js';
import type { Pop3Response } from '../../protocol/pop3/pop3-response.js';
import type { Violation } from '../../protocol/shared/violation.js';
import type { WireLog } from '../../transport/wire-log.js';
import { FuzzFailure } from '../fuzz-failure.js';
import { transportFailure, violationFailure, type AnswerRules } from './run-failure.js';

/**
 * The session ledger's cross-command checks: the maildrop model makes the same ones (across
 * sessions too, at its own levels), so they are left to it rather than reported twice.
 */
const MODEL_OWNED_RULES: ReadonlySet<string> = new Set([...Object.values(LEDGER_RULES), ...Object.values(TOP_RULES)].map((r) => r.rule));

/** "After each command, the POP3 server issues a response." (RFC 1939 §5) */
const POP3_ANSWERS: AnswerRules = {
  owedBy: rfc1939('5'),
  ruleName: 'response',
  noun: 'response to',
  lineLimit: { rule: 'line.length', ref: rfc1939('3'), level: 'MUST' },
  reconnect: { rule: 'session.reconnect', ref: rfc1939('4') },
};

/** The first MUST-level grammar violation of a response as a 'malformed' finding (SHOULD/MAY notes are the suites' business). */
export function pop3ViolationFailure(violations: readonly Violation[], log: WireLog): FuzzFailure | undefined {
  const v = violations.find((x) => x.level === 'MUST' && !MODEL_OWNED_RULES.has(x.rule));
  return v === undefined ? undefined : violationFailure(v, 'malformed', log);
}

/** A transport error inside a run as a finding (see transportFailure); a fault of the tool is rethrown. */
export function pop3TransportFailure(err: unknown, what: string, log: WireLog): FuzzFailure {
  const failure = transportFailure(err, what, log, POP3_ANSWERS);
  if (failure instanceof FuzzFailure) return failure;
  throw failure;
}

/** Sends one command and returns its response; a transport failure or a MUST-level grammar violation is thrown as the finding it makes. */
export async function sendCheckedPop3(client: Pop3Client, line: string, log: WireLog): Promise<Pop3Response> {
  let checked;
  try {
    checked = await client.command(line);
  } catch (err) {
    throw pop3TransportFailure(err, line, log);
  }
  const malformed = pop3ViolationFailure(checked.violations, log);
  if (malformed) throw malformed;
  return checked.response;
}
