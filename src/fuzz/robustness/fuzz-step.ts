import type fc from 'fast-check';

/** One write to the server, as generated. */
export interface FuzzStep {
  /** How it was made, for people: e.g. "RCPT TO (lower-case verb, 8-bit byte)". */
  readonly label: string;
  readonly bytes: Buffer;
  /** Offsets (strictly increasing, inside the bytes) where the write is cut into separate writes. */
  readonly cuts: readonly number[];
  /** A half command left unfinished on purpose: sent last, no answer awaited, the session is dropped. */
  readonly abandoned: boolean;
}

/** A robustness run: reach `start` with well-formed commands, then send the generated steps. */
export interface RobustnessInput {
  /** One of the grammar's start states, e.g. "greeted", "authenticated", "selected". */
  readonly start: string;
  readonly steps: readonly FuzzStep[];
}

/** Fixed facts the generators use; the same context always yields the same inputs for one seed. */
export interface GrammarContext {
  /** client, from, rcpt, domain, user (no password). */
  readonly vars: ReadonlyMap<string, string>;
  /** Prefix of mailboxes the fuzzer may create, rename and delete (IMAP); no other mailbox is ever written. */
  readonly namespace: string;
  /** Whether generated commands may change or delete data the tool did not create. */
  readonly allowDestructive: boolean;
  /** Whether the run can log in, so authenticated start states are possible. */
  readonly canLogin: boolean;
  /** Most steps per input. */
  readonly maxSteps: number;
}

/** A protocol's robustness grammar: where a run may start and what it may send there. */
export interface RobustnessGrammar {
  /** Start states this context allows, e.g. ["greeted"] without an account. */
  starts(context: GrammarContext): readonly string[];
  /**
   * Well-formed lines (CRLF-terminated) that bring a fresh, greeted session to `start`; each gets
   * one complete answer. Credentials come from here, never from the generated value.
   */
  prelude(start: string, context: GrammarContext, password: string | undefined): readonly Buffer[];
  input(context: GrammarContext): fc.Arbitrary<RobustnessInput>;
}
