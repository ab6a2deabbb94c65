import type { ClientAction, ClientUnit } from '../fault.js';

/**
 * Byte edits of SMTP lines for the fault table (faults/smtp.ts, smtp-sessions.ts), the readers
 * those faults decide with, and the lines the proxy answers with itself. Each edit returns the
 * rewritten line, or undefined when the line has nothing to rewrite (so the fault does not count
 * as fired). A server unit is one reply line, a client unit one command or message text line,
 * each with its line ending.
 */

const latin1 = (bytes: Buffer): string => bytes.toString('latin1');

/** Applies `edit` to the line's text; undefined when nothing changed. */
function editLine(bytes: Buffer, edit: (line: string) => string): Buffer | undefined {
  const before = latin1(bytes);
  const after = edit(before);
  return after === before ? undefined : Buffer.from(after, 'latin1');
}

/** One SMTP line, CRLF added. */
export const smtpLine = (text: string): Buffer => Buffer.from(`${text}\r\n`, 'latin1');

/** The proxy answers the command itself with one reply line (and then closes, with `close`); the server never sees it. */
export const answerWith = (text: string, close = false): ClientAction => ({ do: 'answer', bytes: smtpLine(text), close });

/** The client sent the command `verb` (not a message text line that happens to start with it). */
export const isCommand = (unit: ClientUnit, verb: string): boolean => unit.kind === 'command' && unit.verb === verb;

/** The line that ends message text: a lone "." (§4.1.1.4). */
export const isLoneDot = (bytes: Buffer): boolean => /^\.\r?\n$/.test(latin1(bytes));

/** A reply line's code (`250-x`, `250 x`) turned into the next code of its decade: 250 → 251, 259 → 250. */
export function nextCodeInDecade(bytes: Buffer): Buffer | undefined {
  return editLine(bytes, (line) => line.replace(/^(\d\d)(\d)(?=[ -]|\r?\n)/, (_, head: string, last: string) => `${head}${(Number(last) + 1) % 10}`));
}

/** A final reply line `250 x` written as a continuation line `250-x` (§4.2.1). */
export function continueFinalLine(bytes: Buffer): Buffer | undefined {
  return editLine(bytes, (line) => line.replace(/^(\d{3}) /, '$1-'));
}

/** The line's CRLF replaced by a bare LF (§2.3.8). */
export function bareLf(bytes: Buffer): Buffer | undefined {
  return editLine(bytes, (line) => line.replace(/\r\n$/, '\n'));
}

/**
 * An EHLO line `250-SIZE 10240000` joined as `250-SIZE=10240000`, the historical `AUTH=LOGIN`
 * form: "=" is not an ehlo-keyword character (§4.1.1.1). Only lines with parameters change.
 */
export function joinKeywordAndParam(bytes: Buffer): Buffer | undefined {
  return editLine(bytes, (line) => line.replace(/^(\d{3}[ -][A-Za-z0-9][A-Za-z0-9-]*) (?=\S)/, '$1='));
}

/** The keyword of an EHLO reply line after the first (`250-PIPELINING` → PIPELINING), upper-cased. */
export function ehloKeyword(bytes: Buffer): string {
  return (/^\d{3}[ -]([^ \r\n]*)/.exec(latin1(bytes))?.[1] ?? '').toUpperCase();
}

/** The server's name on the first line of a reply to HELO/EHLO (`250-mail.example.test`), or undefined. */
export function helloDomain(bytes: Buffer): string | undefined {
  return /^250[ -]([^ \r\n]+)/.exec(latin1(bytes))?.[1];
}

/** `HELO x` sent as `EHLO x`, the verb's case kept as upper case. */
export function heloAsEhlo(bytes: Buffer): Buffer | undefined {
  return editLine(bytes, (line) => line.replace(/^HELO(?= |\r?\n)/i, 'EHLO'));
}

/** The stuffed message text line ".." (a text line that is a lone "."), unstuffed to ".": the end of mail data (§4.5.2). */
export function unstuffLoneDot(bytes: Buffer): Buffer | undefined {
  return /^\.\.\r?\n$/.test(latin1(bytes)) ? bytes.subarray(1) : undefined;
}

/** How a client unit ended: CRLF, or a bare LF. */
export type LineEnd = 'crlf' | 'bare';

export const lineEnd = (bytes: Buffer): LineEnd => (bytes.at(-1) === 0x0a && bytes.at(-2) === 0x0d ? 'crlf' : 'bare');

/** "." between two line ends, each CRLF, a bare CR or a bare LF; CRLF first, so a CRLF is never read as a bare CR. */
const DOT_BETWEEN_LINE_ENDS = /(\r\n|\r|\n)\.(\r\n|\r|\n)/g;

/**
 * Every fake end of mail data in a message text unit, rewritten as the real one: a "." between
 * line ends of which one at least is a bare CR or LF (<LF>.<LF>, <CR>.<LF>, <LF>.<CRLF>,
 * <CR>.<CRLF>, <CRLF>.<CR>, …) becomes <CRLF>.<CRLF> (§4.1.1.4, §2.3.8). `before` is how the unit
 * before ended: a "." that starts this one follows that line end. After a bare LF the CRLF is
 * added in front (the LF already went out), so even a strict server ends the data there.
 */
export function fakeEndToRealEnd(bytes: Buffer, before: LineEnd): Buffer | undefined {
  const lead = before === 'crlf' ? '\r\n' : '\n';
  const text = lead + latin1(bytes);
  let out = '';
  let from = 0;
  let leadRewritten = false;
  for (const m of text.matchAll(DOT_BETWEEN_LINE_ENDS)) {
    if (m[1] === '\r\n' && m[2] === '\r\n') continue; // the real end
    leadRewritten ||= m.index === 0;
    out += `${text.slice(from, m.index)}\r\n.\r\n`;
    from = m.index + m[0].length;
  }
  if (from === 0) return undefined;
  out += text.slice(from);
  // The lead went out with the unit before: drop it, unless it was a bare LF now to be followed by a CRLF.
  return Buffer.from(leadRewritten && before === 'bare' ? out : out.slice(lead.length), 'latin1');
}

/** A message text line that starts with ".", stuffed once more: "..x" → "...x" (§4.5.2). */
export function stuffAgain(bytes: Buffer): Buffer | undefined {
  return bytes[0] === 0x2e && bytes[1] === 0x2e ? Buffer.concat([Buffer.from('.'), bytes]) : undefined;
}
