import type fc from 'fast-check';
import { sessionReal, sessionSide, type ImapModelCommand } from './imap-model-command.js';
import type { ImapModelReals, ImapModelState } from './imap-model-real.js';

/** How transcripts and counterexamples name the sessions of a several-session run. */
export const SESSION_NAMES = ['A', 'B'] as const;

export function sessionName(session: number): string {
  return SESSION_NAMES[session] ?? String(session + 1);
}

/** A model command run in one of the run's sessions; shown as "B: FETCH 1 (FLAGS)". */
export class InSession<M extends ImapModelState> implements fc.AsyncCommand<M, ImapModelReals> {
  constructor(
    readonly session: number,
    readonly command: ImapModelCommand<M>,
  ) {}

  check(model: M): boolean {
    return this.command.checkIn(sessionSide(model, this.session));
  }

  run(model: M, reals: ImapModelReals): Promise<void> {
    return this.command.runIn(sessionSide(model, this.session), sessionReal(reals, this.session), this.toString());
  }

  toString(): string {
    return `${sessionName(this.session)}: ${this.command.toString()}`;
  }
}
