import type { ClientUnit, ServerUnit, SessionView } from './fault.js';
import type { Frame, FrameSplitter } from './framing.js';
import { clientUnit, GREETING, lineText, MAX_TRACKED_COMMANDS, type Session } from './session.js';

/** The placeholder verb for the reply to the "." that ends DATA's message text (RFC 5321 §4.1.1.4). */
export const END_OF_DATA = '<end-of-data>';

interface Owed {
  readonly verb: string;
  /** BDAT … LAST: its reply ends the mail transaction (RFC 3030 §2). */
  readonly endsTransaction: boolean;
}

/** An SMTP reply line's code, or NaN. */
export function replyCode(unit: Frame): number {
  const m = /^(\d{3})/.exec(unit.bytes.toString('latin1', 0, 3));
  return m ? Number(m[1]) : NaN;
}

const isDotLine = (frame: Frame): boolean => /^\.\r?\n$/.test(frame.bytes.toString('latin1', 0, 3));

/** What SMTP faults may ask beyond SessionView, as the server has it before the unit at hand. */
export interface SmtpSessionView extends SessionView {
  /** Client lines are message text: the server answered DATA with 354 and the "." has not come. */
  readonly inBody: boolean;
  /** Lines of the reply in progress the server has sent so far: 0 when the next line starts a reply (§4.2.1). */
  readonly replyLinesSent: number;
}

/**
 * One reply per command, in order (RFC 5321 §4.2, RFC 2920 §3.1), so a FIFO of verbs says which
 * command a reply line answers. Message text between 354 and "." and SASL responses after 334 are
 * not commands. Limitation: a client that sends message text before DATA's 354 arrives (which
 * RFC 2920 §3.1 forbids) has its text read as commands.
 */
export class SmtpSession implements Session, SmtpSessionView {
  readonly protocol = 'smtp';
  readonly ordered = true;
  authenticated = false;
  inMailTransaction = false;
  opaque = false;
  repliesOwed = 1;
  repliesDone = 0;
  private readonly owed: Owed[] = [{ verb: GREETING, endsTransaction: false }];
  private body = false;
  private linesSent = 0;
  /** After 334 to AUTH, client lines are SASL responses (RFC 4954 §4) and every reply is still AUTH's. */
  private inSasl = false;

  constructor(private readonly clientFrames: FrameSplitter) {}

  get inBody(): boolean {
    return this.body;
  }

  get replyLinesSent(): number {
    return this.linesSent;
  }

  classifyClient(frame: Frame): ClientUnit {
    if (frame.octets) return clientUnit(frame, 'octets');
    if (this.body) {
      if (!isDotLine(frame)) return clientUnit(frame, 'line');
      this.body = false;
      return clientUnit(frame, 'line', END_OF_DATA);
    }
    if (this.inSasl) return clientUnit(frame, 'line');
    const [word = '', size = ''] = lineText(frame).split(' ');
    const verb = word.toUpperCase();
    // "BDAT <size>": exactly that many octets follow the command line (RFC 3030 §2).
    if (verb === 'BDAT' && /^\d{1,10}$/.test(size)) this.clientFrames.expectOctets(Number(size));
    return clientUnit(frame, 'command', verb);
  }

  sent(unit: ClientUnit): void {
    const owesReply = unit.kind === 'command' || unit.verb === END_OF_DATA;
    if (!owesReply || this.owed.length >= MAX_TRACKED_COMMANDS) return;
    this.owed.push({ verb: unit.verb, endsTransaction: unit.verb === 'BDAT' && /\sLAST\s*$/i.test(lineText(unit)) });
    this.repliesOwed += 1;
  }

  classifyServer(frame: Frame): ServerUnit {
    // "ddd-" continues a multi-line reply; anything else (even malformed) ends one.
    return { ...frame, answers: this.owed[0]?.verb, final: !/^\d{3}-/.test(frame.bytes.toString('latin1', 0, 4)) };
  }

  received(unit: ServerUnit): void {
    this.linesSent = unit.final ? 0 : this.linesSent + 1;
    const head = this.owed[0];
    if (!unit.final || head === undefined) return;
    const code = replyCode(unit);
    if (head.verb === 'AUTH' && code === 334) {
      this.inSasl = true;
      return;
    }
    this.inSasl = false;
    this.owed.shift();
    this.repliesDone += 1;
    this.apply(head, code);
  }

  private apply(command: Owed, code: number): void {
    const ok = code >= 200 && code < 300;
    switch (command.verb) {
      case 'MAIL':
        if (ok) this.inMailTransaction = true;
        break;
      case 'RSET':
      case END_OF_DATA:
        this.inMailTransaction = false;
        break;
      case 'HELO':
      case 'EHLO':
        if (ok) this.inMailTransaction = false;
        break;
      case 'BDAT':
        if (command.endsTransaction) this.inMailTransaction = false;
        break;
      case 'DATA':
        this.body = code === 354;
        break;
      case 'AUTH':
        if (code === 235) this.authenticated = true;
        break;
      case 'STARTTLS':
        if (code === 220) this.opaque = true;
        break;
    }
  }
}

/** The SMTP view of a hook's session; throws for another protocol's (an SMTP fault on the wrong proxy). */
export function smtpView(session: SessionView): SmtpSessionView {
  if (!(session instanceof SmtpSession)) throw new Error(`an SMTP fault got a ${session.protocol} session`);
  return session;
}
