import type { Violation } from '../shared/violation.js';
import type { FramedLine } from '../../transport/framed-line.js';
import { checkGreeting } from './greeting.js';
import { inspectResponse } from './inspect-response.js';
import { MaildropLedger } from './maildrop-ledger.js';
import { countBodyOctets, MULTILINE_RULES, parseBodyLine } from './multiline.js';
import { isContinuationLine, parseContinuationLine } from './parse-continuation.js';
import { parseStatusLine, type Pop3StatusLine } from './parse-status-line.js';
import {
  expectsMultiline,
  formatCommand,
  GREETING_COMMAND,
  opensSaslExchange,
  parseCommandLine,
  type Pop3Command,
} from './pop3-command.js';
import type { Pop3Line, Pop3Response } from './pop3-response.js';
import { createPop3Violation, measureWireLine, rebaseViolations, rfc1939, type Pop3Rule } from './pop3-rule.js';
import { COMMAND_STATES, nextPendingUser, nextPop3State, Pop3State } from './session-state.js';

/** One received line as the conversation saw it; `response` is set on the line that completes one. */
export interface Pop3LineEvent {
  readonly framed: FramedLine;
  readonly parsed: Pop3Line;
  /** Violations found when this line arrived: its own, plus the response's checks on its last line. */
  readonly violations: readonly Violation[];
  readonly response?: Pop3Response;
}

export const CONVERSATION_RULES = {
  /** "After each command, the POP3 server issues a response." (§5): one, and none unasked. */
  unsolicited: { rule: 'response.unsolicited', ref: rfc1939('5'), level: 'MUST' },
  /**
   * "A server MUST respond to a command issued when the session is in an incorrect state by
   * responding with a negative status indicator." (§3)
   */
  commandState: { rule: 'command.state', ref: rfc1939('3'), level: 'MUST' },
  /** PASS "may only be given in the AUTHORIZATION state immediately after a successful USER command" (§7) */
  passAfterUser: { rule: 'PASS.after-USER', ref: rfc1939('7'), level: 'MUST' },
} as const satisfies Record<string, Pop3Rule>;

/** A response being read: its status line is in, its body (if any) is still coming. */
interface Draft {
  readonly command: Pop3Command;
  readonly status: Pop3StatusLine;
  readonly lines: Buffer[];
  readonly lineOffsets: number[];
  readonly violations: Violation[];
  /** Wire bytes received so far: the response offset of the next line. */
  size: number;
}

/**
 * Follows one POP3 connection from the client's side: which responses are owed and to which
 * command (several when pipelining, RFC 2449 §6.6), which are multi-line, the session state, what
 * the session learnt about the maildrop, and every check on the server's lines. It does no I/O,
 * so the reference client and the transcript engine share it.
 */
export class Pop3Conversation {
  state: Pop3State = Pop3State.Authorization;
  /** The greeting's APOP challenge, angle brackets included (RFC 1939 §7). */
  apopTimestamp: string | undefined;
  /** The last CAPA response's capabilities (tags upper-cased), if one succeeded. */
  capabilities: Map<string, string[]> | undefined;
  /** Commands sent whose responses have not completed, oldest first. */
  private readonly owed: Pop3Command[] = [GREETING_COMMAND];
  private readonly ledger = new MaildropLedger();
  private draft: Draft | undefined;
  private pendingUser: string | undefined;
  /** After AUTH mechanism: client lines are SASL responses, not commands (RFC 5034 §4). */
  private inSasl = false;
  private unsentTail = '';

  /**
   * Only CRLF ends a client line (RFC 1939 §3: "All commands are terminated by a CRLF pair"), so a
   * bare LF sent on purpose stays inside the line, and a server that splits there is caught
   * answering twice.
   */
  onSend(bytes: Buffer): void {
    const lines = (this.unsentTail + bytes.toString('latin1')).split('\r\n');
    this.unsentTail = lines.pop() ?? '';
    for (const line of lines) this.onClientLine(line);
  }

  onLine(framed: FramedLine): Pop3LineEvent {
    if (this.draft) return this.onBodyLine(framed, this.draft);
    const command = this.owed[0];
    if (command === undefined) return this.onUnsolicited(framed);
    if (opensSaslExchange(command) && isContinuationLine(framed.bytes)) {
      const { line, violations } = parseContinuationLine(framed);
      return { framed, parsed: line, violations };
    }
    const { line, violations } = parseStatusLine(framed, { greeting: command === GREETING_COMMAND });
    if (command === GREETING_COMMAND) {
      const greeting = checkGreeting(line);
      this.apopTimestamp = greeting.apopTimestamp;
      violations.push(...greeting.violations);
    }
    const draft: Draft = { command, status: line, lines: [], lineOffsets: [], violations: [...violations], size: measureWireLine(framed) };
    if (line.status === '+OK' && expectsMultiline(command)) {
      this.draft = draft;
      return { framed, parsed: line, violations };
    }
    return this.complete(framed, line, draft, violations);
  }

  /** After an STLS handshake: commands sent behind STLS were plaintext the server must not run (RFC 2595 §4). */
  onTlsStarted(): void {
    this.owed.length = 0;
  }

  awaitingLines(): boolean {
    return this.owed.length > 0;
  }

  /** What transcripts may use as ${name}: the greeting's APOP timestamp (RFC 1939 §7). */
  facts(): ReadonlyMap<string, string> {
    return this.apopTimestamp === undefined ? new Map() : new Map([['apop.timestamp', this.apopTimestamp]]);
  }

  describeState(): string {
    return this.draft ? `${this.state} (reading the ${this.draft.command.verb} body)` : this.state;
  }

  /**
   * The connection ended. A multi-line body still open is returned, cut short, with a
   * 'multi-line.terminator' violation where the "." line was due (`partial`: bytes after the last
   * full line). A response owed but not begun is not returned: nothing arrived to check.
   */
  onClose(partial?: Buffer): Pop3Response | undefined {
    const draft = this.draft;
    this.state = Pop3State.Closed;
    if (!draft) return undefined;
    this.draft = undefined;
    this.owed.shift();
    this.inSasl = false;
    const cut = createPop3Violation(
      MULTILINE_RULES.terminator,
      draft.size,
      `connection closed before the "." line ending the ${draft.command.verb} response`,
      '"." CRLF',
      partial && partial.length > 0 ? partial : 'connection closed',
    );
    draft.violations.push(cut);
    return this.toResponse(draft, false);
  }

  private onClientLine(line: string): void {
    if (this.inSasl) return;
    const command = parseCommandLine(line);
    this.owed.push(command);
    if (opensSaslExchange(command)) this.inSasl = true;
  }

  private onUnsolicited(framed: FramedLine): Pop3LineEvent {
    const { line, violations } = parseStatusLine(framed);
    violations.unshift(
      createPop3Violation(CONVERSATION_RULES.unsolicited, 0, 'line received while no response was owed', 'no server output', framed.bytes),
    );
    return { framed, parsed: line, violations };
  }

  private onBodyLine(framed: FramedLine, draft: Draft): Pop3LineEvent {
    const base = draft.size;
    const { line, data, violations: own } = parseBodyLine(framed);
    const violations = rebaseViolations(own, base);
    draft.violations.push(...violations);
    draft.size += measureWireLine(framed);
    if (line.kind === 'end') return this.complete(framed, line, draft, violations, base);
    draft.lines.push(data ?? Buffer.alloc(0));
    // The unstuffed line starts one byte in when a dot was stripped.
    draft.lineOffsets.push(base + framed.bytes.length - (data?.length ?? 0));
    return { framed, parsed: line, violations };
  }

  /** Runs the response-level checks, updates state and ledger, and hands out the response. */
  private complete(framed: FramedLine, parsed: Pop3Line, draft: Draft, lineViolations: Violation[], endAt = 0): Pop3LineEvent {
    this.draft = undefined;
    this.owed.shift();
    const partial = this.toResponse(draft, true);
    const facts = inspectResponse(partial, draft.status.raw.bytes);
    const checks = [...facts.violations, ...this.checkCommandState(draft), ...this.ledger.observe(partial, facts, endAt)];
    if (facts.capabilities) this.capabilities = facts.capabilities;
    this.advanceState(draft);
    draft.violations.push(...checks);
    const response = this.toResponse(draft, true);
    return { framed, parsed, violations: [...lineViolations, ...checks], response };
  }

  private checkCommandState(draft: Draft): Violation[] {
    const { command, status } = draft;
    if (status.status !== '+OK' || command === GREETING_COMMAND) return [];
    const allowed = COMMAND_STATES.get(command.verb);
    const received = status.raw.bytes.subarray(0, 3);
    if (allowed !== undefined && !allowed.includes(this.state)) {
      return [
        createPop3Violation(CONVERSATION_RULES.commandState, 0, `+OK to ${command.verb} in the ${this.state} state`, `-ERR (${command.verb} is valid in ${allowed.join(' or ')})`, received),
      ];
    }
    if (command.verb === 'PASS' && this.pendingUser === undefined) {
      return [createPop3Violation(CONVERSATION_RULES.passAfterUser, 0, '+OK to PASS without a successful USER right before it', '-ERR', received)];
    }
    return [];
  }

  private advanceState(draft: Draft): void {
    const status = draft.status.status;
    if (draft.command === GREETING_COMMAND) {
      // A refused greeting opens no session (RFC 1939 §4 defines only the positive one).
      if (status === '-ERR') this.state = Pop3State.Closed;
      return;
    }
    if (opensSaslExchange(draft.command)) this.inSasl = false;
    const line = formatCommand(draft.command);
    if (this.state === Pop3State.Authorization) this.pendingUser = nextPendingUser(line, status);
    this.state = nextPop3State(this.state, line, status);
  }

  private toResponse(draft: Draft, complete: boolean): Pop3Response {
    const { command, status, lines, lineOffsets, violations } = draft;
    return {
      command,
      status: status.status,
      codes: status.codes,
      text: status.text,
      raw: status.raw,
      lines: [...lines],
      lineOffsets: [...lineOffsets],
      octets: countBodyOctets(lines),
      complete,
      violations: [...violations],
    };
  }
}
