/**
 * Byte edits of POP3 lines for the fault table (faults/pop3.ts). Each returns the rewritten line,
 * or undefined when the line has nothing to rewrite (so the fault does not count as fired). A POP3
 * unit is one line with its line ending, which every edit keeps.
 */

const latin1 = (bytes: Buffer): string => bytes.toString('latin1');
const bytesOf = (text: string): Buffer => Buffer.from(text, 'latin1');

/** Applies `edit` to the line's text; undefined when nothing changed. */
function editLine(bytes: Buffer, edit: (line: string) => string): Buffer | undefined {
  const before = latin1(bytes);
  const after = edit(before);
  return after === before ? undefined : bytesOf(after);
}

/** The "." line that ends a multi-line response (RFC 1939 §3). */
export function isTerminator(bytes: Buffer): boolean {
  return /^\.\r?\n$/.test(latin1(bytes));
}

/** `+OK text` → `+OKtext`: the SP of `single-line = status [SP text] CRLF` (RFC 2449 §3) left out. */
export function dropSpaceAfterOk(bytes: Buffer): Buffer | undefined {
  return editLine(bytes, (line) => line.replace(/^\+OK (?=[^\r\n])/, '+OK'));
}

/** `-ERR` → `-err` (RFC 1939 §3: "Servers MUST send the "+OK" and "-ERR" in upper case"). */
export function lowerCaseErr(bytes: Buffer): Buffer | undefined {
  return editLine(bytes, (line) => line.replace(/^-ERR/, '-err'));
}

/** A byte-stuffed body line loses its stuffing dot: `..x` → `.x`, `..` → `.` (RFC 1939 §3). */
export function unstuffLine(bytes: Buffer): Buffer | undefined {
  return bytes[0] === 0x2e && bytes[1] === 0x2e ? bytes.subarray(1) : undefined;
}

/**
 * A listing "msg value" (LIST, UIDL: a body line, or after "+OK " for one message, RFC 1939 §5,
 * §7) with its value rewritten by `edit` (given the message-number and the value).
 */
function editListing(bytes: Buffer, edit: (msg: number, value: string) => string): Buffer | undefined {
  return editLine(bytes, (line) => line.replace(/^(\+OK )?(\d+) (\S+)/, (_, ok: string | undefined, msg: string, value: string) => `${ok ?? ''}${msg} ${edit(Number(msg), value)}`));
}

/** A scan listing's size plus one: `2 320` → `2 321`. */
export function growScanSize(bytes: Buffer): Buffer | undefined {
  return editListing(bytes, (_, size) => (/^\d+$/.test(size) ? String(Number(size) + 1) : size));
}

/** A unique-id listing with its unique-id given by `uid(msg, unique-id)`. */
export function replaceUniqueId(bytes: Buffer, uid: (msg: number, uniqueId: string) => string): Buffer | undefined {
  return editListing(bytes, uid);
}

/** The message-number a listing line is about (a LIST or UIDL body line), or undefined. */
export function readListingMsg(bytes: Buffer): number | undefined {
  const msg = /^(\d+) /.exec(latin1(bytes))?.[1];
  return msg === undefined ? undefined : Number(msg);
}

/** `TOP msg n` → `TOP msg n+1` (the client's command, RFC 1939 §7). */
export function askOneMoreTopLine(bytes: Buffer): Buffer | undefined {
  return editLine(bytes, (line) => line.replace(/^(TOP \d+ )(\d+)(?=\r?\n$)/i, (_, head: string, n: string) => `${head}${Number(n) + 1}`));
}

/** A drop listing `+OK nn mm` (RFC 1939 §5) less `count` messages of `size` octets. */
export function shrinkDropListing(bytes: Buffer, count: number, size: number): Buffer | undefined {
  return editLine(bytes, (line) => line.replace(/^\+OK (\d+) (\d+)/, (_, n: string, m: string) => `+OK ${Math.max(0, Number(n) - count)} ${Math.max(0, Number(m) - size)}`));
}

/** A scan listing line (a full LIST's body line, RFC 1939 §5) read as message-number and size. */
export function readScanListing(bytes: Buffer): { msg: number; size: number } | undefined {
  const m = /^(?:\+OK )?(\d+) (\d+)/.exec(latin1(bytes));
  return m ? { msg: Number(m[1]), size: Number(m[2]) } : undefined;
}
