import type fc from 'fast-check';
import type { ImapSessionView } from '../../model/imap-session-view.js';
import type { ImapModelReal, ImapModelReals, ImapModelState } from './imap-model-real.js';

/** What a command works on: the model, the view of the session it runs in, and the other sessions' views. */
export interface ImapSessionSide<M extends ImapModelState = ImapModelState> {
  readonly model: M;
  readonly view: ImapSessionView;
  /** Empty in the one-session model. */
  readonly others: readonly ImapSessionView[];
}

export function sessionSide<M extends ImapModelState>(model: M, session: number): ImapSessionSide<M> {
  const view = model.views[session];
  if (!view) throw new Error(`the model has no session ${session}`);
  return { model, view, others: model.views.filter((v) => v !== view) };
}

export function sessionReal(reals: ImapModelReals, session: number): ImapModelReal {
  const real = reals[session];
  if (!real) throw new Error(`the run has no session ${session}`);
  return real;
}

/**
 * One IMAP command of the mailbox model, in fast-check's ICommand shape: `check` says whether it
 * makes sense in the model's state (without changing it), `run` sends it, compares the answer with
 * the model and updates the model, `toString` is what the counterexample shows. Everything a
 * command does follows from its generated parameters: no clock, no randomness.
 *
 * As a fast-check command it runs in the first session; InSession runs it in another one.
 */
export abstract class ImapModelCommand<M extends ImapModelState = ImapModelState> implements fc.AsyncCommand<M, ImapModelReals> {
  abstract checkIn(side: ImapSessionSide<M>): boolean;
  abstract toString(): string;
  protected abstract execute(side: ImapSessionSide<M>, real: ImapModelReal): Promise<void>;

  check(model: M): boolean {
    return this.checkIn(sessionSide(model, 0));
  }

  run(model: M, reals: ImapModelReals): Promise<void> {
    return this.runIn(sessionSide(model, 0), sessionReal(reals, 0), this.toString());
  }

  /** Runs in the session `side` and `real` name; `label` is how failures name the command. */
  async runIn(side: ImapSessionSide<M>, real: ImapModelReal, label: string): Promise<void> {
    real.stats.commands++;
    real.current = label;
    await this.execute(side, real);
  }

  /** Runs as part of a run's set-up: checked like any command, not counted as one. */
  async runAsSetup(side: ImapSessionSide<M>, real: ImapModelReal): Promise<void> {
    real.current = `(setup) ${this.toString()}`;
    await this.execute(side, real);
  }
}
