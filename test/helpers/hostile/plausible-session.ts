import fc from 'fast-check';
import type { ConnectOptions } from '../../../src/transport/connection.js';
import type { HostileSegment } from './hostile-stream.js';

/** One step of a conversation: the lines the client sends (0 for the greeting), then the server's answer. */
export interface Exchange {
  readonly clientLines: number;
  readonly reply: fc.Arbitrary<string>;
}

/**
 * A reference-client routine and the conversation it has: `exchanges` describe what a well-behaved
 * server would send, `run` drives the real client (or probe) through it and resolves when done.
 */
export interface ClientScenario {
  readonly name: string;
  readonly exchanges: readonly Exchange[];
  /** Reads the client may wait for: with the read timeout, bounds how long a run may take. */
  readonly maxReads: number;
  run(connect: ConnectOptions): Promise<void>;
}

/** The exchanges' replies, each released once the client has sent every line before it. */
export function plausibleSegments(exchanges: readonly Exchange[]): fc.Arbitrary<HostileSegment[]> {
  return fc.tuple(...exchanges.map((e) => e.reply)).map((replies) => {
    let gate = 0;
    return replies.map((reply, i) => {
      gate += exchanges[i]!.clientLines;
      return { afterClientLines: gate, bytes: Buffer.from(reply, 'latin1') };
    });
  });
}

/** Mostly `usual`, sometimes one of `others`: a plausible server says yes, a hostile one anything. */
export function mostly(usual: string, ...others: string[]): fc.Arbitrary<string> {
  return others.length === 0 ? fc.constant(usual) : fc.oneof({ arbitrary: fc.constant(usual), weight: 4 }, { arbitrary: fc.constantFrom(...others), weight: 1 });
}

/** LF count of what a client sends: the replay server gates on it. */
export function countLines(bytes: Uint8Array): number {
  let n = 0;
  for (const b of bytes) if (b === 0x0a) n++;
  return n;
}
