import { rfc3501 } from '../../protocol/imap/imap-rule.js';
import { executedCommands } from '../models/executed-commands.js';
import type { FuzzProperty } from '../fuzz-property.js';
import { AppendCommand } from '../models/imap-append.js';
import { NoopCommand } from '../models/imap-expunge.js';
import { SESSION_NAMES } from '../models/imap-in-session.js';
import { sessionReal, sessionSide } from '../models/imap-model-command.js';
import { createSharedModel, type ImapModelReals, type ImapModelState } from '../models/imap-model-real.js';
import { modelCommandsArbitrary, needsAccount, runImapModel, type ImapModelRunCommands } from '../models/imap-model-run.js';
import type { ModelRunLayout } from '../models/imap-model-session.js';
import { twoSessionCommandArbitrary } from '../models/imap-two-session-commands.js';
import { removeNamespaceMailboxes } from '../imap-namespace-cleanup.js';

/** Sessions A and B, logged in to the same account; no COPY destination. */
const TWO_SESSIONS: ModelRunLayout = { sessions: SESSION_NAMES, copyMailbox: false };

/**
 * Messages every run starts with, appended by A and polled by B: without them most of a run's
 * first commands would name messages that do not exist yet, and be dropped. The second is
 * \Deleted, so that an EXPUNGE in either session has something to remove for the other to hear of.
 */
const SEED_MESSAGES: ReadonlyArray<{ readonly flags: readonly string[]; readonly text: Buffer }> = [[], ['\\Deleted']].map((flags, i) => ({
  flags,
  text: Buffer.from(`From: seed@mailconform.test\r\nSubject: seed ${i + 1}\r\n\r\nseed message ${i + 1}\r\n`, 'latin1'),
}));

/**
 * Model-based fuzzing of one mailbox selected in two sessions at once: APPEND, STORE, FETCH, SEARCH,
 * EXPUNGE, NOOP and CHECK, each in session A or B. Each session keeps its own message numbering
 * (src/model/imap-session-view.ts), and only what RFC 3501 requires is checked of what one session
 * learns of the other's changes: no EXPUNGE during FETCH, STORE or SEARCH (§7.4.1), the other's new
 * messages announced by NOOP (§5.2), FETCH and SEARCH right in the session's own numbering, UIDs
 * never reused, UIDVALIDITY the same for both; flags only once the session polled.
 */
export const imapTwoSessionModel: FuzzProperty<ImapModelRunCommands<ImapModelState>> = {
  name: 'imap.two-session-model',
  protocol: 'imap',
  summary: 'two sessions on one mailbox each keep their own message numbering: no EXPUNGE during FETCH, STORE or SEARCH, the other session\'s messages announced by NOOP, UIDs never reused',
  ref: rfc3501('7.4.1'),
  level: 'MUST',
  unavailableReason: needsAccount,
  arbitrary: (settings, replay) => modelCommandsArbitrary(twoSessionCommandArbitrary(), settings, replay),
  run(commands, settings, stats) {
    const model = createSharedModel(TWO_SESSIONS.sessions.length);
    const prepare = async (reals: ImapModelReals): Promise<void> => {
      for (const { text, flags } of SEED_MESSAGES) await new AppendCommand(text, flags, undefined).runAsSetup(sessionSide(model, 0), sessionReal(reals, 0));
      await new NoopCommand().runAsSetup(sessionSide(model, 1), sessionReal(reals, 1));
    };
    return runImapModel(commands, model, { settings, stats, layout: TWO_SESSIONS, prepare });
  },
  describeInput: executedCommands,
  cleanUp: removeNamespaceMailboxes,
};
