import { replyClass, type SmtpReplyClass } from './reply-codes.js';

/** Where an SMTP session stands, as the client has seen the server confirm it. */
export enum SmtpState {
  /** Connected, no HELO/EHLO accepted yet (also after a 554 greeting, until QUIT: §3.1). */
  Greeting = 'GREETING',
  /** After HELO/EHLO: no mail transaction open. */
  Ready = 'READY',
  /** MAIL accepted. */
  Mail = 'MAIL',
  /** At least one RCPT accepted. */
  Rcpt = 'RCPT',
  /** 354 seen: the client is sending content, ended by "." (verb '.'). */
  Data = 'DATA',
  Closed = 'CLOSED',
}

interface Transition {
  readonly from: readonly SmtpState[];
  /** Reply classes that move the session; any other reply leaves it where it was. */
  readonly on: readonly SmtpReplyClass[];
  readonly to: SmtpState;
}

/** States in which the client sends commands (in Data it sends content lines). */
const COMMAND_STATES = [SmtpState.Greeting, SmtpState.Ready, SmtpState.Mail, SmtpState.Rcpt] as const;

/**
 * The transitions, keyed by uppercased verb. Only the reply's first digit is read (§4.3.2: clients
 * "SHOULD, when possible, interpret only the first digit of the reply"), so RCPT 251 or an
 * unlisted 2yz count as success. The state mirrors what the server accepted, even out of order
 * (e.g. RCPT accepted without MAIL): whether it should have is for the suites to judge, and the
 * client must stay in step with the server — above all on 354, after which every line is data.
 */
const TRANSITIONS: ReadonlyMap<string, Transition> = new Map([
  // "a "250 OK" reply to one of them, confirm that both the SMTP client and the SMTP server are in
  // the initial state, that is, there is no transaction in progress" (§4.1.1.1)
  ['EHLO', { from: COMMAND_STATES, on: [2], to: SmtpState.Ready }],
  ['HELO', { from: COMMAND_STATES, on: [2], to: SmtpState.Ready }],
  // MAIL "tells the SMTP-receiver that a new mail transaction is starting" (§3.3)
  ['MAIL', { from: COMMAND_STATES, on: [2], to: SmtpState.Mail }],
  ['RCPT', { from: COMMAND_STATES, on: [2], to: SmtpState.Rcpt }],
  // "message data MUST NOT be sent unless a 354 reply is received" (§3.3)
  ['DATA', { from: COMMAND_STATES, on: [3], to: SmtpState.Data }],
  // After the end of mail data the transaction is over either way: "on the completion of this
  // command these buffers are cleared" (§4.1.1.4).
  ['.', { from: [SmtpState.Data], on: [2, 4, 5], to: SmtpState.Ready }],
  // RSET before EHLO is "effectively equivalent to a NOOP" (§4.1.1.5): it does not greet.
  ['RSET', { from: [SmtpState.Ready, SmtpState.Mail, SmtpState.Rcpt], on: [2], to: SmtpState.Ready }],
  // "After receiving a QUIT command and responding with a 221 reply" the server closes (§3.8).
  ['QUIT', { from: COMMAND_STATES, on: [2], to: SmtpState.Closed }],
]);

/**
 * The state after `verb` (case-insensitive; '.' for the end of mail data) got a reply with
 * `replyCode`. Pure. A reply that does not confirm the command leaves the state unchanged
 * (§4.1.4: on 501/503 the server "MUST stay in the same state").
 */
export function nextSmtpState(state: SmtpState, verb: string, replyCode: number | undefined): SmtpState {
  if (state === SmtpState.Closed) return state;
  // "any SMTP command can return" 421 "Service shutting down and closing transmission channel"
  // (§4.3.2), and the server may then close (§3.8).
  if (replyCode === 421) return SmtpState.Closed;
  const transition = TRANSITIONS.get(verb.toUpperCase());
  const cls = replyClass(replyCode);
  if (transition === undefined || cls === undefined) return state;
  return transition.from.includes(state) && transition.on.includes(cls) ? transition.to : state;
}
