import { isExpunge } from '../edits.js';
import type { Fault } from '../fault.js';
import { DROP, replace, rfc, stateless } from './common.js';
import { isCommandOf, isExists, raiseUidValidity, readFetchUid, replaceFetchUid } from './imap-edits.js';

/**
 * IMAP faults that need more than one unit to decide: what a connection remembers of the mailbox
 * it has selected (UIDs by number, how often it selected), and what one session sees of another's
 * changes. Each keeps its state in the closure of open(), so it is that connection's own.
 */

const SELECTING = ['SELECT', 'EXAMINE'];

/** Commands whose EXISTS reports this session's own doing: the selection itself, and its own additions to the mailbox. */
const OWN_SIZE_CHANGES = new Set([...SELECTING, 'APPEND', 'COPY', 'UID COPY', 'MOVE', 'UID MOVE']);

function uidNotAscending(): Fault {
  return {
    name: 'imap.uid-not-ascending',
    protocol: 'imap',
    ref: rfc(3501, '2.3.1.1'),
    level: 'MUST',
    summary: 'A FETCH response with UID for message n ≥ 2 carries the UID this connection last saw for message n−1, so a listing repeats a UID instead of ascending strictly.',
    detectedBy: ['imap.rfc3501.sel-fetch-uid', 'imap.rfc3501.multi-uid-stable-across-sessions'],
    open: () => {
      /** The server's UIDs by message number in the selected mailbox; forgotten when numbers may shift. */
      const uids = new Map<number, number>();
      return {
        client: (unit) => {
          if (isCommandOf(unit, ...SELECTING)) uids.clear();
          return undefined;
        },
        server: (unit) => {
          if (isExpunge(unit)) uids.clear();
          const fetched = readFetchUid(unit);
          if (!fetched) return undefined;
          uids.set(fetched.seq, fetched.uid);
          const previous = uids.get(fetched.seq - 1);
          return previous !== undefined && previous !== fetched.uid ? replace(replaceFetchUid(unit, previous)) : undefined;
        },
      };
    },
  };
}

function uidValidityChangesOnReselect(): Fault {
  return {
    name: 'imap.uidvalidity-changes-on-reselect',
    protocol: 'imap',
    ref: rfc(3501, '2.3.1.1'),
    level: 'MUST',
    // A new UIDVALIDITY tells the client every UID changed, which must not happen within a session.
    summary: 'The k-th SELECT or EXAMINE on a connection reports UIDVALIDITY k−1 higher than the server\'s, so re-selecting a mailbox announces new UIDs within the session.',
    detectedBy: ['imap.rfc3501.sel-reselect-keeps-uids'],
    open: () => {
      let selections = 0;
      return {
        client: (unit) => {
          if (isCommandOf(unit, ...SELECTING)) selections++;
          return undefined;
        },
        server: (unit) => (selections >= 2 && SELECTING.includes(unit.answers ?? '') ? replace(raiseUidValidity(unit, selections - 1)) : undefined),
      };
    },
  };
}

/** Stateless in the proxy, but about concurrency: the server's own EXISTS for another session's APPEND goes missing. */
const existsNotSentForOtherSessions: Fault = {
  name: 'imap.exists-not-sent-for-other-sessions',
  protocol: 'imap',
  ref: rfc(3501, '5.2'),
  level: 'MUST',
  summary: 'An "* n EXISTS" is sent only with SELECT, EXAMINE and this session\'s own APPEND, COPY or MOVE: messages another session adds are never announced.',
  detectedBy: ['imap.rfc3501.multi-append-exists-at-noop'],
  open: stateless({ server: (unit) => (isExists(unit) && !OWN_SIZE_CHANGES.has(unit.answers ?? '') ? DROP : undefined) }),
};

export const IMAP_SESSION_FAULTS: readonly Fault[] = [uidNotAscending(), uidValidityChangesOnReselect(), existsNotSentForOtherSessions];
