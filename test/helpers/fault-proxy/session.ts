import type { ClientUnit, ServerUnit, SessionView } from './fault.js';
import type { Frame } from './framing.js';

/**
 * Light tracking of one proxied connection, only as much as faults need: which command a server
 * unit answers, and a few state facts. Two phases per unit, so a hook sees the state as it was
 * before the unit: classify, then (after the hook) sent/received.
 */
export interface Session extends SessionView {
  /** After STARTTLS/STLS succeeded the bytes are TLS: the proxy forwards them raw from then on. */
  readonly opaque: boolean;
  /** SMTP and POP3 answer in command order, so a proxy-made answer must wait its turn; IMAP tags need no order. */
  readonly ordered: boolean;
  /** Replies owed so far, the greeting included (ordered protocols). */
  readonly repliesOwed: number;
  /** Replies completed so far (ordered protocols). */
  readonly repliesDone: number;
  /** Reads a client frame; may tell the client splitter that octets follow. */
  classifyClient(frame: Frame): ClientUnit;
  /** The unit went to the server (possibly rewritten; the original is passed): a reply may now be owed. */
  sent(unit: ClientUnit): void;
  classifyServer(frame: Frame): ServerUnit;
  /** The server's original unit, after the hook: what it means for the session. */
  received(unit: ServerUnit): void;
}

/** The placeholder verb for the reply owed for opening the connection. */
export const GREETING = '<greeting>';
/** Bound on tracked commands, so a client pipelining into a silent server cannot grow memory without end. */
export const MAX_TRACKED_COMMANDS = 4096;

/** The line without its line ending, as latin1 text (byte offsets stay character offsets). */
export function lineText(unit: { readonly bytes: Buffer }): string {
  return unit.bytes.toString('latin1').replace(/\r?\n$/, '');
}

/** A frame with its classification; announced octets stay 'octets' whatever the line state. */
export function clientUnit(frame: Frame, kind: ClientUnit['kind'], verb = '', tag = ''): ClientUnit {
  return { ...frame, kind: frame.octets ? 'octets' : kind, verb, tag };
}
