import type { ImapMailboxModel } from '../../model/imap-mailbox.js';
import { highestLiteral, usesStar, type ImapSequenceSet } from '../../model/imap-sequence-set.js';

/**
 * Whether a set can be sent as is. Message numbers must exist (RFC 3501 names no answer for
 * others), so the mailbox must hold at least the highest one. UIDs that do not exist are "ignored
 * without any error" (§6.4.8); only "*" needs a message, since in an empty mailbox it means UIDNEXT
 * (§9 seq-number), which the model need not know.
 */
export function validSetFor(box: Readonly<ImapMailboxModel>, uid: boolean, set: ImapSequenceSet): boolean {
  if (uid) return box.count > 0 || !usesStar(set);
  return box.count > 0 && highestLiteral(set) <= box.count;
}
