import { escapeBytes } from '../../../src/protocol/shared/bytes.js';

/**
 * Bytes the server sends once the client has sent at least `afterClientLines` LF-terminated lines:
 * the gate keeps a plausible session in step with the client (a reply after its command) without
 * the server understanding the protocol.
 */
export interface HostileSegment {
  readonly afterClientLines: number;
  readonly bytes: Buffer;
}

/** What the server does once every segment it could send is sent. */
export type HostileEnding = 'close' | 'reset' | 'silent';

/** How the bytes go out: cut at these stream offsets, with a pause before each piece. */
export interface WriteSchedule {
  /** Stream offsets (ascending) where a write ends; `every-byte` writes each of the first bytes alone. */
  readonly cuts: readonly number[];
  /** Pause before piece i (cycled); small, so the client's read timeout is not what is tested. */
  readonly delaysMs: readonly number[];
  /** Write the first N bytes one at a time (split at every byte boundary). */
  readonly byteByBytePrefix: number;
}

/** One hostile server conversation: what to send, when, in which pieces, and how it ends. */
export interface HostileStream {
  readonly segments: readonly HostileSegment[];
  readonly schedule: WriteSchedule;
  readonly ending: HostileEnding;
  /** Which generator and mutations produced it, for counterexamples and soak statistics. */
  readonly labels: readonly string[];
}

export function totalBytes(stream: HostileStream): number {
  return stream.segments.reduce((n, s) => n + s.bytes.length, 0);
}

/** A readable form for fast-check counterexamples: gates, escaped bytes (long runs elided), schedule. */
export function describeStream(stream: HostileStream): string {
  const segments = stream.segments.map((s) => `  after ${s.afterClientLines}: ${escapeBytes(s.bytes, 600)}`).join('\n');
  const { cuts, delaysMs, byteByBytePrefix } = stream.schedule;
  return `[${stream.labels.join(', ')}] ending=${stream.ending} cuts=${JSON.stringify(cuts)} delays=${JSON.stringify(delaysMs)} byteByByte=${byteByBytePrefix}\n${segments}`;
}

