import type { ClientUnit, ServerUnit } from './fault.js';
import { literalLength, type Frame, type FrameSplitter } from './framing.js';
import { clientUnit, lineText, MAX_TRACKED_COMMANDS, type Session } from './session.js';

/** The first line of a frame, without its line ending. */
const firstLine = (frame: Frame): string => lineText(frame.pieces[0] ?? frame);

/** "UID FETCH" etc. for UID commands, else the command word, upper-cased (RFC 3501 §6.4.8). */
function commandVerb(words: readonly string[]): string {
  const verb = (words[1] ?? '').toUpperCase();
  return verb === 'UID' ? `UID ${(words[2] ?? '').toUpperCase()}` : verb;
}

/**
 * Tags say which command a completion answers (RFC 3501 §2.2.1). A command line ending in `{n}` or
 * `{n+}` is followed by n octets and then the rest of the command (§4.3, §7.5); a "+" that is not a
 * literal's go-ahead (IDLE, AUTHENTICATE) invites one client line that is not a command.
 */
export class ImapSession implements Session {
  readonly protocol = 'imap';
  readonly ordered = false;
  readonly inMailTransaction = false;
  readonly repliesOwed = 0;
  readonly repliesDone = 0;
  authenticated = false;
  opaque = false;
  /** tag → verb of the commands in progress, in sending order. */
  private readonly inFlight = new Map<string, string>();
  private lastTag = '';
  /** The next client line is the rest of a command after its literal. */
  private continuing = false;
  /** Tag of a command whose synchronizing literal waits for "+": a completion instead means no octets (§7.5). */
  private literalWaiting: string | undefined;
  private lineInvited = false;

  constructor(private readonly clientFrames: FrameSplitter) {}

  classifyClient(frame: Frame): ClientUnit {
    if (frame.octets) return clientUnit(frame, 'octets');
    const isCommand = !this.continuing && !this.lineInvited;
    this.lineInvited = false;
    const words = lineText(frame).split(' ');
    if (isCommand) this.lastTag = words[0] ?? '';
    const literal = literalLength(frame.bytes);
    this.continuing = literal !== undefined;
    if (literal !== undefined) {
      this.clientFrames.expectOctets(literal);
      this.literalWaiting = /\+\}\r?\n$/.test(frame.bytes.toString('latin1')) ? undefined : this.lastTag;
    }
    return isCommand ? clientUnit(frame, 'command', commandVerb(words), this.lastTag) : clientUnit(frame, 'line');
  }

  sent(unit: ClientUnit): void {
    if (unit.kind !== 'command' || unit.tag === '') return;
    if (this.inFlight.size >= MAX_TRACKED_COMMANDS) this.inFlight.delete(this.inFlight.keys().next().value ?? '');
    this.inFlight.set(unit.tag, unit.verb);
  }

  classifyServer(frame: Frame): ServerUnit {
    const line = firstLine(frame);
    if (line.startsWith('+')) return { ...frame, answers: this.inFlight.get(this.lastTag), final: false };
    if (line.startsWith('*')) return { ...frame, answers: this.inFlight.values().next().value, final: false };
    return { ...frame, answers: this.inFlight.get(line.split(' ', 1)[0] ?? ''), final: true };
  }

  received(unit: ServerUnit): void {
    const line = firstLine(unit);
    if (line.startsWith('+')) {
      if (this.literalWaiting === undefined) this.lineInvited = true;
      this.literalWaiting = undefined;
      return;
    }
    if (/^\* PREAUTH /i.test(line)) this.authenticated = true;
    if (line.startsWith('*')) return;
    const [tag = '', status = ''] = line.split(' ', 2);
    const verb = this.inFlight.get(tag);
    this.inFlight.delete(tag);
    this.lineInvited = false;
    if (tag === this.literalWaiting) {
      this.clientFrames.cancelOctets();
      this.continuing = false;
      this.literalWaiting = undefined;
    }
    if (status.toUpperCase() !== 'OK') return;
    if (verb === 'LOGIN' || verb === 'AUTHENTICATE') this.authenticated = true;
    if (verb === 'STARTTLS') this.opaque = true;
  }
}
