import type { TranscriptLine } from '../../../report/result.js';
import { decodeEscapes } from '../../../script/template.js';

/** How a line ended on the wire: CRLF, a bare LF, or not at all (the connection ended mid-line). */
export type LineEnding = 'crlf' | 'lf' | 'none';

/** One line as the transcript kept it. */
export interface WireLine {
  /** The bytes shown, terminator excluded. */
  readonly known: Buffer;
  /** Bytes the transcript left out after `known` (it shortens lines over 2000 bytes). */
  readonly missing: number;
  readonly ending: LineEnding;
}

/**
 * A transcript read back into wire events, in time order. `connection` names one TCP connection:
 * the transcript's session name, with "-2", "-3", … for later connections of a session that
 * reconnected (a model run's QUIT-and-reconnect shares one wire log).
 */
export type WireEvent =
  | { readonly kind: 'send'; readonly connection: string; readonly line: WireLine }
  | { readonly kind: 'receive'; readonly connection: string; readonly bytes: Buffer }
  | { readonly kind: 'close'; readonly connection: string; readonly by: 'client' | 'server' };

// The marks renderTranscript (script/transcript.ts) and escapeBytes (protocol/shared/bytes.ts) put in a line.
const NO_LINE_END = '<no line end>';
const SHORTENED = /… \((\d+) more bytes\)(\\n)?$/;
const CONNECTED = /^connected to /;

/** Reads the escaped transcript lines back into the bytes that crossed the wire. Lines it cannot decode are dropped. */
export function readTranscript(lines: readonly TranscriptLine[]): WireEvent[] {
  const events: WireEvent[] = [];
  // Per session: how many connections it has had, and whether the current one has seen traffic.
  const sessions = new Map<string, { count: number; used: boolean }>();
  const connectionOf = (session: string): string => {
    const s = sessions.get(session) ?? { count: 1, used: false };
    sessions.set(session, s);
    s.used = true;
    return s.count === 1 ? session : `${session}-${s.count}`;
  };
  for (const line of lines) {
    if (line.dir === '*') {
      const s = sessions.get(line.session);
      if (CONNECTED.test(line.text) && s?.used) sessions.set(line.session, { count: s.count + 1, used: false });
      const by = line.text === 'closed by client' ? 'client' : line.text === 'closed by server' ? 'server' : undefined;
      if (by && s?.used) events.push({ kind: 'close', connection: connectionOf(line.session), by });
      continue;
    }
    const decoded = decodeLine(line.text);
    if (decoded === undefined) continue;
    const connection = connectionOf(line.session);
    if (line.dir === 'C') events.push({ kind: 'send', connection, line: decoded });
    else events.push({ kind: 'receive', connection, bytes: lineBytes(decoded) });
  }
  return events;
}

/** The escaped text of one transcript line as bytes, its ending, and how many bytes were cut off. */
export function decodeLine(text: string): WireLine | undefined {
  let rest = text;
  let ending: LineEnding = 'crlf';
  if (rest.endsWith(NO_LINE_END)) {
    rest = rest.slice(0, -NO_LINE_END.length);
    ending = 'none';
  }
  let missing = 0;
  const shortened = SHORTENED.exec(rest);
  if (shortened) {
    missing = Number(shortened[1]);
    if (shortened[2] !== undefined) ending = 'lf';
    rest = rest.slice(0, shortened.index);
  }
  const bytes = decodeEscapes(rest);
  if ('error' in bytes) return undefined;
  // A line split at a bare LF shows it as a trailing "\n"; a CRLF line never holds an LF.
  if (ending === 'crlf' && missing === 0 && bytes.at(-1) === 0x0a) return { known: bytes.subarray(0, -1), missing, ending: 'lf' };
  return { known: bytes, missing, ending };
}

export function terminator(ending: LineEnding): Buffer {
  return Buffer.from(ending === 'crlf' ? '\r\n' : ending === 'lf' ? '\n' : '', 'latin1');
}

/**
 * A line's wire bytes, terminator included. Bytes the transcript left out are filled with "x": for
 * a server line only its kind matters here (its code, status or tag), and the count keeps IMAP
 * literal framing right; a client line with a gap is never written to a case.
 */
export function lineBytes(line: WireLine): Buffer {
  return Buffer.concat([line.known, Buffer.alloc(line.missing, 'x'), terminator(line.ending)]);
}
