import type fc from 'fast-check';
import type { ImapModelReal, ImapSessionModel } from './imap-model-real.js';

/**
 * One IMAP command of the mailbox model, in fast-check's ICommand shape: `check` says whether it
 * makes sense in the model's state (without changing it), `run` sends it, compares the answer with
 * the model and updates the model, `toString` is what the counterexample shows. Everything a
 * command does follows from its generated parameters: no clock, no randomness.
 */
export abstract class ImapModelCommand implements fc.AsyncCommand<ImapSessionModel, ImapModelReal> {
  abstract check(model: Readonly<ImapSessionModel>): boolean;
  abstract toString(): string;
  protected abstract execute(model: ImapSessionModel, real: ImapModelReal): Promise<void>;

  async run(model: ImapSessionModel, real: ImapModelReal): Promise<void> {
    real.stats.commands++;
    real.current = this.toString();
    await this.execute(model, real);
  }
}
