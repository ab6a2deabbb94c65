import { CONVERSATION_RULES } from '../../protocol/imap/conversation.js';
import type { ImapCommandResult } from '../../protocol/imap/client.js';
import { rfc3501 } from '../../protocol/imap/imap-rule.js';
import { MAILBOX_VIEW_RULES } from '../../protocol/imap/mailbox-view.js';
import type { Violation } from '../../protocol/shared/violation.js';
import { renderTranscript } from '../../script/transcript.js';
import { isTransportError } from '../../transport/errors.js';
import type { WireLog } from '../../transport/wire-log.js';
import { IMAP_MODEL_RULES, type ImapModelDiscrepancy } from '../../model/imap-model-rules.js';
import { FuzzFailure } from '../fuzz-failure.js';

/** Conversation rules about state across responses (EXPUNGE timing, counts, UIDs): model findings, not grammar. */
const STATE_RULES: ReadonlySet<string> = new Set([...Object.values(CONVERSATION_RULES), ...Object.values(MAILBOX_VIEW_RULES)].map((r) => r.rule));

/** §2.2.2: "The server completion result response indicates the success or failure of the operation." — one is owed for every command. */
const ANSWER_REF = rfc3501('2.2.2');

const transcriptOf = (log: WireLog): ReturnType<typeof renderTranscript> => renderTranscript([{ name: '1', log }]);

/** A model discrepancy found while running `command`, as a 'model' finding. */
export function discrepancyFailure(found: ImapModelDiscrepancy, command: string, log: WireLog): FuzzFailure {
  const { rule, message, expected, received } = found;
  return new FuzzFailure({ kind: 'model', message: `${command}: ${message}`, ref: rule.ref, level: rule.level, rule: rule.rule, expected, received, transcript: transcriptOf(log) });
}

/**
 * The first violation the strict client reported that the server must answer for: grammar
 * breaches are 'malformed', the conversation's state rules (EXPUNGE timing, EXISTS going down,
 * UIDs out of order) are 'model'. MAY-level notes (the tool's own read limits) are not findings.
 */
export function violationFailure(violations: readonly Violation[], command: string, log: WireLog): FuzzFailure | undefined {
  const v = violations.find((x) => x.level !== 'MAY');
  if (v === undefined) return undefined;
  return new FuzzFailure({
    kind: STATE_RULES.has(v.rule) ? 'model' : 'malformed',
    message: `${command}: ${v.message}`,
    ref: v.ref,
    level: v.level,
    rule: v.rule,
    expected: v.expected,
    received: v.received,
    transcript: transcriptOf(log),
  });
}

/** A valid command the server refused (NO or BAD) on the tool's own mailbox: the model cannot go on. */
export function refusalFailure(result: ImapCommandResult, command: string, log: WireLog): FuzzFailure {
  const { rule, ref, level } = IMAP_MODEL_RULES.commandRefused;
  return new FuzzFailure({
    kind: 'model',
    message: `${command}: refused with ${result.tagged.status} "${result.tagged.text}" on a mailbox the tool created, where the command is valid`,
    ref,
    level,
    rule,
    expected: 'OK',
    received: `${result.tagged.status} ${result.tagged.text}`,
    transcript: transcriptOf(log),
  });
}

/**
 * A transport error inside a run as a finding: no answer in time is a hang, a close or reset while
 * an answer was owed is a reset. Anything else (a fault of the tool) is returned as is.
 */
export function transportFailure(err: unknown, command: string, log: WireLog): unknown {
  if (!isTransportError(err)) return err;
  switch (err.code) {
    case 'ERR_TRANSPORT_TIMEOUT':
      return new FuzzFailure({ kind: 'hang', message: `no completion of ${command} within the answer timeout`, ref: ANSWER_REF, level: 'MUST', rule: 'response.timely', transcript: transcriptOf(log) });
    case 'ERR_TRANSPORT_CLOSED':
    case 'ERR_TRANSPORT_RESET':
      return new FuzzFailure({ kind: 'reset', message: `connection ${err.code === 'ERR_TRANSPORT_RESET' ? 'reset' : 'closed'} while the completion of ${command} was owed`, ref: ANSWER_REF, level: 'MUST', rule: 'response.owed', transcript: transcriptOf(log) });
    case 'ERR_TRANSPORT_LINE_TOO_LONG':
      // RFC 3501 sets no line limit (§4.3 leaves lengths to literals): the tool's bound was hit, a MAY-level note.
      return new FuzzFailure({ kind: 'malformed', message: `${command}: ${err.message}`, ref: rfc3501('4.3'), level: 'MAY', rule: 'limit.line-length', transcript: transcriptOf(log) });
    default:
      return err;
  }
}
