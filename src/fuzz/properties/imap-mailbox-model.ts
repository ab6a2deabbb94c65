import fc from 'fast-check';
import { rfc3501 } from '../../protocol/imap/imap-rule.js';
import { FuzzFailure } from '../fuzz-failure.js';
import { executedCommands } from '../models/executed-commands.js';
import type { FuzzProperty, FuzzSettings, FuzzStats } from '../fuzz-property.js';
import { imapModelCommandArbitrary } from '../models/imap-commands.js';
import { checkCopyTarget } from '../models/imap-copy.js';
import type { ImapModelReal, ImapSessionModel } from '../models/imap-model-real.js';
import { createSessionModel } from '../models/imap-model-real.js';
import { closeModelSession, openModelSession } from '../models/imap-model-session.js';
import { openMailbox } from '../models/imap-select.js';

/** A run's input: the commands fast-check generated (and wrapped, to know which ran). */
export type ImapModelCommands = Iterable<fc.AsyncCommand<ImapSessionModel, ImapModelReal>>;

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
  unavailableReason(settings) {
    return settings.user === undefined || settings.password === undefined ? 'needs an account to create its mailboxes: give --user and a password' : undefined;
  },
  arbitrary(settings, replay) {
    // size 'max': lengths spread up to maxCommands (fast-check's default size stops near 10), as each run's set-up costs more than its commands.
    const replayPath = replay?.replayPath !== undefined ? { replayPath: replay.replayPath } : {};
    return fc.commands([imapModelCommandArbitrary()], { maxCommands: settings.maxCommands, size: 'max', ...replayPath });
  },
  run: runMailboxModel,
  describeInput: executedCommands,
};

async function runMailboxModel(commands: ImapModelCommands, settings: FuzzSettings, stats: FuzzStats): Promise<void> {
  const real = await openModelSession(settings, stats);
  let reuse = true;
  try {
    const model = createSessionModel();
    await openMailbox(model, real, false);
    await checkCopyTarget(model, real);
    await fc.asyncModelRun(() => ({ model, real }), commands);
  } catch (err) {
    reuse = !(err instanceof FuzzFailure) || (err.evidence.kind !== 'hang' && err.evidence.kind !== 'reset');
    throw err;
  } finally {
    await closeModelSession(real, settings, reuse);
  }
}
