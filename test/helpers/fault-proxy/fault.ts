import type { RequirementLevel, RfcRef } from '../../../src/protocol/shared/rfc.js';
import type { Frame } from './framing.js';

export type FaultProtocol = 'smtp' | 'pop3' | 'imap';

/**
 * A unit the client sent. command: a line that starts a command (its reply is owed). line: any
 * other client line (an SMTP DATA body line, the "." that ends it, a SASL response, the rest of an
 * IMAP command after a literal, IDLE's DONE). octets: announced octets (IMAP literal, BDAT chunk).
 */
export interface ClientUnit extends Frame {
  readonly kind: 'command' | 'line' | 'octets';
  /** Upper-cased command word for commands ("UID FETCH" for IMAP UID commands), else ''. */
  readonly verb: string;
  /** IMAP command tag, else ''. */
  readonly tag: string;
  /**
   * More client bytes were already waiting behind this unit when the proxy read it: the client did
   * not wait for an answer (pipelining, or a command injected behind STARTTLS). Set by the proxy.
   */
  readonly pipelined?: boolean;
}

/** A unit the server sent: an SMTP reply line, a POP3 line, a whole IMAP response (literals included). */
export interface ServerUnit extends Frame {
  /**
   * The verb of the command this unit answers: SMTP/POP3 the oldest command still owed a reply
   * (GREETING for the greeting, END_OF_DATA for the reply to DATA's "."), IMAP the tagged
   * command's verb, or for untagged data and "+" the oldest/latest command in progress.
   * Undefined when nothing is owed.
   */
  readonly answers: string | undefined;
  /** The last unit of its reply: SMTP "ddd " line, POP3 status line or ".", IMAP tagged completion. */
  readonly final: boolean;
}

/** What a fault may ask about the session, as the real server sees it (before the unit at hand). */
export interface SessionView {
  readonly protocol: FaultProtocol;
  /** A login succeeded (SMTP AUTH 235, POP3 +OK to PASS/APOP/AUTH, IMAP OK to LOGIN/AUTHENTICATE or PREAUTH). */
  readonly authenticated: boolean;
  /** SMTP: MAIL was accepted and the transaction has not ended (RSET, EHLO/HELO, end of data). */
  readonly inMailTransaction: boolean;
}

/**
 * What happens instead of forwarding a unit unchanged. replace: send these bytes in its place
 * (empty: drop it; a dropped client command is owed no reply). hang: withhold this unit and
 * everything after it in both directions, like a hung server; the sockets stay open until the
 * client leaves or the proxy stops. reset: close both sides abruptly (RST to the client).
 * crash: the whole server "dies" (see FaultProxyOptions.onCrash).
 */
export type ServerAction =
  | { readonly do: 'replace'; readonly bytes: Buffer }
  | { readonly do: 'hang' }
  | { readonly do: 'reset' }
  | { readonly do: 'crash'; readonly reason: string };

/**
 * For client units, also answer: the command is not forwarded and the proxy sends `bytes` to the
 * client itself, after the replies to earlier commands (SMTP, POP3; IMAP at once); with close,
 * it then closes both sides, so the server never sees the command.
 *
 * replay-after-tls, for the command that starts TLS (STARTTLS, STLS): it goes to the server alone
 * and the client bytes behind it are kept. If the server gives its go-ahead, the proxy relays it,
 * terminates TLS on both sides itself (FaultProxyOptions.tls towards the client, a TLS client
 * towards the server) and sends the kept plaintext to the server inside TLS, as a server that kept
 * its input buffer across the handshake runs it (CVE-2011-0411); then it relays the decrypted
 * bytes unchanged. If the server refuses, the kept bytes go on as usual. Needs Fault.terminatesTls.
 */
export type ClientAction =
  | ServerAction
  | { readonly do: 'answer'; readonly bytes: Buffer; readonly close: boolean }
  | { readonly do: 'replay-after-tls' };

/**
 * A fault's behaviour on one connection. Each hook returns undefined to forward the unit
 * unchanged, or an action; every action counts as the fault having fired (FaultProxy.triggered).
 */
export interface FaultHooks {
  client?(unit: ClientUnit, session: SessionView): ClientAction | undefined;
  server?(unit: ServerUnit, session: SessionView): ServerAction | undefined;
  /**
   * The client went away (FIN or abort, or the proxy closing its side after the server did);
   * called once per connection, also to let cross-connection state forget it. Bytes returned
   * reach the server before the proxy closes that side too (a QUIT the client never sent) and
   * count as the fault having fired.
   */
  clientGone?(session: SessionView): Buffer | undefined;
}

export interface Fault {
  /** "<protocol>.<what-breaks>", or "passthrough". */
  readonly name: string;
  /** 'any' only for the control fault, which then needs the protocol from the caller. */
  readonly protocol: FaultProtocol | 'any';
  /** The rule the fault breaks; null for the control fault. */
  readonly ref: RfcRef | null;
  readonly level: RequirementLevel | null;
  /** One sentence: what the faulty server does. */
  readonly summary: string;
  /**
   * Suite case ids and fuzz property names that must catch it (the detection matrix may find more).
   * The fast detection test in npm test runs just these against the fault, so recall cannot
   * silently regress; faults without it are covered by `npm run detect` only.
   */
  readonly detectedBy?: readonly string[];
  /** The fault terminates TLS itself (replay-after-tls): the proxy then needs a certificate (FaultProxyOptions.tls). */
  readonly terminatesTls?: boolean;
  /**
   * Called once per client connection; state kept in the closure is that connection's own.
   * `connection` counts the proxy's connections from 1, so a fault can treat a second session
   * differently from the first.
   */
  open(connection: number): FaultHooks;
}
