import { expectsMultiline, opensSaslExchange, parseCommandLine, type Pop3Command } from '../../../src/protocol/pop3/pop3-command.js';
import type { ClientUnit, ServerUnit, SessionView } from './fault.js';
import type { Frame } from './framing.js';
import { clientUnit, GREETING, lineText, MAX_TRACKED_COMMANDS, type Session } from './session.js';

/** Commands whose +OK opens the TRANSACTION state (RFC 1939 §7, RFC 5034 §4). */
export const LOGIN_VERBS: ReadonlySet<string> = new Set(['PASS', 'APOP', 'AUTH']);

const startsWith = (frame: Frame, prefix: string): boolean => frame.bytes.toString('latin1', 0, prefix.length) === prefix;
const isDotLine = (frame: Frame): boolean => /^\.\r?\n$/.test(frame.bytes.toString('latin1', 0, 3));
/** "+ challenge" during AUTH (RFC 5034 §4); "+OK" is a status. */
const isContinuation = (frame: Frame): boolean => startsWith(frame, '+') && !startsWith(frame, '+OK');

/** What POP3 faults may ask beyond SessionView, as the server has it before the unit at hand. */
export interface Pop3SessionView extends SessionView {
  /** The command the next server unit answers, arguments included (PASS's redacted); undefined when none is owed. */
  readonly answering: Pop3Command | undefined;
  /** The next server unit is a line of a multi-line body or its "." (not a status line). */
  readonly inBody: boolean;
}

/**
 * Responses come in command order (RFC 2449 §6.6 for pipelining); a +OK to LIST/UIDL without an
 * argument, RETR, TOP or CAPA opens a body up to a "." line (RFC 1939 §3). SASL responses after
 * "+ " are not commands. The same rules as the reference client's, from pop3-command.ts.
 */
export class Pop3Session implements Session {
  readonly protocol = 'pop3';
  readonly ordered = true;
  readonly inMailTransaction = false;
  authenticated = false;
  opaque = false;
  repliesOwed = 1;
  repliesDone = 0;
  private readonly owed: Pop3Command[] = [{ verb: GREETING, args: [] }];
  private body = false;
  private inSasl = false;

  get answering(): Pop3Command | undefined {
    return this.owed[0];
  }

  get inBody(): boolean {
    return this.body;
  }

  classifyClient(frame: Frame): ClientUnit {
    if (this.inSasl) return clientUnit(frame, 'line');
    return clientUnit(frame, 'command', parseCommandLine(lineText(frame)).verb);
  }

  sent(unit: ClientUnit): void {
    if (unit.kind !== 'command' || this.owed.length >= MAX_TRACKED_COMMANDS) return;
    this.owed.push(parseCommandLine(lineText(unit)));
    this.repliesOwed += 1;
  }

  classifyServer(frame: Frame): ServerUnit {
    const head = this.owed[0];
    const answers = head?.verb;
    if (this.inBody) return { ...frame, answers, final: isDotLine(frame) };
    if (head === undefined) return { ...frame, answers, final: true };
    if (opensSaslExchange(head) && isContinuation(frame)) return { ...frame, answers, final: false };
    return { ...frame, answers, final: !(startsWith(frame, '+OK') && expectsMultiline(head)) };
  }

  received(unit: ServerUnit): void {
    const head = this.owed[0];
    if (head === undefined) return;
    if (!unit.final) {
      if (this.inBody) return;
      if (isContinuation(unit)) this.inSasl = true;
      else this.body = true;
      return;
    }
    this.body = false;
    this.inSasl = false;
    this.owed.shift();
    this.repliesDone += 1;
    if (!startsWith(unit, '+OK')) return;
    if (LOGIN_VERBS.has(head.verb)) this.authenticated = true;
    if (head.verb === 'STLS') this.opaque = true;
  }
}

/** The POP3 view of a hook's session; throws for another protocol's (a POP3 fault on the wrong proxy). */
export function pop3View(session: SessionView): Pop3SessionView {
  if (!(session instanceof Pop3Session)) throw new Error(`a POP3 fault got a ${session.protocol} session`);
  return session;
}
