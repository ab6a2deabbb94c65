import { rfc3501, type ImapRule } from '../protocol/imap/imap-rule.js';
import { sectionOf } from '../protocol/shared/rule.js';

const rfc4315 = sectionOf(4315);

/**
 * The rules the IMAP mailbox model checks, each with the sentence that makes it a rule. Only what
 * RFC 3501 requires is here: no untagged response is demanded where the RFC says "normally" or
 * leaves it to the server (STORE's FETCH, \Recent, APPEND's EXISTS before a NOOP).
 */
export const IMAP_MODEL_RULES = {
  /** §2.3.1.1: "as each message is added to the mailbox it is assigned a higher UID than the message(s) which were added previously." */
  uidAscending: { rule: 'uid.strictly-ascending', ref: rfc3501('2.3.1.1'), level: 'MUST' },
  /** §2.3.1.1: "The unique identifier of a message MUST NOT change during the session". */
  uidStable: { rule: 'uid.stable', ref: rfc3501('2.3.1.1'), level: 'MUST' },
  /** §2.3.1.1: UIDs and UIDVALIDITY form a value that "MUST NOT refer to any other message"; within one session UIDs may not change, so neither may UIDVALIDITY. */
  uidValidityStable: { rule: 'uidvalidity.stable', ref: rfc3501('2.3.1.1'), level: 'MUST' },
  /** §2.3.1.1: "messages arriving after that time will have a UID greater than or equal to that value" (UIDNEXT). */
  uidNextLowerBound: { rule: 'uidnext.lower-bound', ref: rfc3501('2.3.1.1'), level: 'MUST' },
  /** §2.3.1.1: "the next unique identifier value MUST NOT change unless new messages are added to the mailbox". */
  uidNextStable: { rule: 'uidnext.stable', ref: rfc3501('2.3.1.1'), level: 'MUST' },
  /** §2.3.1.1: it "MUST change whenever new messages are added to the mailbox, even if those new messages are subsequently expunged" — and, being the UID a new message would get, exceed every UID assigned. */
  uidNextAdvances: { rule: 'uidnext.advances', ref: rfc3501('2.3.1.1'), level: 'MUST' },
  /** RFC 4315 §3 APPENDUID: "Followed by the UIDVALIDITY of the destination mailbox and the UID assigned to the appended message". */
  appendUidValidity: { rule: 'appenduid.uidvalidity', ref: rfc4315('3'), level: 'MUST' },
  /** §7.3.1: "The EXISTS response reports the number of messages in the mailbox." */
  existsCount: { rule: 'exists.count', ref: rfc3501('7.3.1'), level: 'MUST' },
  /** §5.2: "A server MUST send mailbox size updates automatically if a mailbox size change is observed during the processing of a command." (checked after APPEND and a NOOP) */
  existsAfterAppend: { rule: 'exists.after-append', ref: rfc3501('5.2'), level: 'MUST' },
  /**
   * §5.2, the same sentence, for a message another session appended: NOOP is the poll (§6.1.2: it
   * "can be used as a periodic poll for new messages or message status updates during a period of
   * inactivity"), so a size change made before it is observed during it. Not after other commands,
   * nor after CHECK (§6.4.1: "There is no guarantee that an EXISTS untagged response will happen as a
   * result of CHECK."); nor are another session's expunges owed then: §7.4.1 only says when they may come.
   */
  existsOnPoll: { rule: 'exists.noop-poll', ref: rfc3501('5.2'), level: 'MUST' },
  /** §6.3.1: "Before returning an OK to the client, the server MUST send the following untagged data" (EXISTS, UIDVALIDITY, …). */
  selectRequiredData: { rule: 'select.required-data', ref: rfc3501('6.3.1'), level: 'MUST' },
  /** §6.3.1 OK [UNSEEN <n>]: "The message sequence number of the first unseen message in the mailbox." */
  selectUnseen: { rule: 'select.unseen', ref: rfc3501('6.3.1'), level: 'MUST' },
  /** §6.3.2: "The text of the tagged OK response to the EXAMINE command MUST begin with the "[READ-ONLY]" response code." */
  examineReadOnly: { rule: 'examine.read-only', ref: rfc3501('6.3.2'), level: 'MUST' },
  /**
   * §2.3.2: "A flag is set by its addition to this list, and is cleared by its removal." — every FLAGS
   * the server shows is the model's; with two sessions, except for messages the other session changed
   * since this one's last NOOP (§5.2: flag updates are only a SHOULD).
   */
  flagsValue: { rule: 'flags.value', ref: rfc3501('2.3.2'), level: 'MUST' },
  /** §6.4.6: "The new value of the flags is returned as if a FETCH of those flags was done." */
  storeFlags: { rule: 'store.flags', ref: rfc3501('6.4.6'), level: 'MUST' },
  /** §6.3.11: "If a flag parenthesized list is specified, the flags SHOULD be set in the resulting message". */
  appendFlags: { rule: 'append.flags', ref: rfc3501('6.3.11'), level: 'SHOULD' },
  /** §6.3.11: "otherwise, the flag list of the resulting message is set to empty by default." */
  appendNoFlags: { rule: 'append.flags-empty', ref: rfc3501('6.3.11'), level: 'MUST' },
  /** §6.3.11: "If a date-time is specified, the internal date SHOULD be set in the resulting message". */
  appendDate: { rule: 'append.internaldate', ref: rfc3501('6.3.11'), level: 'SHOULD' },
  /** §6.3.11: "The APPEND command appends the literal argument as a new message"; §6.4.5 BODY[]: "An empty section specification refers to the entire message, including the header." */
  fetchBodyExact: { rule: 'fetch.body-exact', ref: rfc3501('6.3.11'), level: 'MUST' },
  /** §2.3.4: RFC822.SIZE is "The number of octets in the message". */
  fetchSize: { rule: 'fetch.rfc822-size', ref: rfc3501('2.3.4'), level: 'MUST' },
  /** §6.4.5: static data items "MUST NOT change for any particular message". */
  fetchStatic: { rule: 'fetch.static', ref: rfc3501('6.4.5'), level: 'MUST' },
  /** §6.4.5: "The FETCH command retrieves data associated with a message in the mailbox." — every item asked for, for every message in the set. */
  fetchMissing: { rule: 'fetch.data-missing', ref: rfc3501('6.4.5'), level: 'MUST' },
  /** §6.4.8: "server implementations MUST implicitly include the UID message data item as part of any FETCH response caused by a UID command". */
  uidCommandFetchUid: { rule: 'uid-command.fetch-uid', ref: rfc3501('6.4.8'), level: 'MUST' },
  /** §6.4.4: "Responses: REQUIRED untagged response: SEARCH". */
  searchResponse: { rule: 'search.response-required', ref: rfc3501('6.4.4'), level: 'MUST' },
  /** §6.4.4: the SEARCH response "contains a listing of message sequence numbers corresponding to those messages that match the searching criteria" (UIDs for UID SEARCH, §6.4.8). */
  searchResult: { rule: 'search.result', ref: rfc3501('6.4.4'), level: 'MUST' },
  /** §6.4.3: EXPUNGE "permanently removes all messages that have the \Deleted flag set" — those, and no others. */
  expungeOnlyDeleted: { rule: 'expunge.only-deleted', ref: rfc3501('6.4.3'), level: 'MUST' },
  /** §6.4.3: "Before returning an OK to the client, an untagged EXPUNGE response is sent for each message that is removed." */
  expungeAllDeleted: { rule: 'expunge.all-deleted', ref: rfc3501('6.4.3'), level: 'MUST' },
  /** §6.4.3 and §6.4.2: only EXPUNGE and CLOSE remove messages; the only agents using this mailbox are the run's own sessions. */
  expungeUnrequested: { rule: 'expunge.unrequested', ref: rfc3501('6.4.3'), level: 'MUST' },
  /** §6.4.2: CLOSE "permanently removes all messages that have the \Deleted flag set". */
  closeExpunges: { rule: 'close.expunges-deleted', ref: rfc3501('6.4.2'), level: 'MUST' },
  /** §6.4.2: "No untagged EXPUNGE responses are sent." */
  closeSilent: { rule: 'close.no-expunge-responses', ref: rfc3501('6.4.2'), level: 'MUST' },
  /** §6.4.2: "No messages are removed, and no error is given, if the mailbox is selected by an EXAMINE command". */
  closeReadOnly: { rule: 'close.read-only-keeps', ref: rfc3501('6.4.2'), level: 'MUST' },
  /** §6.4.7: "The COPY command copies the specified message(s) to the end of the specified destination mailbox." */
  copyMessages: { rule: 'copy.messages', ref: rfc3501('6.4.7'), level: 'MUST' },
  /** A valid command on a mailbox the tool created was refused (NO/BAD): the RFC allows NO, but the model cannot follow. */
  commandRefused: { rule: 'command.refused', ref: rfc3501('7.1'), level: 'SHOULD' },
} as const satisfies Record<string, ImapRule>;

/** One way the server's answer differs from the model: the rule, and expected vs received in words. */
export interface ImapModelDiscrepancy {
  readonly rule: ImapRule;
  readonly message: string;
  readonly expected: string;
  readonly received: string;
}

export function discrepancy(rule: ImapRule, message: string, expected: string, received: string): ImapModelDiscrepancy {
  return { rule, message, expected, received };
}
