/**
 * Cuts one direction of a proxied stream into the units faults rewrite: lines (up to and including
 * their LF), and, for IMAP server responses, a response with its literals (`{n}` CRLF + n octets +
 * the rest of the line, RFC 3501 §4.3) as one unit. Octets announced by the other side (a client
 * literal, an SMTP BDAT chunk) come out as 'octets' frames as they arrive, never buffered whole.
 * Bytes are never changed here: concatenating every frame gives back the stream.
 */

/** Part of a frame: a line with its line ending, or literal octets. */
export interface Piece {
  readonly kind: 'line' | 'octets';
  readonly bytes: Buffer;
}

export interface Frame {
  readonly bytes: Buffer;
  /** Lines and literal octets in order; a plain line is one 'line' piece. */
  readonly pieces: readonly Piece[];
  /** Announced octets (client literal, BDAT chunk), or a part of them. */
  readonly octets: boolean;
  /**
   * The unit outgrew maxUnitBytes before it ended, so this is only its beginning. The proxy stops
   * interpreting the connection after such a frame (see ProxiedConnection).
   */
  readonly partial: boolean;
}

export interface SplitterLimits {
  /** Longest unit buffered whole; a longer one comes out as one partial frame. */
  readonly maxUnitBytes: number;
  /** A line ending in `{n}` (or `{n+}`) continues the unit with n octets and another line: IMAP server side. */
  readonly literalsInUnit: boolean;
}

const LF = 0x0a;
const EMPTY = Buffer.alloc(0);
/** `{n}` / `{n+}` (literal8 `~{n}` too) right before the line ending; 10 digits covers every 32-bit count. */
const LITERAL_AT_END = /\{(\d{1,10})\+?\}\r?\n$/;

/** The octet count of the literal a line announces at its end, or undefined. */
export function literalLength(line: Buffer): number | undefined {
  const tail = line.subarray(Math.max(0, line.length - 16)).toString('latin1');
  const m = LITERAL_AT_END.exec(tail);
  return m ? Number(m[1]) : undefined;
}

/** Pull-based: feed() what the socket delivered, then call next() until it returns undefined. */
export class FrameSplitter {
  private buffered: Buffer = EMPTY;
  private octetsLeft = 0;

  constructor(private readonly limits: SplitterLimits) {}

  feed(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
  }

  /** The next `n` bytes are octets, not lines (the session read an announcement in the line just taken). */
  expectOctets(n: number): void {
    this.octetsLeft += n;
  }

  /** Announced octets that will not come (IMAP: the server refused a synchronizing literal, §7.5). */
  cancelOctets(): void {
    this.octetsLeft = 0;
  }

  /** Bytes buffered and not yet framed. */
  get pending(): number {
    return this.buffered.length;
  }

  /** Everything buffered and not yet framed, for forwarding raw once framing stops. */
  drain(): Buffer {
    const rest = this.buffered;
    this.buffered = EMPTY;
    return rest;
  }

  next(): Frame | undefined {
    if (this.octetsLeft > 0) {
      if (this.buffered.length === 0) return undefined;
      const bytes = this.take(Math.min(this.octetsLeft, this.buffered.length));
      this.octetsLeft -= bytes.length;
      return { bytes, pieces: [{ kind: 'octets', bytes }], octets: true, partial: false };
    }
    const pieces = this.scanUnit();
    if (pieces) {
      const bytes = this.take(pieces.reduce((n, p) => n + p.bytes.length, 0));
      return { bytes, pieces, octets: false, partial: false };
    }
    if (this.buffered.length <= this.limits.maxUnitBytes) return undefined;
    const bytes = this.take(this.buffered.length);
    return { bytes, pieces: [{ kind: 'line', bytes }], octets: false, partial: true };
  }

  /** The pieces of the complete unit at the head of the buffer, or undefined while it is incomplete. */
  private scanUnit(): Piece[] | undefined {
    const pieces: Piece[] = [];
    // Each pass consumes one line (and its literal), so the loop ends within the buffer.
    for (let at = 0; ; ) {
      const lf = this.buffered.indexOf(LF, at);
      if (lf === -1) return undefined;
      const line = this.buffered.subarray(at, lf + 1);
      pieces.push({ kind: 'line', bytes: line });
      const n = this.limits.literalsInUnit ? literalLength(line) : undefined;
      if (n === undefined) return pieces;
      if (this.buffered.length < lf + 1 + n) return undefined;
      pieces.push({ kind: 'octets', bytes: this.buffered.subarray(lf + 1, lf + 1 + n) });
      at = lf + 1 + n;
    }
  }

  private take(n: number): Buffer {
    const head = this.buffered.subarray(0, n);
    this.buffered = this.buffered.subarray(n);
    return head;
  }
}
