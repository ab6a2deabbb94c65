import type { RequirementLevel, RfcRef } from '../protocol/shared/rfc.js';
import type { CaseResult, Protocol } from '../report/result.js';
import type { LineMatcher } from './adapter.js';

export interface Loc {
  /** Path relative to the suites root. */
  readonly file: string;
  readonly line: number;
}

export interface CaseHeader {
  readonly id: string;
  readonly summary: string;
  readonly ref: RfcRef;
  readonly level: RequirementLevel;
  /** Capabilities / EHLO keywords the case needs; missing ones make it a skip, not a failure. */
  readonly requires: readonly string[];
  /** The RFC sentence the case enforces, shown with a failure. */
  readonly quote?: string;
  /** A note for readers, e.g. which replies the RFC allows and why. */
  readonly note?: string;
  /** Per-read timeout override for slow steps. */
  readonly timeoutMs?: number;
  /**
   * Messages the runner places in the target before the case (fixture paths, or "any": any
   * message will do). The protocol binds m1, m1.size, … to where they landed.
   */
  readonly seed: readonly string[];
  /** The case permanently removes or changes messages (POP3 DELE + QUIT, IMAP EXPUNGE). */
  readonly destructive: boolean;
}

/** How many received lines an expectation takes: exactly one, optional, zero or more, one or more. */
export type Quantifier = 'one' | 'optional' | 'any' | 'some';

export interface SendStep {
  readonly kind: 'send';
  /** Text with ${var} templates. */
  readonly template: string;
  /** C!: the text's escapes are decoded and no CRLF is appended. */
  readonly raw: boolean;
  readonly loc: Loc;
}

export interface ExpectStep<P> {
  readonly kind: 'expect';
  readonly matcher: LineMatcher<P>;
  readonly quantifier: Quantifier;
  readonly loc: Loc;
}

export type Step<P> =
  | SendStep
  | ExpectStep<P>
  | { readonly kind: 'unordered'; readonly expects: readonly ExpectStep<P>[]; readonly loc: Loc }
  | { readonly kind: 'pipeline'; readonly sends: readonly SendStep[]; readonly loc: Loc }
  | { readonly kind: 'session'; readonly name: string; readonly loc: Loc }
  | { readonly kind: 'close'; readonly loc: Loc }
  | { readonly kind: 'expect-close'; readonly loc: Loc }
  /**
   * TLS handshake on the current session, after the server's go-ahead (STARTTLS, STLS). With
   * mayFail, a failed handshake ends the case as passed: a probe that sent plaintext behind the
   * command has its answer when the server took those bytes for TLS and gave up.
   */
  | { readonly kind: 'starttls'; readonly mayFail: boolean; readonly loc: Loc }
  /** The server must send nothing for this long (e.g. no answer to commands injected before TLS). */
  | { readonly kind: 'quiet'; readonly ms: number; readonly loc: Loc }
  | { readonly kind: 'send-fixture'; readonly fixture: string; readonly loc: Loc };

export interface ScriptCase<P> {
  readonly protocol: Protocol;
  readonly header: CaseHeader;
  readonly steps: readonly Step<P>[];
  readonly file: string;
  /** Folder of the file relative to the suites root, e.g. "smtp/rfc5321". */
  readonly suite: string;
  /** Variables used before any step captures them: they must come from the run (e.g. rcpt). */
  readonly needs: readonly string[];
  /** Fixture files the case sends. */
  readonly fixtures: readonly string[];
}

export interface SuiteError {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

/** The fields of a result that say which case it is. */
export function caseIdentity<P>(c: ScriptCase<P>): Pick<CaseResult, 'id' | 'protocol' | 'suite' | 'summary' | 'ref' | 'level' | 'file'> {
  return { id: c.header.id, protocol: c.protocol, suite: c.suite, summary: c.header.summary, ref: c.header.ref, level: c.header.level, file: c.file };
}

/** What `seed: any` places: a plain message. */
export const ANY_SEED_FIXTURE = 'messages/plain.eml';
