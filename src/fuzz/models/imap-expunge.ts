import fc from 'fast-check';
import { IMAP_MODEL_RULES, discrepancy } from '../../model/imap-model-rules.js';
import { ImapModelCommand } from './imap-model-command.js';
import type { ImapModelReal, ImapSessionModel } from './imap-model-real.js';
import { observeUntagged } from './imap-observe.js';

/**
 * EXPUNGE (§6.4.3): an untagged EXPUNGE for each removed message, each naming a \Deleted one in
 * the numbering of the moment (§7.4.1), and by the tagged OK none with \Deleted is left.
 */
export class ExpungeCommand extends ImapModelCommand {
  check(model: Readonly<ImapSessionModel>): boolean {
    return !model.mailbox.readOnly;
  }

  toString(): string {
    return 'EXPUNGE';
  }

  protected async execute(model: ImapSessionModel, real: ImapModelReal): Promise<void> {
    const box = model.mailbox;
    const result = await real.sendOk('EXPUNGE');
    real.check(observeUntagged(box, result.untagged, { expunges: true }).problem);
    if (box.deletedSeqs().length > 0) {
      real.fail(discrepancy(IMAP_MODEL_RULES.expungeAllDeleted, `EXPUNGE completed, and ${box.describeDeleted()} still carry \\Deleted with no EXPUNGE response`, 'an EXPUNGE response for each', 'none for those'));
    }
  }
}

/** NOOP (§6.1.2): nothing changed, so whatever comes must agree with the model. */
export class NoopCommand extends ImapModelCommand {
  check(): boolean {
    return true;
  }

  toString(): string {
    return 'NOOP';
  }

  protected async execute(model: ImapSessionModel, real: ImapModelReal): Promise<void> {
    const result = await real.sendOk('NOOP');
    real.check(observeUntagged(model.mailbox, result.untagged).problem);
  }
}

export const expungeArbitrary: fc.Arbitrary<ExpungeCommand> = fc.constant(new ExpungeCommand());
export const noopArbitrary: fc.Arbitrary<NoopCommand> = fc.constant(new NoopCommand());
