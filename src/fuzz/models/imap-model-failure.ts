import { CONVERSATION_RULES } from '../../protocol/imap/conversation.js';
import type { ImapCommandResult } from '../../protocol/imap/client.js';
import { rfc3501 } from '../../protocol/imap/imap-rule.js';
import { MAILBOX_VIEW_RULES } from '../../protocol/imap/mailbox-view.js';
import type { Violation } from '../../protocol/shared/violation.js';
import { IMAP_MODEL_RULES, discrepancy } from '../../model/imap-model-rules.js';
import type { FuzzFailure } from '../fuzz-failure.js';
import { modelFailure, transportFailure, violationFailure, type AnswerRules, type RunLog } from './run-failure.js';

/** Conversation rules about state across responses (EXPUNGE timing, counts, UIDs): model findings, not grammar. */
const STATE_RULES: ReadonlySet<string> = new Set([...Object.values(CONVERSATION_RULES), ...Object.values(MAILBOX_VIEW_RULES)].map((r) => r.rule));

/** §2.2.2: "The server completion result response indicates the success or failure of the operation." — one is owed for every command. */
const IMAP_ANSWERS: AnswerRules = {
  owedBy: rfc3501('2.2.2'),
  ruleName: 'response',
  noun: 'completion of',
  // RFC 3501 sets no line limit (§4.3 leaves lengths to literals): the tool's bound was hit, a MAY-level note.
  lineLimit: { rule: 'limit.line-length', ref: rfc3501('4.3'), level: 'MAY' },
};

/**
 * The first violation the strict client reported that the server must answer for: grammar
 * breaches are 'malformed', the conversation's state rules (EXPUNGE timing, EXISTS going down,
 * UIDs out of order) are 'model'. MAY-level notes (the tool's own read limits) are not findings.
 */
export function imapViolationFailure(violations: readonly Violation[], command: string, log: RunLog): FuzzFailure | undefined {
  const v = violations.find((x) => x.level !== 'MAY');
  return v === undefined ? undefined : violationFailure(v, STATE_RULES.has(v.rule) ? 'model' : 'malformed', log, command);
}

/** A valid command the server refused (NO or BAD) on the tool's own mailbox: the model cannot go on. */
export function refusalFailure(result: ImapCommandResult, command: string, log: RunLog): FuzzFailure {
  return modelFailure(
    discrepancy(
      IMAP_MODEL_RULES.commandRefused,
      `refused with ${result.tagged.status} "${result.tagged.text}" on a mailbox the tool created, where the command is valid`,
      'OK',
      `${result.tagged.status} ${result.tagged.text}`,
    ),
    log,
    command,
  );
}

/** A transport error inside a run as a finding (see transportFailure); anything else is returned as is. */
export function imapTransportFailure(err: unknown, command: string, log: RunLog): unknown {
  return transportFailure(err, command, log, IMAP_ANSWERS);
}
