import { rfc1939, type Pop3Rule } from '../protocol/pop3/pop3-rule.js';

const must = (rule: string, section: string): Pop3Rule => ({ rule, ref: rfc1939(section), level: 'MUST' });

/**
 * What the maildrop model holds a POP3 server to, each rule with the RFC 1939 sentence behind it.
 * RFC 1939 predates RFC 2119: "required", "MUST" and the imperative descriptions of a command's
 * effect are read as MUST, what is only implied by examples as SHOULD.
 */
export const POP3_MODEL_RULES = {
  /** STAT "issues a positive response" (§5); NOOP "merely replies with a positive response" (§5); RSET "then replies with a positive response" (§5). */
  positive: must('model.positive-response', '5'),
  /**
   * Message-numbers run from 1 to n, assigned when the maildrop is opened (§4); a command naming
   * any other number can only get "-ERR no such message" (§5, §7).
   */
  noSuchMessage: must('model.no-such-message', '4'),
  /**
   * The argument "may NOT refer to a message marked as deleted" (§5 LIST, RETR, DELE; §7 TOP,
   * UIDL), and after DELE "Any future reference to the message-number ... generates an error" (§5).
   */
  deletedMessage: must('model.deleted-message', '5'),
  /**
   * A message that exists and is not marked as deleted: its refusal would be the false "-ERR no
   * such message" (§5, §7). TOP and UIDL are optional (§7); the model only asks for them when the
   * session showed the server supports them.
   */
  existingMessage: must('model.existing-message', '5'),
  /** "Note that messages marked as deleted are not counted in either total." (§5 STAT) */
  statCount: must('STAT.count-matches-model', '5'),
  /**
   * STAT gives "the size of the maildrop in octets" (§5); that this is the sum of the LIST sizes
   * is only implied (the §5 and §10 examples), hence SHOULD, as in the session ledger.
   */
  statSize: { rule: 'STAT.size-matches-LIST', ref: rfc1939('5'), level: 'SHOULD' },
  /**
   * LIST: "for each message in the maildrop ... a scan listing", "Note that messages marked as
   * deleted are not listed", and the listing carries "the exact size of the message" (§5): the
   * same for LIST and LIST n within a session, the maildrop being locked (§4).
   */
  listing: must('LIST.matches-model', '5'),
  /**
   * The unique-id "uniquely identifies a message within a maildrop and ... persists across
   * sessions. This persistence is required even if a session ends without entering the UPDATE
   * state." (§7) Identical copies may share one; the model's seeded messages differ from every
   * other message (their seed header), so theirs must be unique.
   */
  uidl: must('UIDL.matches-model', '7'),
  uidPersistent: must('UIDL.unique-id.persistent', '7'),
  uidUnique: must('UIDL.unique-id.unique', '7'),
  /**
   * "A scan listing consists of the message-number of the message, followed by a single space and
   * the exact size of the message in octets." (§5), counted as §11 says (each line end two
   * octets, stuffing dots not counted). "Exact" sits in the format all servers "are required to
   * use", and nothing softens it: MUST.
   */
  retrSize: must('RETR.size-matches-LIST', '5'),
  /**
   * RETR "sends the message corresponding to the given message-number, being careful to
   * byte-stuff the termination character" (§5): the body the run seeded comes back as seeded,
   * dot-lines included (headers may have been added on delivery), and the same within a session.
   */
  retrContent: must('RETR.content', '5'),
  /** TOP sends "the headers of the message, the blank line ... and then the number of lines of the indicated message's body" (§7). */
  top: must('TOP.matches-RETR', '7'),
  /**
   * QUIT: "The POP3 server removes all messages marked as deleted from the maildrop" (§6); only
   * its "-ERR some deleted messages not removed" lets some or none of them stay.
   */
  updateRemoves: must('UPDATE.removes-deleted', '6'),
  /**
   * "In no case may the server remove any messages not marked as deleted." (§6 QUIT) And a session
   * ended other than by QUIT "does NOT enter the UPDATE state and MUST not remove any messages" (§6).
   */
  updateKeeps: must('UPDATE.keeps-unmarked', '6'),
} as const satisfies Record<string, Pop3Rule>;

/** A rule the server broke, with what the model expected and what came. */
export interface Pop3Breach {
  readonly rule: Pop3Rule;
  /** One line: what the server did wrong. */
  readonly message: string;
  readonly expected: string;
  readonly received: string;
}

export function breach(rule: Pop3Rule, message: string, expected: string, received: string): Pop3Breach {
  return { rule, message, expected, received };
}
