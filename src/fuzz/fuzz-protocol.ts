import type { ImapUnit } from '../protocol/imap/conversation.js';
import type { Pop3Line } from '../protocol/pop3/pop3-response.js';
import type { SmtpReplyLine } from '../protocol/smtp/parse-reply-line.js';
import type { RequirementLevel, RfcRef } from '../protocol/shared/rfc.js';
import type { Protocol } from '../report/result.js';
import type { ProtocolAdapter } from '../script/adapter.js';
import { imapAdapter } from '../script/adapters/imap-adapter.js';
import { pop3Adapter } from '../script/adapters/pop3-adapter.js';
import { smtpAdapter } from '../script/adapters/smtp-adapter.js';

/**
 * What the fuzz driver needs to know of a protocol beyond its adapter (parsing and "answer owed"):
 * how to ask "are you alive", what counts as a goodbye before closing, and where a client must
 * wait for the server before sending the rest of a command.
 */
export interface FuzzProtocol<P> {
  readonly adapter: ProtocolAdapter<P>;
  /** A harmless command answered in every state, CRLF included. */
  readonly noop: Buffer;
  /**
   * Whether the server said goodbye before it closed: given every unit it sent, and everything
   * the client sent. A close without one is a "reset" finding.
   */
  saidGoodbye(units: readonly P[], sent: string): boolean;
  /** The rule a close without goodbye breaks, for the finding. */
  readonly goodbyeRule: { readonly rule: string; readonly ref: RfcRef; readonly level: RequirementLevel; readonly expected: string };
  /**
   * Rules a server may break in its goodbye, forgiven when the connection closes right after:
   * POP3 has no goodbye of its own, and servers send an unsolicited "-ERR …" before closing.
   */
  readonly goodbyeRules: ReadonlySet<string>;
  /** Offsets just after which the client must wait for the server's go-ahead (IMAP synchronizing literals, §7.5). */
  waitPoints(bytes: Buffer): readonly number[];
  /** The unit is the go-ahead the client waited for (IMAP "+"). */
  isGoAhead(unit: P): boolean;
}

const smtp: FuzzProtocol<SmtpReplyLine> = {
  adapter: smtpAdapter,
  noop: Buffer.from('NOOP\r\n'),
  // §3.8: a server that must close "SHOULD reply with 421"; 221 answers QUIT (§4.1.1.10).
  saidGoodbye: (lines) => {
    const last = lines.filter((l) => l.isFinal).at(-1);
    return last?.code === 421 || last?.code === 221;
  },
  // §3.8: a server that must close "SHOULD reply to the command with a 421 response code".
  goodbyeRule: { rule: 'close.421', ref: { rfc: 5321, section: '3.8' }, level: 'SHOULD', expected: 'a 421 reply before closing (RFC 5321 §3.8)' },
  goodbyeRules: new Set(),
  waitPoints: () => [],
  isGoAhead: () => false,
};

const pop3: FuzzProtocol<Pop3Line> = {
  adapter: pop3Adapter,
  noop: Buffer.from('NOOP\r\n'),
  // RFC 1939 defines no error goodbye; a final -ERR before closing is what servers do and what we allow. QUIT's answer ends the session (§6).
  saidGoodbye: (lines, sent) => {
    const last = lines.filter((l) => l.kind === 'status').at(-1);
    return last?.kind === 'status' && (last.status === '-ERR' || /(^|\r\n)QUIT(\r\n|$)/i.test(sent));
  },
  // §3: every command gets a status indicator; closing instead leaves the last command unanswered.
  goodbyeRule: { rule: 'close.unanswered', ref: { rfc: 1939, section: '3' }, level: 'MUST', expected: 'a response (-ERR) before closing' },
  goodbyeRules: new Set(['response.unsolicited']),
  waitPoints: () => [],
  isGoAhead: () => false,
};

const imap: FuzzProtocol<ImapUnit> = {
  adapter: imapAdapter,
  noop: Buffer.from('live1 NOOP\r\n'),
  // §7.1.5: BYE "indicates that the server is about to close the connection".
  saidGoodbye: (units) => units.some((u) => u.response.kind === 'bye'),
  // §3.4: "A server MUST NOT unilaterally close the connection without sending an untagged BYE response".
  goodbyeRule: { rule: 'close.bye', ref: { rfc: 3501, section: '3.4' }, level: 'MUST', expected: 'an untagged BYE before closing (RFC 3501 §3.4)' },
  goodbyeRules: new Set(),
  waitPoints: synchronizingLiteralEnds,
  isGoAhead: (unit) => unit.response.kind === 'continuation',
};

/**
 * After each `{n}CRLF` (not `{n+}`, LITERAL+), §7.5: the client waits for "+" before sending the
 * octets. The n octets themselves are skipped: a literal may contain text that looks like one.
 */
function synchronizingLiteralEnds(bytes: Buffer): number[] {
  const points: number[] = [];
  const text = bytes.toString('latin1');
  const marker = /\{(\d+)(\+?)\}\r\n/g;
  for (let m = marker.exec(text); m !== null; m = marker.exec(text)) {
    const end = m.index + m[0].length;
    if (m[2] === '' && end < bytes.length) points.push(end);
    marker.lastIndex = Math.min(text.length, end + Number(m[1]));
  }
  return points;
}

export const FUZZ_PROTOCOLS: { readonly smtp: FuzzProtocol<SmtpReplyLine>; readonly pop3: FuzzProtocol<Pop3Line>; readonly imap: FuzzProtocol<ImapUnit> } = { smtp, pop3, imap };

export function fuzzProtocol(protocol: Protocol): FuzzProtocol<SmtpReplyLine> | FuzzProtocol<Pop3Line> | FuzzProtocol<ImapUnit> {
  return FUZZ_PROTOCOLS[protocol];
}
