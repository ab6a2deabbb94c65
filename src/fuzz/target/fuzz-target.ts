import type { FuzzEndpoint } from '../fuzz-property.js';

/** How a spawned server process ended. */
export interface ProcessDeath {
  readonly code: number | null;
  readonly signal: string | null;
  /** The last lines it wrote to stderr. */
  readonly stderrTail: readonly string[];
}

/** The server under fuzzing: one already listening, or one the tool starts and restarts (--spawn). */
export interface FuzzTarget {
  readonly endpoint: FuzzEndpoint;
  /** For reports: "127.0.0.1:143" or the spawned command. */
  readonly description: string;
  /** Before each run: the server is up, restarting a spawned one that died. False if it can't be. */
  ensureUp(): Promise<boolean>;
  /**
   * After a failed run: how the process died, if it did (spawned targets only), waiting up to
   * graceMs for a dying process to be reaped.
   */
  death(graceMs?: number): Promise<ProcessDeath | undefined>;
  /** The last lines the spawned server wrote to stderr (empty otherwise). */
  stderrTail(): readonly string[];
  stop(): Promise<void>;
}

/** A server someone else runs: the tool can't restart it or see its process. */
export function listeningTarget(endpoint: FuzzEndpoint): FuzzTarget {
  return {
    endpoint,
    description: endpoint.host.includes(':') ? `[${endpoint.host}]:${endpoint.port}` : `${endpoint.host}:${endpoint.port}`,
    ensureUp: () => Promise.resolve(true),
    death: () => Promise.resolve(undefined),
    stderrTail: () => [],
    stop: () => Promise.resolve(),
  };
}
