import type { ConnectOptions } from '../transport/connection.js';
import type { ScriptCase } from './script-case.js';

/** How the user lets the tool place messages in the target (see --seed-command). */
export interface SeedingOptions {
  /** A shell command that stores the message given on stdin in the tested mailbox. */
  readonly command?: string;
}

export interface CaseContext {
  readonly connect: ConnectOptions;
  readonly bindings: ReadonlyMap<string, string>;
  readonly fixturesDir: string;
  readonly seeding: SeedingOptions;
  /** --allow-destructive: the user accepts that destructive cases may change existing messages. */
  readonly allowDestructive: boolean;
}

/** What a protocol did to prepare a case: variables to add, or why it can't run, and how to undo it. */
export interface CaseSetup {
  readonly bindings?: ReadonlyMap<string, string>;
  readonly skip?: string;
  /** Removes what the setup created (seeded messages, mailboxes); runs even when the case failed. */
  readonly cleanup?: () => Promise<void>;
}

/** What a protocol may do once before the first case: the run's connection and variables. */
export interface RunContext {
  readonly connect: ConnectOptions;
  readonly bindings: ReadonlyMap<string, string>;
}

/** A protocol's work before the first case (IMAP: remove old leftovers of killed runs); returns notes for the user. */
export type PrepareRun = (context: RunContext) => Promise<readonly string[]>;

/** A protocol's per-case preparation (POP3 seeds the maildrop; IMAP creates the case's mailbox). */
export type PrepareCase<P> = (scriptCase: ScriptCase<P>, context: CaseContext) => Promise<CaseSetup>;

/**
 * The default for protocols that place nothing: a case that declares seeded messages or destructive
 * steps can't be prepared, so it is skipped with the reason.
 */
export async function prepareNothing<P>(scriptCase: ScriptCase<P>, context: CaseContext): Promise<CaseSetup> {
  if (scriptCase.header.seed.length > 0) return { skip: `${scriptCase.protocol} cannot seed messages yet` };
  if (scriptCase.header.destructive && !context.allowDestructive) return { skip: 'destructive case: give --allow-destructive to run it' };
  return {};
}
