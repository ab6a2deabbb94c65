import type { ImapClient, ImapCommandResult } from '../../protocol/imap/client.js';
import type { ImapModelDiscrepancy } from '../../model/imap-model-rules.js';
import { ImapMailboxModel } from '../../model/imap-mailbox.js';
import { ImapSessionView } from '../../model/imap-session-view.js';
import { UidNextTracker } from '../../model/imap-uid-next.js';
import type { WireLog } from '../../transport/wire-log.js';
import type { FuzzStats } from '../fuzz-property.js';
import { imapTransportFailure, imapViolationFailure, refusalFailure } from './imap-model-failure.js';
import { modelFailure, type RunLog } from './run-failure.js';

/**
 * What the model knows of the COPY destination: it is never selected, so only what STATUS shows
 * (§6.3.10): how many messages, UIDNEXT and UIDVALIDITY.
 */
export interface ImapCopyTargetModel {
  messages: number;
  readonly uidNext: UidNextTracker;
  uidValidity: number | undefined;
}

/** The model side of a run: the mailbox as it is, and what each session (connection) has been told of it. */
export interface ImapModelState {
  readonly mailbox: ImapMailboxModel;
  /** One per session, in session order (the real side's order too). */
  readonly views: readonly ImapSessionView[];
}

/** The one-session model: one view, and the COPY destination. */
export interface ImapSessionModel extends ImapModelState {
  readonly copyTarget: ImapCopyTargetModel;
}

export function createSessionModel(): ImapSessionModel {
  const mailbox = new ImapMailboxModel();
  return { mailbox, views: [new ImapSessionView(mailbox)], copyTarget: { messages: 0, uidNext: new UidNextTracker(), uidValidity: undefined } };
}

/** A model of `sessions` connections sharing one mailbox (no COPY destination). */
export function createSharedModel(sessions: number): ImapModelState {
  const mailbox = new ImapMailboxModel();
  return { mailbox, views: Array.from({ length: sessions }, () => new ImapSessionView(mailbox)) };
}

/**
 * The real side of one session: a logged-in connection with the run's mailbox selected. `send` is
 * the only way commands reach the server, so every answer is checked for violations and every
 * transport failure becomes a finding with the run's transcript (every session's).
 */
export class ImapModelReal {
  /** The model command being run, for failure messages. */
  current = '(setup)';

  constructor(
    readonly client: ImapClient,
    /** This connection's wire log. */
    readonly log: WireLog,
    /** The mailbox the model describes (selected), and the COPY destination if the run has one; under the namespace. */
    readonly mailbox: string,
    readonly copyMailbox: string | undefined,
    readonly stats: FuzzStats,
    /** What a finding's transcript shows: this connection, or all of the run's. */
    readonly transcript: RunLog = log,
  ) {}

  /** Sends one command; violations and transport failures end the run as findings. */
  async send(command: string, literals: readonly Buffer[] = []): Promise<ImapCommandResult> {
    let result: ImapCommandResult;
    try {
      result = await this.client.command(command, literals);
    } catch (err) {
      throw imapTransportFailure(err, this.current, this.transcript);
    }
    const malformed = imapViolationFailure(result.violations, this.current, this.transcript);
    if (malformed) throw malformed;
    return result;
  }

  /** Like send, and the command must complete OK (it is valid on the tool's own mailbox). */
  async sendOk(command: string, literals: readonly Buffer[] = []): Promise<ImapCommandResult> {
    const result = await this.send(command, literals);
    if (result.tagged.status !== 'OK') throw refusalFailure(result, this.current, this.transcript);
    return result;
  }

  /** Ends the run with this discrepancy as a 'model' finding. */
  fail(found: ImapModelDiscrepancy): never {
    throw modelFailure(found, this.transcript, this.current);
  }

  /** Throws the first discrepancy as a 'model' finding. */
  check(...found: Array<ImapModelDiscrepancy | undefined>): void {
    const first = found.find((d): d is ImapModelDiscrepancy => d !== undefined);
    if (first) throw modelFailure(first, this.transcript, this.current);
  }
}

/** The real side of a run: one ImapModelReal per session, in the model's view order. */
export type ImapModelReals = readonly ImapModelReal[];
