import type { ProtocolAdapter } from '../../../script/adapter.js';

/** One server expectation of a transcript: `S:`, `S*:` (zero or more) or `S?:` (optional), and its pattern. */
export interface ExpectLine {
  readonly prefix: 'S:' | 'S*:' | 'S?:';
  readonly pattern: string;
}

/**
 * One protocol's view of one connection while a finding is written as a case. It sees every
 * client line in order, and turns what the fuzzed server said into what any conforming server
 * may say, since the case must pass on a fixed server, not only describe the faulty one.
 */
export interface CaseConnection<P> {
  /** A client line's wire bytes. True when the line is data of a client literal (IMAP): its octets are counted, so no ${variable} may go there. */
  sent(line: Buffer): boolean;
  /** An observed unit widened: its reply code, status or tag kept, its text any. */
  widen(unit: P): ExpectLine;
  /** Any complete, well-formed answer to what is owed now. */
  anyAnswer(): ExpectLine[];
  /** The answer a model rule demands, read from the finding's `expected`; undefined when that is no pattern. */
  demanded(expected: string): ExpectLine[] | undefined;
}

export interface CaseProtocol<P> {
  readonly adapter: ProtocolAdapter<P>;
  /** A command answered in every state (without CRLF): does the server still answer? */
  readonly probe: string;
  /** Client lines that carry credentials: the redacted password ("***") in them becomes ${password}. */
  readonly credentialLine: RegExp;
  /** The view of a new connection, named as the case's session is. */
  open(name: string): CaseConnection<P>;
}
