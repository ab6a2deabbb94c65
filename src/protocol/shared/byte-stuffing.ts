/**
 * Byte-stuffing of a message sent as lines ended by "." (SMTP DATA, RFC 5321 §4.5.2; POP3
 * multi-line responses, RFC 1939 §3 — the same rule). The one place it is done: SMTP and POP3 name it
 * in their own terms (encodeDataBody, encodeMultilineBody).
 *
 * Only CRLF ends a line (RFC 5321 §2.3.8): bare CR and bare LF are content, sent and kept as they are,
 * so a "." after a bare LF is not stuffed and "<LF>.<LF>" never ends the message.
 */

const CR = 0x0d;
const LF = 0x0a;
const DOT = 0x2e;
const CRLF = Buffer.from('\r\n');
const TERMINATOR = Buffer.from('.\r\n');

/** True when `i` is the first byte of a line: the start, or right after a CRLF. */
function isLineStart(bytes: Uint8Array, i: number): boolean {
  return i === 0 || (bytes[i - 1] === LF && bytes[i - 2] === CR);
}

/**
 * A line beginning with "." gets one more; a message not ending in CRLF gets one; then the "."
 * line. An empty message is just ".\r\n" (the preceding CRLF — of the DATA command or the +OK line —
 * is then the first CRLF of <CRLF>.<CRLF>).
 */
export function stuffMessage(message: Uint8Array): Buffer {
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
  chunks.push(TERMINATOR);
  return Buffer.concat(chunks);
}

/**
 * The inverse, as a receiver reads it: a line that is a single "." ends the message; otherwise a
 * leading "." is deleted. The message keeps the CRLF of its last line. `terminated` is false when no
 * ".\r\n" line was found; bytes after the terminator are not part of the message.
 */
export function unstuffMessage(stuffed: Uint8Array): { message: Buffer; terminated: boolean } {
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
