import type { Violation } from '../shared/violation.js';
import type { FramedLine } from '../../transport/framed-line.js';
import { parseEhloReply, type SmtpEhloReply } from './parse-ehlo.js';
import { checkGreeting } from './parse-greeting.js';
import { createViolation, type SmtpReplyLine, type SmtpRule } from './parse-reply-line.js';
import { SmtpReplyAssembler, type SmtpReply } from './reply-assembler.js';
import { SmtpState, nextSmtpState } from './session-state.js';

/** One received line as the conversation saw it; `reply` is set on the line that completes a reply. */
export interface SmtpLineEvent {
  readonly framed: FramedLine;
  readonly parsed: SmtpReplyLine;
  /** Violations found when this line arrived (a reply's checks are reported on its final line). */
  readonly violations: readonly Violation[];
  readonly reply?: SmtpReply;
}

export const TLS_RULES = {
  /** RFC 3207 §4.2: "A server MUST NOT return the STARTTLS extension in response to an EHLO command received after a TLS handshake has completed." */
  starttlsAfterTls: { rule: 'STARTTLS.after-tls', ref: { rfc: 3207, section: '4.2' }, level: 'MUST' },
} as const satisfies Record<string, SmtpRule>;

/** Marks the reply owed for opening the connection. */
const GREETING = '<greeting>';

/**
 * Follows one SMTP connection from the client's side: which replies are owed and to which
 * command, the session state (§4.1.4 order), message-content mode after DATA, and every
 * grammar check on the server's replies. It does no I/O, so the reference client and the
 * transcript engine share it.
 */
export class SmtpConversation {
  state: SmtpState = SmtpState.Greeting;
  /** The last EHLO reply, parsed. */
  ehlo: SmtpEhloReply | undefined;
  /** Verbs sent whose replies have not completed, oldest first (several when pipelining). */
  private readonly owed: string[] = [GREETING];
  private readonly assembler = new SmtpReplyAssembler();
  /** After DATA: client lines are message content until the lone "." (§4.1.1.4). */
  private inContent = false;
  /** Octets of a BDAT chunk still to come: data, not command lines (RFC 3030 §2). */
  private chunkLeft = 0;
  /** A STARTTLS handshake completed on this connection. */
  private tlsActive = false;
  private unsentTail = '';

  /**
   * Only CRLF ends a client line: "Conforming implementations MUST NOT recognize or generate any
   * other character or character sequence as a line terminator" (§2.3.8). So a bare LF sent on
   * purpose stays inside the line, and a server that splits there is caught answering twice.
   */
  onSend(bytes: Buffer): void {
    let text = this.unsentTail + bytes.toString('latin1');
    this.unsentTail = '';
    while (text.length > 0) {
      // RFC 3030 §2: "BDAT n" is followed by exactly n octets of message data, CRLFs included.
      if (this.chunkLeft > 0) {
        const take = Math.min(this.chunkLeft, text.length);
        this.chunkLeft -= take;
        text = text.slice(take);
        continue;
      }
      const crlf = text.indexOf('\r\n');
      if (crlf === -1) {
        this.unsentTail = text;
        return;
      }
      this.onClientLine(text.slice(0, crlf));
      text = text.slice(crlf + 2);
    }
  }

  onLine(framed: FramedLine): SmtpLineEvent {
    const reply = this.assembler.push(framed);
    const parsed = reply ? reply.lines.at(-1)! : this.peekLastLine(framed);
    if (!reply) return { framed, parsed, violations: [] };
    return { framed, parsed, violations: this.onReply(reply), reply };
  }

  /**
   * After a STARTTLS handshake "the SMTP protocol is reset to the initial state" (RFC 3207 §4.2):
   * commands pipelined behind STARTTLS were the server's to discard, and EHLO is due again.
   */
  onTlsStarted(): void {
    this.owed.length = 0;
    this.state = SmtpState.Greeting;
    this.tlsActive = true;
  }

  awaitingLines(): boolean {
    return this.owed.length > 0;
  }

  describeState(): string {
    return this.state;
  }

  private onClientLine(line: string): void {
    if (this.inContent) {
      if (line === '.') {
        this.inContent = false;
        this.owed.push('.');
      }
      return;
    }
    const verb = (/^[A-Za-z]+/.exec(line)?.[0] ?? line).toUpperCase();
    this.owed.push(verb);
    const chunk = verb === 'BDAT' ? /^BDAT (\d+)( LAST)?$/i.exec(line) : null;
    if (chunk) this.chunkLeft = Number(chunk[1]);
    // Clients send content only after 354; when pipelined (RFC 2920 §3.1) it follows DATA directly.
    if (verb === 'DATA' && line.length === 4) this.inContent = true;
  }

  private onReply(reply: SmtpReply): Violation[] {
    const verb = this.owed.shift();
    const violations = [...reply.violations];
    if (verb === GREETING) violations.push(...checkGreeting(reply));
    if (verb === 'EHLO') {
      this.ehlo = parseEhloReply(reply);
      violations.push(...this.ehlo.violations);
      if (this.tlsActive && this.ehlo.keywords.has('STARTTLS')) {
        const line = reply.lines.find((l) => /^STARTTLS\b/i.test(l.text)) ?? reply.lines.at(-1)!;
        violations.push(createViolation(TLS_RULES.starttlsAfterTls, 0, 'EHLO after the TLS handshake still lists STARTTLS', 'no STARTTLS keyword once TLS is active', line.raw.bytes));
      }
    }
    if (verb === 'DATA' && reply.code !== 354) this.inContent = false;
    if (verb !== undefined && verb !== GREETING) this.state = nextSmtpState(this.state, verb, reply.code);
    else if (reply.code === 421 || reply.code === 554) this.state = SmtpState.Closed;
    return violations;
  }

  /** A continuation line's own parse, for matching before its reply is complete. */
  private peekLastLine(framed: FramedLine): SmtpReplyLine {
    return this.assembler.lastLine ?? { code: undefined, codeText: '', separator: '', isFinal: false, text: '', raw: framed };
  }
}
