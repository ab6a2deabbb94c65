import type { UnitStep } from '../shared/complete-unit.js';
import type { Violation } from '../shared/violation.js';
import type { FramedLine } from '../../transport/framed-line.js';
import type { ImapResponse } from './imap-response.js';
import { createImapViolation, rfc3501, type ImapRule } from './imap-rule.js';
import { parseResponse } from './parse-response.js';
import { ImapResponseFramer, type ImapRawResponse } from './response-framer.js';
import { ImapMailboxView } from './mailbox-view.js';
import { ImapState, nextImapState } from './session-state.js';
import { readValueTree, type ImapValue } from './value-tree.js';

/** One complete server response as the conversation read it. */
export interface ImapUnit {
  readonly raw: ImapRawResponse;
  readonly response: ImapResponse;
  /** The response as a value tree, for structural matching. */
  readonly values: readonly ImapValue[];
  readonly untagged: boolean;
}

export type ImapStep = UnitStep<ImapUnit>;

export const CONVERSATION_RULES = {
  /** §2.2.1: the server's completion result "indicates success or failure of the operation … has the same tag as the client command". */
  knownTag: { rule: 'response-tagged.tag', ref: rfc3501('2.2.1'), level: 'MUST' },
  /** §7.4.1: "An EXPUNGE response MUST NOT be sent when no command is in progress, nor while responding to a FETCH, STORE, or SEARCH command." */
  expungeDuringFetch: { rule: 'EXPUNGE.during-fetch-store-search', ref: rfc3501('7.4.1'), level: 'MUST' },
  expungeIdle: { rule: 'EXPUNGE.no-command', ref: rfc3501('7.4.1'), level: 'MUST' },
  /** §7.1.5: "The BYE response is always untagged, and indicates that the server is about to close the connection." (A tagged line after LOGOUT's BYE is the LOGOUT completion, §6.1.3.) */
} as const satisfies Record<string, ImapRule>;

/** Commands during which the server must not send EXPUNGE (§7.4.1); UID forms are exempt (§6.4.8). */
const NO_EXPUNGE_DURING = new Set(['FETCH', 'STORE', 'SEARCH']);

/**
 * Follows one IMAP connection from the client's side: tags in flight (pipelined too), client
 * literals, the server's framing (lines and literals), every response through the §9 grammar, the
 * session state (§3), and the rules that need that context (unknown tags, EXPUNGE timing). No I/O:
 * the transcript engine and a reference client share it.
 */
export class ImapConversation {
  state: ImapState = ImapState.NotAuthenticated;
  /** Capabilities from the greeting's code or the last CAPABILITY response, upper-cased. */
  capabilities = new Set<string>();
  /** tag → verb of commands sent and not yet completed, in sending order. */
  private readonly inFlight = new Map<string, string>();
  private greetingOwed = true;
  /** The server sent "+": it waits for the client, so no line is owed until the client sends. */
  private serverWaits = false;
  private readonly framer = new ImapResponseFramer();
  /** What this session has been told about the selected mailbox (counts, UIDs), checked on every update. */
  private readonly mailbox = new ImapMailboxView();
  private clientTail = '';
  /** Octets of a client literal still to come (after `{n}` in a command line). */
  private clientLiteralLeft = 0;
  /** The client has started sending that literal (or needs no "+": {n+}), so no go-ahead is owed. */
  private clientLiteralStarted = false;
  /** The next client line continues a command after its literal, rather than starting one. */
  private continuing = false;
  /** Tag of an AUTHENTICATE in progress: client lines are SASL responses until it completes. */
  private saslTag: string | undefined;
  /** Tag of an IDLE in progress: "DONE" ends it (RFC 2177 §3). */
  private idleTag: string | undefined;
  /** Tag of the last command started: the one a pending client literal belongs to. */
  private lastTag: string | undefined;

  onSend(bytes: Buffer): void {
    this.serverWaits = false;
    let text = this.clientTail + bytes.toString('latin1');
    this.clientTail = '';
    while (text.length > 0) {
      if (this.clientLiteralLeft > 0) {
        const take = Math.min(this.clientLiteralLeft, text.length);
        this.clientLiteralLeft -= take;
        this.clientLiteralStarted = true;
        text = text.slice(take);
        continue;
      }
      const crlf = text.indexOf('\r\n');
      if (crlf === -1) {
        this.clientTail = text;
        return;
      }
      this.onClientLine(text.slice(0, crlf));
      text = text.slice(crlf + 2);
    }
  }

  onLine(line: FramedLine): ImapStep {
    return this.onFramerStep(this.framer.pushLine(line));
  }

  onBytes(bytes: Buffer): ImapStep {
    return this.onFramerStep(this.framer.pushLiteral(bytes));
  }

  /** After a STARTTLS handshake: commands sent behind STARTTLS were plaintext the server must not run (RFC 3501 §6.2.1). */
  onTlsStarted(): void {
    this.inFlight.clear();
    this.continuing = false;
    this.clientLiteralLeft = 0;
  }

  /**
   * Whether the server owes a line: the greeting, or an answer to a command in flight, unless it
   * waits for the client ("+" sent) or the client is still in the middle of a literal it announced
   * (the server reads octets until the count is met and owes nothing before, §4.3).
   */
  awaitingLines(): boolean {
    const midLiteral = this.clientLiteralLeft > 0 && this.clientLiteralStarted;
    return this.greetingOwed || (this.inFlight.size > 0 && !this.serverWaits && !midLiteral);
  }

  describeState(): string {
    return this.state;
  }

  /** A command line, or the continuation of one after a literal; a trailing {n} / {n+} announces client octets. */
  private onClientLine(line: string): void {
    // §6.2.2: until AUTHENTICATE completes, each client line answers a "+" challenge (base64 or "*").
    // RFC 2177 §3: IDLE is ended by the line "DONE", which is no command of its own.
    if (this.saslTag !== undefined && this.inFlight.has(this.saslTag)) return;
    if (this.idleTag !== undefined && this.inFlight.has(this.idleTag) && line.toUpperCase() === 'DONE') return;
    if (!this.continuing) {
      const [tag, verb = ''] = line.split(' ', 3);
      this.lastTag = tag;
      const upper = verb.toUpperCase();
      if (upper === 'SELECT' || upper === 'EXAMINE' || upper === 'CLOSE' || upper === 'UNSELECT') this.mailbox.reset();
      // "UID FETCH" etc.: the command is UID's, and §7.4.1 allows EXPUNGE during UID commands.
      if (tag) this.inFlight.set(tag, upper === 'UID' ? `UID ${(line.split(' ')[2] ?? '').toUpperCase()}` : upper);
      this.saslTag = upper === 'AUTHENTICATE' ? tag : undefined;
      this.idleTag = upper === 'IDLE' ? tag : undefined;
    }
    const literal = /\{(\d+)(\+?)\}$/.exec(line);
    this.continuing = literal !== null;
    this.clientLiteralLeft = literal ? Number(literal[1]) : 0;
    // A synchronizing literal is owed its "+" (or a refusal) first; a non-synchronizing one is not (RFC 7888).
    this.clientLiteralStarted = literal?.[2] === '+';
  }

  private onFramerStep(step: ReturnType<ImapResponseFramer['pushLine']>): ImapStep {
    if (step.kind === 'need-line') return { more: 'line' };
    if (step.kind === 'need-literal') return { more: 'bytes', count: step.length };
    const { raw } = step.response;
    const greeting = this.greetingOwed;
    this.greetingOwed = false;
    const parsed = parseResponse(raw, { greeting });
    const violations = [...step.response.violations, ...parsed.violations, ...this.onResponse(parsed.response, greeting, raw)];
    const unit: ImapUnit = { raw, response: parsed.response, values: readValueTree(raw), untagged: parsed.response.kind === 'untagged' };
    return { framed: displayLine(raw), parsed: unit, violations };
  }

  private onResponse(response: ImapResponse, greeting: boolean, raw: ImapRawResponse): Violation[] {
    const violations: Violation[] = [];
    if (greeting && response.kind === 'untagged' && response.type === 'condition' && response.status === 'PREAUTH') this.state = ImapState.Authenticated;
    if (response.kind === 'bye') this.state = ImapState.Logout;
    if (response.kind === 'continuation') this.serverWaits = true;
    if (response.kind === 'untagged' && response.type === 'capability') this.capabilities = new Set(response.capabilities.map((c) => c.toUpperCase()));
    if ((response.kind === 'untagged' || response.kind === 'tagged' || response.kind === 'bye') && 'code' in response && response.code?.kind === 'capability') {
      this.capabilities = new Set(response.code.capabilities.map((c) => c.toUpperCase()));
    }
    // RFC 7162 §3.2.10: "The VANISHED response has the same restrictions on when it can be sent as
    // does the EXPUNGE response" (the form without EARLIER announces removals like EXPUNGE does).
    const removal = response.kind === 'untagged' && (response.type === 'expunge' || (response.type === 'vanished' && !response.earlier)) ? response.type.toUpperCase() : undefined;
    if (removal !== undefined) {
      const running = [...this.inFlight.values()];
      if (running.length === 0) violations.push(createImapViolation(CONVERSATION_RULES.expungeIdle, 0, `${removal} sent while no command was in progress`, `no ${removal} until a command is in progress`, firstLine(raw)));
      else if (running.some((verb) => NO_EXPUNGE_DURING.has(verb))) {
        violations.push(createImapViolation(CONVERSATION_RULES.expungeDuringFetch, 0, `${removal} sent while a ${running.find((v) => NO_EXPUNGE_DURING.has(v))} command was in progress`, `no ${removal} during FETCH, STORE or SEARCH`, firstLine(raw)));
      }
    }
    violations.push(...this.mailbox.observe(response, firstLine(raw)));
    if (response.kind === 'tagged') {
      const verb = this.inFlight.get(response.tag);
      if (verb === undefined) {
        violations.push(createImapViolation(CONVERSATION_RULES.knownTag, 0, `tagged response for "${response.tag}", which no command in progress has`, `one of: ${[...this.inFlight.keys()].join(', ') || '(none in progress)'}`, Buffer.from(response.tag, 'latin1')));
      } else {
        this.inFlight.delete(response.tag);
        this.state = nextImapState(this.state, verb.replace(/^UID /, ''), response.status);
        // Refused before "+" (§7.5): the announced literal will never be sent, the command is over.
        if (this.lastTag === response.tag && this.continuing) {
          this.continuing = false;
          this.clientLiteralLeft = 0;
        }
      }
    }
    return violations;
  }
}

function firstLine(raw: ImapRawResponse): Buffer {
  return raw.parts[0]?.bytes ?? Buffer.alloc(0);
}

/** The whole response as one display line (literals inline), for failure messages. */
function displayLine(raw: ImapRawResponse): FramedLine {
  const bytes = Buffer.concat(raw.parts.map((p) => (p.kind === 'literal' ? p.bytes : p.bytes)));
  const last = raw.parts.at(-1);
  return { bytes, ending: last?.kind === 'text' ? last.ending : 'crlf', streamOffset: raw.streamOffset };
}
