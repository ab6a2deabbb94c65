import type { FramedLine } from '../transport/framed-line.js';
import type { CheckedUnit, UnitStep } from '../protocol/shared/complete-unit.js';
import type { Protocol } from '../report/result.js';
import type { Bindings } from './text-pattern.js';

/**
 * What a protocol plugs into the protocol-agnostic transcript engine: how `S:` lines are read as
 * patterns, how received lines are parsed and checked, and when the server still owes lines.
 * `P` is the protocol's parsed view of one server line (e.g. an SMTP reply line).
 */
export interface ProtocolAdapter<P> {
  readonly protocol: Protocol;
  /** Suite files of this protocol end with this, e.g. ".smtp". */
  readonly fileExtension: string;
  /** Compiles the text after `S:` into a matcher, or says why it can't. */
  compileMatcher(text: string): LineMatcher<P> | { readonly error: string };
  /** A fresh per-connection tracker: parses and checks every received line. */
  createTracker(): SessionTracker<P>;
  /** Bytes that send a fixture message in this protocol's framing (SMTP: the dot-stuffed DATA body). */
  encodeFixture(message: Buffer): Buffer;
  /**
   * Variables the protocol provides itself, never asked of the user: facts the trackers learn from
   * the server (SessionTracker.facts, e.g. apop.timestamp) and what the case setup binds (mailbox).
   */
  readonly providedVariables?: readonly string[];
  /**
   * Lines the server may send at any time (IMAP untagged status updates, RFC 3501 §7): when one
   * doesn't match what the script expects, it is passed over instead of failing the case.
   */
  isUnsolicited?(line: P): boolean;
}

export type MatchOutcome =
  | { readonly ok: true; readonly captures: ReadonlyMap<string, string> }
  | { readonly ok: false; readonly mismatch: string };

export interface LineMatcher<P> {
  /** The pattern as written, for "expected" in failures. */
  readonly source: string;
  /** Variables the pattern captures or refers to. */
  readonly variables: readonly string[];
  match(line: P, bindings: Bindings): MatchOutcome;
}

/** One parsed, checked server unit. */
export type ParsedLine<P> = CheckedUnit<P>;

/** A parsed unit, or what the tracker needs before the unit is complete (IMAP literals). */
export type TrackerStep<P> = UnitStep<P>;

/**
 * Follows one connection the way the protocol's reference client would: it sees every byte sent and
 * every line received, parses and checks each line, and knows whether a reply is still owed.
 */
export interface SessionTracker<P> {
  onSend(bytes: Buffer): void;
  onLine(line: FramedLine): TrackerStep<P>;
  /** The bytes asked for by a { more: 'bytes' } step. */
  onBytes?(bytes: Buffer): TrackerStep<P>;
  /** True while the server owes lines: a reply to a sent command, or the rest of a multi-line reply. */
  awaitingLines(): boolean;
  /** Protocol session state for diagnostics, e.g. "RCPT". */
  describeState(): string;
  /** Facts learned from the server that transcripts may use as ${name}, e.g. "apop.timestamp". */
  facts?(): ReadonlyMap<string, string>;
  /**
   * A STARTTLS/STLS handshake just completed. Commands the client sent after the command that
   * started it were plaintext the server must discard (RFC 3207 §4.2), so no answer is owed them.
   */
  onTlsStarted?(): void;
}
