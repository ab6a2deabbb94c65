import type { FramedLine } from './framed-line.js';

const LF = 0x0a;
const CR = 0x0d;

/** What takeLine() found: a line, nothing complete yet, or a line beyond the limit. */
export type TakeLineResult =
  | { readonly kind: 'line'; readonly line: FramedLine }
  | { readonly kind: 'incomplete' }
  | { readonly kind: 'too-long'; readonly length: number };

/**
 * Inbound byte buffer with line and exact-count framing. Pure (no sockets), so every framing rule
 * is unit-testable. Chunks are kept as received and only joined when a frame is taken, so a large
 * literal arriving in many chunks costs one copy, not one per chunk.
 */
export class FrameReader {
  private chunks: Buffer[] = [];
  /** Offset of the first unconsumed byte inside chunks[0]. */
  private head = 0;
  private size = 0;
  /** Unconsumed bytes already scanned for LF without finding one: rescanning them is wasted work. */
  private scanned = 0;
  private consumedTotal = 0;

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.size += chunk.length;
  }

  get bufferedBytes(): number {
    return this.size;
  }

  /** Offset in the inbound stream of the next byte to be taken. */
  get streamOffset(): number {
    return this.consumedTotal;
  }

  /**
   * Takes the next LF-terminated line. maxLength bounds the line's bytes without terminator; a
   * longer line is reported, not taken, so the caller decides what to do with the connection.
   */
  takeLine(maxLength: number): TakeLineResult {
    const lf = this.indexOfLf(this.scanned);
    if (lf === -1) {
      this.scanned = this.size;
      return this.size > maxLength ? { kind: 'too-long', length: this.size } : { kind: 'incomplete' };
    }
    const crlf = lf > 0 && this.byteAt(lf - 1) === CR;
    const contentLength = crlf ? lf - 1 : lf;
    if (contentLength > maxLength) return { kind: 'too-long', length: contentLength };
    const streamOffset = this.consumedTotal;
    const raw = this.take(lf + 1);
    return {
      kind: 'line',
      line: { bytes: raw.subarray(0, contentLength), ending: crlf ? 'crlf' : 'lf', streamOffset },
    };
  }

  /** Takes exactly n bytes, or undefined if fewer are buffered. */
  takeBytes(n: number): Buffer | undefined {
    return this.size >= n ? this.take(n) : undefined;
  }

  /** Takes whatever is buffered (e.g. a partial line left when the peer closed). */
  takeAll(): Buffer {
    return this.take(this.size);
  }

  private take(n: number): Buffer {
    const parts: Buffer[] = [];
    let remaining = n;
    while (remaining > 0) {
      const chunk = this.chunks[0]!;
      const available = chunk.length - this.head;
      if (available <= remaining) {
        parts.push(chunk.subarray(this.head));
        this.chunks.shift();
        this.head = 0;
        remaining -= available;
      } else {
        parts.push(chunk.subarray(this.head, this.head + remaining));
        this.head += remaining;
        remaining = 0;
      }
    }
    this.size -= n;
    this.consumedTotal += n;
    this.scanned = 0;
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts, n);
  }

  private byteAt(logical: number): number {
    let offset = logical + this.head;
    for (const chunk of this.chunks) {
      if (offset < chunk.length) return chunk[offset]!;
      offset -= chunk.length;
    }
    return -1;
  }

  /** Logical index (from the first unconsumed byte) of the next LF at or after `from`, or -1. */
  private indexOfLf(from: number): number {
    let base = 0;
    for (let i = 0; i < this.chunks.length; i++) {
      const chunk = this.chunks[i]!;
      const start = i === 0 ? this.head : 0;
      const length = chunk.length - start;
      if (from < base + length) {
        const index = chunk.indexOf(LF, start + Math.max(0, from - base));
        if (index !== -1) return base + index - start;
      }
      base += length;
    }
    return -1;
  }
}
