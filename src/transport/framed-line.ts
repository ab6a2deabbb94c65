/** How a received line was terminated. Protocol parsers decide whether a bare LF is a violation. */
export type LineEnding = 'crlf' | 'lf';

/** One line as it came off the wire, terminator removed but remembered. */
export interface FramedLine {
  /** The line's bytes without its terminator (a lone CR inside stays in). */
  readonly bytes: Buffer;
  readonly ending: LineEnding;
  /** Byte offset of the line's first byte in the connection's inbound stream. */
  readonly streamOffset: number;
}
