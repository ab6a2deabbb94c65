import type fc from 'fast-check';
import type { RequirementLevel, RfcRef } from '../protocol/shared/rfc.js';
import type { Protocol } from '../report/result.js';
import type { TlsSettings } from '../transport/connection.js';

/** Where the target listens, and whether it speaks TLS from the first byte. */
export interface FuzzEndpoint {
  readonly host: string;
  readonly port: number;
  /** Certificate checks (implicit TLS, STARTTLS). */
  readonly tls?: TlsSettings;
  readonly implicitTls?: boolean;
}

/**
 * A mailbox the SMTP target delivers into, read back to see what arrived (smtp.delivery). Only
 * POP3 for now; `protocol` leaves room for IMAP.
 */
export interface LinkedMailbox {
  readonly protocol: 'pop3';
  readonly endpoint: FuzzEndpoint;
  readonly user: string;
  /** Never written to a finding or report. */
  readonly password?: string;
  /** Longest wait for an accepted message to appear in the mailbox. */
  readonly deliveryTimeoutMs: number;
}

/**
 * Everything a property needs to generate inputs and run them. Fixed for a whole campaign, and
 * saved with each finding (minus the password) so a replay rebuilds the very same arbitraries.
 */
export interface FuzzSettings {
  readonly protocol: Protocol;
  readonly endpoint: FuzzEndpoint;
  /** Account for POP3/IMAP properties; without one, they stay in the not-authenticated state. */
  readonly user?: string;
  /** Never written to a finding or report. */
  readonly password?: string;
  /** Message defaults and targets: client (EHLO name), from, rcpt, domain. */
  readonly vars: ReadonlyMap<string, string>;
  /** Longest wait for an owed answer before it counts as a hang. */
  readonly answerTimeoutMs: number;
  readonly connectTimeoutMs: number;
  /** Without it, nothing the tool did not create is ever deleted or changed (no POP3 DELE of the user's mail). */
  readonly allowDestructive: boolean;
  /** Prefix of every mailbox the fuzzer creates (IMAP), unique per shard so shards can share an account. */
  readonly namespace: string;
  /** Shell command that delivers a message (on stdin) to the account, for POP3 properties that need known mail. */
  readonly seedCommand?: string;
  /** Upper bound on generated commands per run (robustness steps or model commands). */
  readonly maxCommands: number;
  /** SMTP: where accepted test mail can be read back (smtp.delivery needs it). */
  readonly linked?: LinkedMailbox;
}

/** Counters a run adds to, for the progress line and the benchmark. */
export interface FuzzStats {
  /** Commands (robustness steps or model commands) sent. */
  commands: number;
}

/** What fast-check needs to rebuild an arbitrary exactly, for a replay: the commands' replayPath. */
export interface ArbitraryReplay {
  readonly replayPath?: string;
}

/**
 * One fuzz property against a live server. `run` throws FuzzFailure when the server breaks the
 * property; fast-check shrinks the input by running it again, so every run starts from a fresh
 * state (a new connection, a new mailbox, a re-seeded maildrop).
 */
export interface FuzzProperty<T> {
  /** e.g. "imap.robustness", "imap.mailbox-model". */
  readonly name: string;
  readonly protocol: Protocol;
  /** One line: what the property asserts. */
  readonly summary: string;
  readonly ref: RfcRef;
  readonly level: RequirementLevel;
  /** Why the property cannot run against these settings (e.g. it needs an account), or undefined. */
  unavailableReason?(settings: FuzzSettings): string | undefined;
  arbitrary(settings: FuzzSettings, replay?: ArbitraryReplay): fc.Arbitrary<T>;
  run(input: T, settings: FuzzSettings, stats: FuzzStats): Promise<void>;
  /** The input as JSON, saved with a finding (robustness inputs are plain data; model runs give their command list). */
  describeInput(input: T): unknown;
  /**
   * After the campaign (interrupted too) or a replay: removes what the runs created on the target
   * and may have left behind (IMAP mailboxes under the namespace). Best effort; never throws.
   */
  cleanUp?(settings: FuzzSettings): Promise<void>;
}
