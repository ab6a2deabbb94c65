import type { ImapSessionView } from '../../model/imap-session-view.js';
import { highestLiteral, sequenceSetHas, usesStar, type ImapSequenceSet } from '../../model/imap-sequence-set.js';

/**
 * Whether a FETCH, STORE or COPY set can be sent as is in this session. Message numbers must exist
 * (RFC 3501 names no answer for others), so the view must hold at least the highest one. UIDs that
 * do not exist are "ignored without any error" (§6.4.8); only "*" needs a message, since in an empty
 * mailbox it means UIDNEXT (§9 seq-number), which the model need not know.
 *
 * With other sessions, a set must not reach what RFC 3501 leaves open: a message another session
 * expunged and this one was not told of (RFC 3501 does not say what FETCH or STORE of it does), one
 * it was not yet told of, or "*" while the view is not the mailbox (the server may count either way).
 */
export function validSetFor(view: ImapSessionView, uid: boolean, set: ImapSequenceSet): boolean {
  if (usesStar(set) && !view.settled) return false;
  if (uid) {
    if (view.count === 0 && usesStar(set)) return false;
    if (view.unannounced().some((m) => sequenceSetHas(set, m.uid, view.highestUid))) return false;
  } else if (view.count === 0 || highestLiteral(set) > view.count) return false;
  const named = uid ? view.resolveUidSet(set) : view.resolveSeqSet(set);
  return named.every((seq) => {
    const message = view.at(seq);
    return message !== undefined && !view.isRemoved(message);
  });
}

/**
 * Whether a set inside a SEARCH key can be sent: its message numbers must exist. "*", and message
 * numbers in a UID SEARCH — which may carry EXPUNGE responses that renumber (§7.4.1 "An EXPUNGE
 * response MAY be sent during a UID command") — need the view to be the mailbox.
 */
export function validSearchSetFor(view: ImapSessionView, uidSearch: boolean, kind: 'seq' | 'uid', set: ImapSequenceSet): boolean {
  if ((usesStar(set) || (uidSearch && kind === 'seq')) && !view.settled) return false;
  if (kind === 'uid') return view.count > 0 || !usesStar(set);
  return view.count > 0 && highestLiteral(set) <= view.count;
}
