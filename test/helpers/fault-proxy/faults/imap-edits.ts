import { editLines } from '../edits.js';
import type { ClientAction, ClientUnit, ServerUnit } from '../fault.js';

/**
 * Byte edits of IMAP responses and commands for the fault table (faults/imap.ts, imap-sessions.ts),
 * and the readers those faults decide with. Each edit returns the rewritten unit, or undefined when
 * it has nothing to rewrite (so the fault does not count as fired). A server unit is a whole
 * response with its literals; only its line pieces are edited, never literal octets (message data).
 */

const latin1 = (bytes: Buffer): string => bytes.toString('latin1');

/** The response's first line (up to its first literal), with its line ending. */
const headLine = (unit: ServerUnit): string => latin1(unit.pieces[0]?.bytes ?? unit.bytes);

/** IMAP lines, CRLF added to each. */
export const imapLines = (...lines: string[]): Buffer => Buffer.from(lines.map((line) => `${line}\r\n`).join(''), 'latin1');

/** The proxy answers the command itself (at once: IMAP replies are matched by tag, not order). */
export const answerWith = (...lines: string[]): ClientAction => ({ do: 'answer', bytes: imapLines(...lines), close: false });

/** The client command `verbs` names (a command, not a literal or continuation line). */
export const isCommandOf = (unit: ClientUnit, ...verbs: string[]): boolean => unit.kind === 'command' && verbs.includes(unit.verb);

/** `* n FETCH (...)` (RFC 3501 §7.4.2). */
export const isUntaggedFetch = (unit: ServerUnit): boolean => /^\* \d+ FETCH /i.test(headLine(unit));

/** `* n EXISTS` (§7.3.1). */
export const isExists = (unit: ServerUnit): boolean => /^\* \d+ EXISTS\r?\n$/i.test(latin1(unit.bytes));

/** A tagged completion's tag with `suffix` appended (`a3 OK` → `a3. OK`): not the tag the client sent (§2.2.2). */
export function appendToTag(unit: ServerUnit, suffix: string): Buffer | undefined {
  return editLines(unit, (line, index) => (index === 0 ? line.replace(/^([^ *+][^ ]*) /, `$1${suffix} `) : line));
}

/** Where the parenthesized list that opens at `open` closes, quoted strings skipped; -1 if not on this line (a literal inside it). */
function closingParen(line: string, open: number): number {
  let depth = 0;
  for (let i = open, quoted = false; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return -1;
}

/** BODYSTRUCTURE's own closing ")" left out, so the FETCH list's ")" closes it and the response never ends its list (§9 body). */
export function unbalanceBodystructure(unit: ServerUnit): Buffer | undefined {
  if (!isUntaggedFetch(unit)) return undefined;
  return editLines(unit, (line) => {
    const at = /\bBODYSTRUCTURE \(/i.exec(line);
    const close = at ? closingParen(line, at.index + at[0].length - 1) : -1;
    return close === -1 ? line : line.slice(0, close) + line.slice(close + 1);
  });
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

/** INTERNALDATE `"17-Jul-1996 02:44:25 -0700"` written in ISO 8601, `"1996-07-17T02:44:25-07:00"`: not §9's date-time. */
export function isoInternalDate(unit: ServerUnit): Buffer | undefined {
  if (!isUntaggedFetch(unit)) return undefined;
  return editLines(unit, (line) =>
    line.replace(/\bINTERNALDATE "([ \d]\d)-([A-Za-z]{3})-(\d{4}) (\d\d:\d\d:\d\d) ([+-]\d\d)(\d\d)"/i, (whole, day: string, month: string, year: string, time: string, zoneHours: string, zoneMinutes: string) => {
      const m = MONTHS.indexOf(month.toUpperCase()) + 1;
      if (m === 0) return whole;
      return `INTERNALDATE "${year}-${String(m).padStart(2, '0')}-${day.trim().padStart(2, '0')}T${time}${zoneHours}:${zoneMinutes}"`;
    }),
  );
}

/** `* LIST (attrs) "/" name` → `* LIST (attrs) / name`: the delimiter must be a quoted character or NIL (§9 mailbox-list). */
export function unquoteListDelimiter(unit: ServerUnit): Buffer | undefined {
  return editLines(unit, (line, index) => (index === 0 ? line.replace(/^(\* LIST \([^)]*\) )"(\\?[^"])"/i, '$1$2') : line));
}

/** `* SEARCH 1 2` → `SEARCH 1 2`: server data without the "*" that marks untagged responses (§2.2.2). */
export function dropSearchUntaggedMarker(unit: ServerUnit): Buffer | undefined {
  return editLines(unit, (line) => line.replace(/^\* (?=SEARCH\b)/i, ''));
}

/** `* SEARCH 2 5 7` → `* SEARCH 2 5`: the last match left out (§6.4.4, §7.2.5). */
export function dropLastSearchMatch(unit: ServerUnit): Buffer | undefined {
  return editLines(unit, (line) => line.replace(/^(\* SEARCH(?: \d+)*) \d+(\r?\n)$/i, '$1$2'));
}

/** Every RFC822.SIZE in an untagged FETCH one octet more than the server said (§7.4.2). */
export function growRfc822Size(unit: ServerUnit): Buffer | undefined {
  if (!isUntaggedFetch(unit)) return undefined;
  return editLines(unit, (line) => line.replace(/\bRFC822\.SIZE (\d+)/gi, (_, size: string) => `RFC822.SIZE ${Number(size) + 1}`));
}

/** A FETCH command's BODY.PEEK[...] items asked as BODY[...], which sets \Seen (§6.4.5). */
export function unpeekFetch(unit: ClientUnit): Buffer | undefined {
  const before = latin1(unit.bytes);
  const after = before.replace(/\bBODY\.PEEK\[/gi, 'BODY[');
  return after === before ? undefined : Buffer.from(after, 'latin1');
}

/** The message number and UID of an untagged FETCH that carries UID (§7.4.2), or undefined. */
export function readFetchUid(unit: ServerUnit): { readonly seq: number; readonly uid: number } | undefined {
  const line = headLine(unit);
  const seq = /^\* (\d+) FETCH /i.exec(line)?.[1];
  const uid = /[( ]UID (\d+)/i.exec(line)?.[1];
  return seq !== undefined && uid !== undefined ? { seq: Number(seq), uid: Number(uid) } : undefined;
}

/** The UID item of an untagged FETCH set to `uid`. */
export function replaceFetchUid(unit: ServerUnit, uid: number): Buffer | undefined {
  return editLines(unit, (line, index) => (index === 0 ? line.replace(/([( ])UID \d+/i, `$1UID ${uid}`) : line));
}

/** `* OK [UIDVALIDITY n] ...` with n raised by `by` (§7.1, response code UIDVALIDITY). */
export function raiseUidValidity(unit: ServerUnit, by: number): Buffer | undefined {
  return editLines(unit, (line) => line.replace(/^(\* OK \[UIDVALIDITY )(\d+)\]/i, (_, head: string, value: string) => `${head}${(Number(value) + by) % 2 ** 32 || 1}]`));
}
