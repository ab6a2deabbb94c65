import { parseCommandLine } from './pop3-command.js';
import type { Pop3Status } from './parse-status-line.js';

/** Where a POP3 session stands, as the client has seen the server confirm it (RFC 1939 §3). */
export enum Pop3State {
  /** After the greeting, until an authentication command succeeds (§4). */
  Authorization = 'AUTHORIZATION',
  /** The maildrop is locked and open (§5). */
  Transaction = 'TRANSACTION',
  /** QUIT given in TRANSACTION: deletions are applied, then the server closes (§6). */
  Update = 'UPDATE',
  /** QUIT in AUTHORIZATION, a refused greeting, or the connection is gone. */
  Closed = 'CLOSED',
}

const { Authorization, Transaction, Update, Closed } = Pop3State;

/**
 * States in which RFC 1939's commands (and RFC 2449's CAPA, RFC 5034's AUTH) may be given; "A
 * server MUST respond to a command issued when the session is in an incorrect state by responding
 * with a negative status indicator." (RFC 1939 §3) Unlisted commands (extensions) are not judged.
 */
export const COMMAND_STATES: ReadonlyMap<string, readonly Pop3State[]> = new Map([
  ['USER', [Authorization]],
  ['PASS', [Authorization]],
  ['APOP', [Authorization]],
  ['AUTH', [Authorization]],
  ['STAT', [Transaction]],
  ['LIST', [Transaction]],
  ['RETR', [Transaction]],
  ['DELE', [Transaction]],
  ['NOOP', [Transaction]],
  ['RSET', [Transaction]],
  ['TOP', [Transaction]],
  ['UIDL', [Transaction]],
  ['QUIT', [Authorization, Transaction]],
  ['CAPA', [Authorization, Transaction]],
]);

/** Commands that authenticate: their +OK opens the maildrop (§4, §7; RFC 5034 §4). */
const AUTHENTICATING = new Set(['PASS', 'APOP', 'AUTH']);

/**
 * The state after the server answered `command` (the command line, or just its verb) with
 * `status`. Pure. A response that does not confirm the command leaves the state unchanged, as
 * does an unrecognised status. The state mirrors what the server accepted, even out of order
 * (e.g. STAT accepted in AUTHORIZATION): the conversation reports that, the state stays in step.
 */
export function nextPop3State(state: Pop3State, command: string, status: Pop3Status | undefined): Pop3State {
  if (state === Closed || status === undefined) return state;
  const { verb, args } = parseCommandLine(command);
  if (verb === 'QUIT') {
    // "When the client issues the QUIT command from the TRANSACTION state, the POP3 session enters
    // the UPDATE state." (§6) The response, +OK or "-ERR some deleted messages not removed", is
    // UPDATE's own; "Whether the removal was successful or not, the server then ... closes".
    if (state === Transaction || state === Update) return Update;
    // "if the client issues the QUIT command from the AUTHORIZATION state, the POP3 session
    // terminates but does NOT enter the UPDATE state." (§6)
    return status === '+OK' ? Closed : state;
  }
  if (status !== '+OK' || state !== Authorization) return state;
  // AUTH without a mechanism is outside RFC 5034's grammar and authenticates nobody.
  if (verb === 'AUTH' && args.length === 0) return state;
  // "If the lock is successfully acquired, the POP3 server responds with a positive status
  // indicator. The POP3 session now enters the TRANSACTION state" (§4)
  return AUTHENTICATING.has(verb) ? Transaction : state;
}

/**
 * The user name a PASS may complete, after the server answered `command` with `status`. Pure.
 * PASS "may only be given in the AUTHORIZATION state immediately after a successful USER
 * command" (§7): USER +OK records the name, and any other answered command forgets it.
 */
export function nextPendingUser(command: string, status: Pop3Status | undefined): string | undefined {
  const { verb, args } = parseCommandLine(command);
  return verb === 'USER' && status === '+OK' ? (args[0] ?? '') : undefined;
}
