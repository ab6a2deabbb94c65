import { expectsMultiline, opensSaslExchange, parseCommandLine, type Pop3Command } from '../../../src/protocol/pop3/pop3-command.js';
import type { ClientUnit, ServerUnit } from './fault.js';
import type { Frame } from './framing.js';
import { clientUnit, GREETING, lineText, MAX_TRACKED_COMMANDS, type Session } from './session.js';

const LOGIN_VERBS = new Set(['PASS', 'APOP', 'AUTH']);

const startsWith = (frame: Frame, prefix: string): boolean => frame.bytes.toString('latin1', 0, prefix.length) === prefix;
const isDotLine = (frame: Frame): boolean => /^\.\r?\n$/.test(frame.bytes.toString('latin1', 0, 3));
/** "+ challenge" during AUTH (RFC 5034 §4); "+OK" is a status. */
const isContinuation = (frame: Frame): boolean => startsWith(frame, '+') && !startsWith(frame, '+OK');

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
  private inBody = false;
  private inSasl = false;

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
      else this.inBody = true;
      return;
    }
    this.inBody = false;
    this.inSasl = false;
    this.owed.shift();
    this.repliesDone += 1;
    if (!startsWith(unit, '+OK')) return;
    if (LOGIN_VERBS.has(head.verb)) this.authenticated = true;
    if (head.verb === 'STLS') this.opaque = true;
  }
}
