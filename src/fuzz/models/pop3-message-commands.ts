import type fc from 'fast-check';
import { inspectResponse } from '../../protocol/pop3/inspect-response.js';
import type { Pop3Response } from '../../protocol/pop3/pop3-response.js';
import type { Pop3MaildropModel, Pop3MessageRef } from '../../model/pop3-maildrop.js';
import type { Pop3MessageVerb, Pop3SessionModel, Pop3StatusIndicator } from '../../model/pop3-session-model.js';
import type { Pop3ModelReal } from './pop3-model-real.js';

/** A model command: fast-check's check / run / toString over the maildrop model and a live server. */
export type Pop3ModelCommand = fc.AsyncCommand<Pop3MaildropModel, Pop3ModelReal>;

export const formatRef = (ref: Pop3MessageRef): string => (ref.pool === 'absent' ? 'absent' : `${ref.pool}[${ref.index}]`);

const statusOf = (response: Pop3Response): Pop3StatusIndicator => (response.status === '+OK' ? '+OK' : '-ERR');

/**
 * A command naming one message (LIST n, UIDL n, RETR n, TOP n k, DELE n): resolves the reference
 * in the current session, sends the command, and holds the status to what the message's state
 * requires (-ERR for none or a deleted one, +OK for a live one). `onPositive` checks the body.
 */
abstract class MessageCommand implements Pop3ModelCommand {
  constructor(readonly ref: Pop3MessageRef) {}

  protected abstract readonly verb: Pop3MessageVerb;
  /** The command line; most are "VERB n". */
  protected line(msg: number): string {
    return `${this.verb} ${msg}`;
  }
  protected abstract onPositive(session: Pop3SessionModel, msg: number, response: Pop3Response, real: Pop3ModelReal): void;

  check(model: Readonly<Pop3MaildropModel>): boolean {
    return model.resolve(this.ref) !== undefined;
  }

  async run(model: Pop3MaildropModel, real: Pop3ModelReal): Promise<void> {
    const session = model.session!;
    const msg = model.resolve(this.ref)!;
    real.stats.commands++;
    const response = await real.send(this.line(msg));
    const status = statusOf(response);
    real.check([session.checkStatus(this.verb, msg, status)]);
    if (status === '+OK') this.onPositive(session, msg, response, real);
  }

  toString(): string {
    return `${this.verb} ${formatRef(this.ref)}`;
  }
}

/** LIST n: "+OK n size", the scan listing the session opened with (§5). */
export class ListOneCommand extends MessageCommand {
  protected readonly verb = 'LIST';
  protected onPositive(session: Pop3SessionModel, msg: number, response: Pop3Response, real: Pop3ModelReal): void {
    real.check(session.checkScanListings(inspectResponse(response, response.raw.bytes).scans ?? [], false, msg));
  }
}

/** UIDL n: "+OK n unique-id", the one the session opened with (§7). */
export class UidlOneCommand extends MessageCommand {
  protected readonly verb = 'UIDL';
  protected onPositive(session: Pop3SessionModel, msg: number, response: Pop3Response, real: Pop3ModelReal): void {
    real.check(session.checkUidListings(inspectResponse(response, response.raw.bytes).uids ?? [], false, msg));
  }
}

/** RETR n: the message, of LIST's size, as seeded, the same each time (§5, §11). */
export class RetrCommand extends MessageCommand {
  protected readonly verb = 'RETR';
  protected onPositive(session: Pop3SessionModel, msg: number, response: Pop3Response, real: Pop3ModelReal): void {
    real.check(session.checkRetr(msg, response.lines, response.octets));
  }
}

/** TOP n k: headers, blank line, first k body lines (§7). */
export class TopCommand extends MessageCommand {
  protected readonly verb = 'TOP';
  constructor(
    ref: Pop3MessageRef,
    readonly bodyLines: number,
  ) {
    super(ref);
  }
  protected override line(msg: number): string {
    return `TOP ${msg} ${this.bodyLines}`;
  }
  protected onPositive(session: Pop3SessionModel, msg: number, response: Pop3Response, real: Pop3ModelReal): void {
    real.check(session.checkTop(msg, this.bodyLines, response.lines));
  }
  override toString(): string {
    return `${super.toString()} ${this.bodyLines}`;
  }
}

/** DELE n: marks the message; never names the user's own mail unless destructive runs are allowed. */
export class DeleCommand extends MessageCommand {
  protected readonly verb = 'DELE';
  override check(model: Readonly<Pop3MaildropModel>): boolean {
    return model.mayDelete(this.ref) && super.check(model);
  }
  override async run(model: Pop3MaildropModel, real: Pop3ModelReal): Promise<void> {
    // Guard at the point of harm too: check() is fast-check's to call, this is ours.
    if (!model.mayDelete(this.ref)) throw new Error(`refusing DELE of the user's own mail (${formatRef(this.ref)}) without allowDestructive`);
    return super.run(model, real);
  }
  protected onPositive(session: Pop3SessionModel, msg: number): void {
    session.markDeleted(msg);
  }
}
