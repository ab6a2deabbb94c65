import { rfc3501 } from '../../protocol/imap/imap-rule.js';
import { executedCommands } from '../models/executed-commands.js';
import type { FuzzProperty } from '../fuzz-property.js';
import { imapModelCommandArbitrary } from '../models/imap-commands.js';
import { checkCopyTarget } from '../models/imap-copy.js';
import { sessionReal, sessionSide } from '../models/imap-model-command.js';
import type { ImapModelReals, ImapSessionModel } from '../models/imap-model-real.js';
import { createSessionModel } from '../models/imap-model-real.js';
import { modelCommandsArbitrary, needsAccount, runImapModel, type ImapModelRunCommands } from '../models/imap-model-run.js';
import { ONE_SESSION } from '../models/imap-model-session.js';
import { removeNamespaceMailboxes } from '../imap-namespace-cleanup.js';

/** A run's input: the commands fast-check generated (and wrapped, to know which ran). */
export type ImapModelCommands = ImapModelRunCommands<ImapSessionModel>;

/**
 * Model-based state fuzzing of one IMAP mailbox: random sequences of APPEND, STORE, FETCH, SEARCH,
 * EXPUNGE, COPY, SELECT/EXAMINE, CLOSE and NOOP, each answer compared with what RFC 3501 makes the
 * mailbox (src/model/imap-mailbox.ts). Each run logs in, creates fresh mailboxes under the
 * namespace, and deletes them at the end, failure or not.
 */
export const imapMailboxModel: FuzzProperty<ImapModelCommands> = {
  name: 'imap.mailbox-model',
  protocol: 'imap',
  summary: 'a mailbox keeps the state RFC 3501 defines: UIDs ascending and stable, flags as stored, messages byte-exact, SEARCH, EXPUNGE and CLOSE as specified',
  ref: rfc3501('2.3'),
  level: 'MUST',
  unavailableReason: needsAccount,
  arbitrary: (settings, replay) => modelCommandsArbitrary(imapModelCommandArbitrary(), settings, replay),
  run(commands, settings, stats) {
    const model = createSessionModel();
    // The COPY destination starts empty, as STATUS must show.
    const prepare = (reals: ImapModelReals): Promise<void> => checkCopyTarget(sessionSide(model, 0), sessionReal(reals, 0));
    return runImapModel(commands, model, { settings, stats, layout: ONE_SESSION, prepare });
  },
  describeInput: executedCommands,
  cleanUp: removeNamespaceMailboxes,
};
