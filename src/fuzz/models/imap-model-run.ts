import fc from 'fast-check';
import { FuzzFailure } from '../fuzz-failure.js';
import type { ArbitraryReplay, FuzzSettings, FuzzStats } from '../fuzz-property.js';
import { sessionSide } from './imap-model-command.js';
import type { ImapModelReal, ImapModelReals, ImapModelState } from './imap-model-real.js';
import { closeModelSessions, openModelSessions, type ModelRunLayout } from './imap-model-session.js';
import { openMailbox } from './imap-select.js';

/** A model run's input: the commands fast-check generated (and wrapped, to know which ran). */
export type ImapModelRunCommands<M extends ImapModelState> = Iterable<fc.AsyncCommand<M, ImapModelReals>>;

/** Why a mailbox model cannot run against these settings: it needs an account to create its mailboxes. */
export function needsAccount(settings: FuzzSettings): string | undefined {
  return settings.user === undefined || settings.password === undefined ? 'needs an account to create its mailboxes: give --user and a password' : undefined;
}

/** Command lists of up to settings.maxCommands, replayable from a replayPath. */
export function modelCommandsArbitrary<M extends ImapModelState>(command: fc.Arbitrary<fc.AsyncCommand<M, ImapModelReals>>, settings: FuzzSettings, replay?: ArbitraryReplay): fc.Arbitrary<ImapModelRunCommands<M>> {
  // size 'max': lengths spread up to maxCommands (fast-check's default size stops near 10), as each run's set-up costs more than its commands.
  const replayPath = replay?.replayPath !== undefined ? { replayPath: replay.replayPath } : {};
  return fc.commands([command], { maxCommands: settings.maxCommands, size: 'max', ...replayPath });
}

/**
 * One model run: opens the layout's sessions (fresh mailboxes under the namespace), selects the
 * mailbox in each, lets `prepare` check what else the model starts from, runs the commands, and
 * deletes the mailboxes at the end, failure or not.
 */
export async function runImapModel<M extends ImapModelState>(
  commands: ImapModelRunCommands<M>,
  model: M,
  run: { readonly settings: FuzzSettings; readonly stats: FuzzStats; readonly layout: ModelRunLayout; readonly prepare?: (reals: ImapModelReals) => Promise<void> },
): Promise<void> {
  const reals: readonly ImapModelReal[] = await openModelSessions(run.settings, run.stats, run.layout);
  let reuse = true;
  try {
    for (const [session, real] of reals.entries()) await openMailbox(sessionSide(model, session), real, false);
    await run.prepare?.(reals);
    await fc.asyncModelRun(() => ({ model, real: reals }), commands);
  } catch (err) {
    reuse = !(err instanceof FuzzFailure) || (err.evidence.kind !== 'hang' && err.evidence.kind !== 'reset');
    throw err;
  } finally {
    await closeModelSessions(reals, run.settings, reuse);
  }
}
