import { performance } from 'node:perf_hooks';

/** in: from the server, out: from the tool, note: something the transport saw (connect, close, timeout). */
export type WireDirection = 'in' | 'out' | 'note';

export interface WireEvent {
  readonly atMs: number;
  readonly direction: WireDirection;
  /** Raw bytes for in/out; the note's text (UTF-8) for notes. */
  readonly bytes: Buffer;
}

/** Default cap on logged bytes per direction: evidence stays, a flood can't exhaust memory. */
export const DEFAULT_WIRE_LOG_LIMIT = 1024 * 1024;

/**
 * Every byte in both directions with a timestamp, in order. Transcripts in reports are rendered
 * from this, so what a report shows is what crossed the wire, not what a parser made of it.
 */
export class WireLog {
  private readonly entries: WireEvent[] = [];
  private readonly loggedBytes = { in: 0, out: 0 };
  private readonly droppedBytes = { in: 0, out: 0 };

  constructor(
    private readonly origin: number = performance.now(),
    private readonly limitPerDirection: number = DEFAULT_WIRE_LOG_LIMIT,
  ) {}

  record(direction: 'in' | 'out', bytes: Buffer): void {
    const room = this.limitPerDirection - this.loggedBytes[direction];
    if (room <= 0) {
      this.droppedBytes[direction] += bytes.length;
      return;
    }
    const kept = bytes.length <= room ? bytes : bytes.subarray(0, room);
    this.loggedBytes[direction] += kept.length;
    this.droppedBytes[direction] += bytes.length - kept.length;
    // Copy: the caller's buffer may be reused or be a view into a larger one.
    this.entries.push({ atMs: this.now(), direction, bytes: Buffer.from(kept) });
  }

  note(text: string): void {
    this.entries.push({ atMs: this.now(), direction: 'note', bytes: Buffer.from(text, 'utf8') });
  }

  events(): readonly WireEvent[] {
    return this.entries;
  }

  /** Bytes not kept because the per-direction limit was reached. */
  dropped(): Readonly<{ in: number; out: number }> {
    return this.droppedBytes;
  }

  private now(): number {
    return Math.round((performance.now() - this.origin) * 1000) / 1000;
  }
}
