import { escapeBytes } from '../protocol/shared/bytes.js';
import type { TranscriptLine } from '../report/result.js';
import type { WireLog } from '../transport/wire-log.js';

const LF = 0x0a;
const CR = 0x0d;

/**
 * Renders wire logs as C:/S: transcript lines, sessions merged in time order. CRLF is implied;
 * a bare LF shows as a trailing "\n" and an unterminated tail as "<no line end>", so framing
 * faults stay visible in reports.
 */
export function renderTranscript(sessions: ReadonlyArray<{ readonly name: string; readonly log: WireLog }>): TranscriptLine[] {
  const lines: TranscriptLine[] = [];
  for (const { name, log } of sessions) lines.push(...renderSession(name, log));
  // Stable sort keeps each session's own order for equal timestamps.
  return lines.sort((a, b) => a.atMs - b.atMs);
}

function renderSession(session: string, log: WireLog): TranscriptLine[] {
  const lines: TranscriptLine[] = [];
  const partial = { in: [] as Buffer[], out: [] as Buffer[] };
  const partialAt = { in: 0, out: 0 };
  const dirOf = (direction: 'in' | 'out'): 'S' | 'C' => (direction === 'in' ? 'S' : 'C');

  const flushPartial = (direction: 'in' | 'out'): void => {
    if (partial[direction].length === 0) return;
    const rest = Buffer.concat(partial[direction]);
    lines.push({ session, dir: dirOf(direction), text: `${escapeBytes(rest, 2000)}<no line end>`, atMs: partialAt[direction] });
    partial[direction] = [];
  };

  for (const event of log.events()) {
    if (event.direction === 'note') {
      lines.push({ session, dir: '*', text: event.bytes.toString('utf8'), atMs: event.atMs });
      continue;
    }
    const direction = event.direction;
    let start = 0;
    if (partial[direction].length === 0) partialAt[direction] = event.atMs;
    for (let lf = event.bytes.indexOf(LF); lf !== -1; lf = event.bytes.indexOf(LF, start)) {
      const line = Buffer.concat([...partial[direction], event.bytes.subarray(start, lf)]);
      partial[direction] = [];
      const crlf = line.length > 0 && line[line.length - 1] === CR;
      const text = escapeBytes(crlf ? line.subarray(0, -1) : line, 2000) + (crlf ? '' : '\\n');
      lines.push({ session, dir: dirOf(direction), text, atMs: partialAt[direction] });
      partialAt[direction] = event.atMs;
      start = lf + 1;
    }
    if (start < event.bytes.length) partial[direction].push(event.bytes.subarray(start));
  }
  flushPartial('out');
  flushPartial('in');
  const dropped = log.dropped();
  if (dropped.in + dropped.out > 0) {
    lines.push({ session, dir: '*', text: `wire log limit reached: ${dropped.in} bytes in, ${dropped.out} bytes out not shown`, atMs: lines.at(-1)?.atMs ?? 0 });
  }
  return lines;
}
