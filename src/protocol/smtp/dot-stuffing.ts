/**
 * DATA transparency (RFC 5321 §4.5.2). Dot-stuffing lives here only: every other module sends
 * or reads message content through encodeDataBody / decodeDataBody.
 *
 * Only CRLF ends a line here (§2.3.8). Bare CR and bare LF are content, sent and kept as they are:
 * a caller who passes raw bytes wants exactly those bytes on the wire, and "<LF>.<LF>" MUST NOT be
 * treated as the end of data (§4.1.1.4), so a "." after a bare LF is not stuffed.
 */

const CR = 0x0d;
const LF = 0x0a;
const DOT = 0x2e;
const CRLF = Buffer.from('\r\n');
const END_OF_DATA = Buffer.from('.\r\n');

/** True when `i` is the first byte of a line: the start, or right after a CRLF. */
function isLineStart(bytes: Uint8Array, i: number): boolean {
  return i === 0 || (bytes[i - 1] === LF && bytes[i - 2] === CR);
}

/**
 * Encodes a message for the wire after a 354 reply, terminator included.
 *
 * "Before sending a line of mail text, the SMTP client checks the first character of the line.
 * If it is a period, one additional period is inserted at the beginning of the line." (§4.5.2)
 * A message not ending in CRLF gets one, as §4.1.1.4 allows ("add <CRLF> in order to have the
 * receiving SMTP server recognize the "end of data" condition"). An empty message is just ".\r\n":
 * the DATA command's own CRLF is then the first CRLF of <CRLF>.<CRLF> (§4.1.1.4).
 */
export function encodeDataBody(message: Uint8Array): Buffer {
  const chunks: Uint8Array[] = [];
  let from = 0;
  for (let i = 0; i < message.length; i++) {
    if (message[i] !== DOT || !isLineStart(message, i)) continue;
    chunks.push(message.subarray(from, i), Buffer.from('.'));
    from = i;
  }
  chunks.push(message.subarray(from));
  const n = message.length;
  if (n > 0 && !(message[n - 2] === CR && message[n - 1] === LF)) chunks.push(CRLF);
  chunks.push(END_OF_DATA);
  return Buffer.concat(chunks);
}

/**
 * Decodes mail data as a server would (§4.5.2): a line that is a single "." ends it; otherwise a
 * leading "." is deleted. The message keeps the CRLF of its last line (§4.1.1.4: it is also the
 * first CRLF of the terminator). `terminated` is false when no ".\r\n" line was found; bytes after
 * the terminator are not part of the message and are ignored.
 */
export function decodeDataBody(stuffed: Uint8Array): { message: Buffer; terminated: boolean } {
  const chunks: Uint8Array[] = [];
  let from = 0;
  for (let i = 0; i < stuffed.length; i++) {
    if (stuffed[i] !== DOT || !isLineStart(stuffed, i)) continue;
    if (stuffed[i + 1] === CR && stuffed[i + 2] === LF) {
      chunks.push(stuffed.subarray(from, i));
      return { message: Buffer.concat(chunks), terminated: true };
    }
    // "If the first character is a period and there are other characters on the line, the first
    // character is deleted." A lone "." at the very end (no CRLF yet) has no other characters.
    if (i + 1 < stuffed.length) {
      chunks.push(stuffed.subarray(from, i));
      from = i + 1;
    }
  }
  chunks.push(stuffed.subarray(from));
  return { message: Buffer.concat(chunks), terminated: false };
}
