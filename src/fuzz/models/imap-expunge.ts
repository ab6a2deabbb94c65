import fc from 'fast-check';
import { IMAP_MODEL_RULES, discrepancy } from '../../model/imap-model-rules.js';
import { ImapModelCommand, type ImapSessionSide } from './imap-model-command.js';
import type { ImapModelReal } from './imap-model-real.js';
import { observeUntagged } from './imap-observe.js';

/**
 * EXPUNGE (§6.4.3): an untagged EXPUNGE for each removed message, each naming a \Deleted one in
 * the numbering of the moment (§7.4.1), and by the tagged OK none with \Deleted is left — of those
 * this session knows to have it (ImapSessionView.owedExpunges). With other sessions, only when every
 * session was told of every \Deleted message: whether a session ever hears of a message appended
 * and expunged in between is not something RFC 3501 settles.
 */
export class ExpungeCommand extends ImapModelCommand {
  checkIn({ model }: ImapSessionSide): boolean {
    const deleted = model.mailbox.messages.filter((m) => m.flags.has('\\Deleted'));
    return !model.mailbox.readOnly && model.views.every((view) => deleted.every((m) => view.seqOf(m) !== undefined));
  }

  toString(): string {
    return 'EXPUNGE';
  }

  protected async execute({ view }: ImapSessionSide, real: ImapModelReal): Promise<void> {
    const result = await real.sendOk('EXPUNGE');
    real.check(observeUntagged(view, result.untagged, { expunges: true }).problem);
    const left = view.owedExpunges();
    if (left.length > 0) {
      real.fail(discrepancy(IMAP_MODEL_RULES.expungeAllDeleted, `EXPUNGE completed, and ${view.describeDeleted(left)} still carry \\Deleted with no EXPUNGE response`, 'an EXPUNGE response for each', 'none for those'));
    }
  }
}

/**
 * NOOP (§6.1.2), or CHECK (§6.4.1, the same without housekeeping): whatever comes must agree with
 * the model. NOOP is the poll: by its OK every message another session appended must have been
 * announced (§5.2), and the flags other sessions stored are settled in this one.
 */
export class NoopCommand extends ImapModelCommand {
  constructor(readonly verb: 'NOOP' | 'CHECK' = 'NOOP') {
    super();
  }

  checkIn(): boolean {
    return true;
  }

  toString(): string {
    return this.verb;
  }

  protected async execute({ view }: ImapSessionSide, real: ImapModelReal): Promise<void> {
    const result = await real.sendOk(this.verb);
    const { observed, problem } = observeUntagged(view, result.untagged);
    real.check(problem);
    if (this.verb !== 'NOOP') return;
    const missed = view.unannounced();
    if (missed.length > 0) {
      const exists = view.count + missed.length;
      real.fail(discrepancy(IMAP_MODEL_RULES.existsOnPoll, `NOOP completed without announcing ${missed.length} message(s) (UID ${missed.map((m) => m.uid).join(', ')}) the other session appended before it`, `* ${exists} EXISTS`, observed.exists === undefined ? 'no EXISTS' : `* ${observed.exists} EXISTS`));
    }
    view.polled();
  }
}

export const expungeArbitrary: fc.Arbitrary<ExpungeCommand> = fc.constant(new ExpungeCommand());
export const noopArbitrary: fc.Arbitrary<NoopCommand> = fc.constant(new NoopCommand());
export const checkArbitrary: fc.Arbitrary<NoopCommand> = fc.constant(new NoopCommand('CHECK'));
