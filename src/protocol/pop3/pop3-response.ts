import type { Violation } from '../shared/violation.js';
import type { FramedLine } from '../../transport/framed-line.js';
import type { Pop3DataLine, Pop3EndLine } from './multiline.js';
import type { Pop3ContinuationLine } from './parse-continuation.js';
import type { Pop3Status, Pop3StatusLine } from './parse-status-line.js';
import type { Pop3Command } from './pop3-command.js';

/** One server line as the conversation read it. */
export type Pop3Line = Pop3StatusLine | Pop3DataLine | Pop3EndLine | Pop3ContinuationLine;

/**
 * A complete POP3 response: the status line and, for a multi-line one, its unstuffed body.
 *
 * Offsets of `violations` count from the first byte of the status line, terminators and stuffing
 * dots included, so one number locates a byte anywhere in the response (AUTH challenges before
 * the status line are their own units, located within their line).
 */
export interface Pop3Response {
  /** What the response answers (GREETING_COMMAND for the greeting). */
  readonly command: Pop3Command;
  readonly status: Pop3Status | undefined;
  /** RFC 2449 §8 resp-code levels of the status line, as sent. */
  readonly codes: readonly string[];
  /** Status line text after the status and SP, resp-code included. */
  readonly text: string;
  /** The status line as received. */
  readonly raw: FramedLine;
  /** Body lines, byte-stuffing removed, without line ends ([] for a single-line response). */
  readonly lines: readonly Buffer[];
  /** Response offset of each body line's first unstuffed octet. */
  readonly lineOffsets: readonly number[];
  /** Body size as RFC 1939 §11 counts it: each line plus 2 for its CRLF, stuffing excluded. */
  readonly octets: number;
  /** False only for a multi-line body cut off by the end of the connection (see onClose). */
  readonly complete: boolean;
  /** Every violation found in the response: line grammar and the checks made on completion. */
  readonly violations: readonly Violation[];
}
