import type { Protocol } from '../../report/result.js';
import type { FuzzEvidence } from '../fuzz-failure.js';
import type { ProcessDeath } from '../target/fuzz-target.js';

/** The settings a replay needs, as saved: everything but the password. */
export interface SavedSettings {
  readonly protocol: Protocol;
  readonly host: string;
  readonly port: number;
  /** The target spoke TLS from the first byte (the CA to trust is given again at replay, as --ca). */
  readonly implicitTls?: boolean;
  readonly user?: string;
  readonly vars: Readonly<Record<string, string>>;
  readonly answerTimeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly allowDestructive: boolean;
  readonly namespace: string;
  readonly maxCommands: number;
  readonly seedCommand?: string;
  /** The linked mailbox, without its password (a replay takes it from --password-env). */
  readonly linked?: SavedLinkedMailbox;
}

export interface SavedLinkedMailbox {
  readonly protocol: 'pop3';
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly deliveryTimeoutMs: number;
}

/**
 * A confirmed, shrunk finding as saved under reports/findings/<id>.json: its evidence (rule,
 * expected vs received, minimal transcript) and what replays it (seed, path, replayPath, settings).
 */
export interface Finding extends FuzzEvidence {
  readonly format: 'mailconform-finding/1';
  readonly id: string;
  readonly tool: { readonly name: string; readonly version: string };
  readonly createdAt: string;
  readonly property: string;
  readonly protocol: Protocol;
  /** host:port, or the spawned command. */
  readonly target: string;
  /** The server's first line in the minimal run, escaped. */
  readonly greeting?: string;
  readonly replay: {
    /** The fast-check seed of the batch that found it. */
    readonly seed: number;
    /** fast-check's counterexamplePath: with the seed, it replays the shrunk input directly. */
    readonly path: string;
    /** For command-sequence properties: which generated commands actually ran (fc.commands replayPath). */
    readonly replayPath?: string;
    readonly settings: SavedSettings;
  };
  /** The shrunk input as data (robustness: the exact bytes of each step; models: the commands). */
  readonly input: unknown;
  readonly shrinks: number;
  /** Spawned targets: how the process died and what it said last. */
  readonly process?: ProcessDeath;
}
