import { sectionOf, type ProtocolRule } from '../protocol/shared/rule.js';

const rfc5321 = sectionOf(5321);
const rule = (name: string, section: string, level: ProtocolRule['level'] = 'MUST'): ProtocolRule => ({ rule: name, ref: rfc5321(section), level });

/**
 * What the envelope model holds an SMTP server to: only replies RFC 5321 fixes for the state the
 * session is in. Where the server may decide (accept or refuse a sender, a recipient, relaying,
 * a MAIL before EHLO, DATA without recipients), the model only follows what it decided.
 */
export const SMTP_MODEL_RULES = {
  /** "If a RCPT command appears without a previous MAIL command, the server MUST return a 503 "Bad sequence of commands" response." (§3.3) */
  rcptBeforeMail: rule('RCPT.before-MAIL', '3.3'),
  /** "The receiver MUST send a "250 OK" reply to a RSET command with no arguments." (§4.1.1.5) */
  rset: rule('RSET.reply-250', '4.1.1.5'),
  /** NOOP "specifies no action other than that the receiver send a "250 OK" reply", and "may be issued at any time" (§4.1.1.9). */
  noop: rule('NOOP.reply-250', '4.1.1.9'),
  /**
   * "The NOOP, HELP, EXPN, VRFY, and RSET commands can be used at any time during a session, or
   * without previously initializing a session. SMTP servers SHOULD process these normally (that
   * is, not return a 503 code) even if no EHLO command has yet been received" (§4.1.4)
   */
  beforeEhlo: rule('commands-before-EHLO', '4.1.4', 'SHOULD'),
  /** "If the EHLO command is not acceptable to the SMTP server, 501, 500, 502, or 550 failure replies MUST be returned as appropriate." (§4.1.4; §4.3.2 adds 504) */
  ehloRefusal: rule('EHLO.refusal-code', '4.1.4'),
  /**
   * DATA: "If accepted, the SMTP server returns a 354 Intermediate reply" (§3.3), and "message data
   * MUST NOT be sent unless a 354 reply is received": a 2yz to DATA itself accepts nothing.
   */
  dataReply: rule('DATA.reply-354', '3.3'),
  /**
   * "RCPT commands that specify ... the special case of "RCPT TO:<Postmaster>" (with no domain
   * specification), MUST be supported." (§4.5.1)
   */
  postmaster: rule('RCPT.postmaster', '4.5.1'),
} as const satisfies Record<string, ProtocolRule>;

/** A rule the server broke, with what the model expected and the reply that came. */
export interface SmtpBreach {
  readonly rule: ProtocolRule;
  readonly message: string;
  readonly expected: string;
  readonly received: string;
}
