import fc from 'fast-check';
import { appendArbitrary } from './imap-append.js';
import { seqSetArbitraryUpTo, uidSetArbitrary } from './imap-arbitraries.js';
import { checkArbitrary, expungeArbitrary, noopArbitrary } from './imap-expunge.js';
import { fetchArbitraryOver } from './imap-fetch.js';
import { InSession, SESSION_NAMES } from './imap-in-session.js';
import type { ImapModelCommand } from './imap-model-command.js';
import type { ImapModelState } from './imap-model-real.js';
import { searchArbitrary } from './imap-search.js';
import { StoreCommand, storeArbitraryOver } from './imap-store.js';

/** Message numbers 1 and 2 only: a session's view is often smaller than the mailbox, and sets beyond it are dropped. */
const SMALL_SEQ_SET = seqSetArbitraryUpTo(2);

/** STORE +FLAGS (\Deleted): what makes EXPUNGE remove something, so the other session has an expunge to be told of. */
const markDeletedArbitrary: fc.Arbitrary<StoreCommand> = fc
  .record({ uid: fc.boolean(), seqSet: SMALL_SEQ_SET, uidSet: uidSetArbitrary, silent: fc.boolean() })
  .map(({ uid, seqSet, uidSet, silent }) => new StoreCommand(uid, uid ? uidSet : seqSet, 'add', silent, ['\\Deleted']));

/**
 * The commands of the two-session model, weighted so runs fill the mailbox and then change it in
 * one session while the other reads and polls: NOOP is frequent, as it is what makes the other
 * session's changes owed (§5.2) and its flags settled, and \Deleted and EXPUNGE are, as an expunge
 * reaching the other session is what §7.4.1 is about. No SELECT, CLOSE or COPY: they are the
 * one-session model's, and CLOSE's silent expunge would leave the other session's view open.
 */
export const IMAP_TWO_SESSION_COMMANDS: ReadonlyArray<{ readonly weight: number; readonly arbitrary: fc.Arbitrary<ImapModelCommand> }> = [
  { weight: 4, arbitrary: appendArbitrary },
  { weight: 2, arbitrary: storeArbitraryOver(SMALL_SEQ_SET) },
  { weight: 3, arbitrary: markDeletedArbitrary },
  { weight: 4, arbitrary: fetchArbitraryOver(SMALL_SEQ_SET) },
  { weight: 3, arbitrary: searchArbitrary },
  { weight: 3, arbitrary: expungeArbitrary },
  { weight: 4, arbitrary: noopArbitrary },
  { weight: 2, arbitrary: checkArbitrary },
];

/** One command in session A or B (shrinking towards A). */
export function twoSessionCommandArbitrary(): fc.Arbitrary<InSession<ImapModelState>> {
  return fc
    .tuple(fc.integer({ min: 0, max: SESSION_NAMES.length - 1 }), fc.oneof(...IMAP_TWO_SESSION_COMMANDS))
    .map(([session, command]) => new InSession(session, command));
}
