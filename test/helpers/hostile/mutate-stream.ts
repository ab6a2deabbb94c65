import fc from 'fast-check';
import type { HostileSegment } from './hostile-stream.js';

/** One named change to a session's segments. Positions are naturals taken modulo the size they index. */
export interface StreamMutation {
  readonly name: string;
  apply(segments: readonly HostileSegment[]): HostileSegment[];
}

/** Longest line a mutation builds: big enough to cross every tool limit below 64 KiB, small enough to stay cheap. */
export const MAX_HUGE_LINE = 200 * 1024;

const HUGE_SIZES = [1000, 4095, 4096, 4097, 65_535, 65_536, 65_537, MAX_HUGE_LINE];
const SPECIAL_BYTES = ['\r', '\n', '\0', '\r\r\n', '\n.\r\n', '\xff', '\x80', '\x1b[0m', ' ', '\t', '"', '\\', '{', '}', '[', ']'];
const LITERAL_LIES = ['0', '1', '4294967296', '4294967295', '99999999999999999999', '-1', '', '1+', '007'];

/** The mutations, each an arbitrary; `unsolicited` are lines of the protocol a server may slip in. */
export function streamMutation(unsolicited: readonly string[]): fc.Arbitrary<StreamMutation> {
  const at = fc.nat();
  return fc.oneof(
    fc.tuple(at).map(([n]) => named(`truncate@${n}`, (s) => truncate(s, n))),
    fc.tuple(at, at, fc.uint8Array({ minLength: 1, maxLength: 64 })).map(([i, p, bytes]) => named('random-bytes', (s) => edit(s, i, p, 0, Buffer.from(bytes)))),
    fc.tuple(at, at, fc.constantFrom(...SPECIAL_BYTES)).map(([i, p, text]) => named(`insert ${JSON.stringify(text)}`, (s) => edit(s, i, p, 0, latin1(text)))),
    fc.tuple(at, at, fc.constantFrom(...SPECIAL_BYTES)).map(([i, p, text]) => named(`replace-byte ${JSON.stringify(text)}`, (s) => edit(s, i, p, 1, latin1(text)))),
    fc.tuple(at, at).map(([i, p]) => named('delete-byte', (s) => edit(s, i, p, 1, Buffer.alloc(0)))),
    fc.tuple(at, at, fc.constantFrom(...HUGE_SIZES), fc.constantFrom('a', ' ', '(', '((', '()', '(a', '*', '\xe9'), fc.boolean()).map(([i, p, size, ch, ended]) =>
      named(`huge-line ${size}`, (s) => edit(s, i, p, 0, latin1(hugeLine(ch, size) + (ended ? '\r\n' : '')))),
    ),
    fc.tuple(at, fc.constantFrom(...LITERAL_LIES), fc.integer({ min: -3, max: 3 })).map(([i, lie, delta]) => named(`literal-lie ${lie}/${delta}`, (s) => lieAboutLiteral(s, i, lie, delta))),
    fc.tuple(at, at, fc.constantFrom('(', ')', '((((((((((', '))', '[', ']')).map(([i, p, text]) => named(`paren ${text}`, (s) => edit(s, i, p, 0, latin1(text)))),
    fc.tuple(at, fc.constantFrom(...unsolicited), fc.boolean()).map(([i, line, early]) => named('unsolicited', (s) => insertLine(s, i, line, early))),
    fc.tuple(at).map(([i]) => named('drop-segment', (s) => s.filter((_, k) => k !== i % Math.max(1, s.length)))),
    fc.tuple(at).map(([i]) => named('repeat-segment', (s) => s.flatMap((seg, k) => (k === i % Math.max(1, s.length) ? [seg, seg] : [seg])))),
    fc.tuple(at, fc.integer({ min: -3, max: 3 })).map(([i, d]) => named(`shift-gate ${d}`, (s) => s.map((seg, k) => (k === i % Math.max(1, s.length) ? { ...seg, afterClientLines: Math.max(0, seg.afterClientLines + d) } : seg)))),
    fc.tuple(at).map(([i]) => named('crlf-to-lf', (s) => mapSegment(s, i, (b) => latin1(b.toString('latin1').replace(/\r\n/g, '\n'))))),
    fc.tuple(at).map(([i]) => named('all-at-once', (s) => (s.length === 0 ? [] : [{ afterClientLines: i % 2, bytes: Buffer.concat(s.map((seg) => seg.bytes)) }]))),
  );
}

/** A stream of random bytes, sent at once: no session at all. */
export function randomSegments(): fc.Arbitrary<HostileSegment[]> {
  return fc.array(fc.record({ afterClientLines: fc.nat({ max: 4 }), bytes: fc.uint8Array({ maxLength: 512 }).map((b) => Buffer.from(b)) }), { minLength: 1, maxLength: 4 });
}

/** `size` bytes of `unit` repeated; "((" means nested lists that close: "((…))". */
function hugeLine(unit: string, size: number): string {
  if (unit === '((') return '('.repeat(Math.floor(size / 2)) + ')'.repeat(Math.ceil(size / 2));
  return unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
}

function named(name: string, apply: (segments: readonly HostileSegment[]) => HostileSegment[]): StreamMutation {
  return { name, apply };
}

function latin1(text: string): Buffer {
  return Buffer.from(text, 'latin1');
}

function mapSegment(segments: readonly HostileSegment[], index: number, change: (bytes: Buffer) => Buffer): HostileSegment[] {
  if (segments.length === 0) return [];
  const target = index % segments.length;
  return segments.map((seg, k) => (k === target ? { ...seg, bytes: change(seg.bytes) } : seg));
}

/** Replaces `removed` bytes at `position` (modulo the segment's length) of segment `index` with `inserted`. */
function edit(segments: readonly HostileSegment[], index: number, position: number, removed: number, inserted: Buffer): HostileSegment[] {
  return mapSegment(segments, index, (bytes) => {
    const at = position % (bytes.length + 1);
    return Buffer.concat([bytes.subarray(0, at), inserted, bytes.subarray(Math.min(bytes.length, at + removed))]);
  });
}

/** The stream cut after `n` bytes (modulo its length + 1): a server that stops mid-sentence. */
function truncate(segments: readonly HostileSegment[], n: number): HostileSegment[] {
  let left = n % (segments.reduce((sum, s) => sum + s.bytes.length, 0) + 1);
  const kept: HostileSegment[] = [];
  for (const seg of segments) {
    if (left <= 0) break;
    kept.push(seg.bytes.length <= left ? seg : { ...seg, bytes: seg.bytes.subarray(0, left) });
    left -= seg.bytes.length;
  }
  return kept;
}

/** A literal count that lies (IMAP {n}): an existing one changed, else one announced at a line end. */
function lieAboutLiteral(segments: readonly HostileSegment[], index: number, lie: string, delta: number): HostileSegment[] {
  return mapSegment(segments, index, (bytes) => {
    const text = bytes.toString('latin1');
    const counts = [...text.matchAll(/\{(\d+)\+?\}\r?\n/g)];
    if (counts.length === 0) {
      const eol = text.indexOf('\r\n');
      return eol === -1 ? bytes : latin1(`${text.slice(0, eol)} {${lie}}${text.slice(eol)}`);
    }
    const found = counts[index % counts.length]!;
    const count = delta === 0 ? lie : String(Math.max(0, Number(found[1]) + delta));
    const start = found.index! + 1;
    return latin1(text.slice(0, start) + count + text.slice(start + found[1]!.length));
  });
}

/** A line nobody asked for: at the start of a segment, or (early) before the client's next line. */
function insertLine(segments: readonly HostileSegment[], index: number, line: string, early: boolean): HostileSegment[] {
  if (segments.length === 0) return [{ afterClientLines: 0, bytes: latin1(line) }];
  const target = index % segments.length;
  const copy = [...segments];
  const seg = copy[target]!;
  if (early) copy.splice(target, 0, { afterClientLines: Math.max(0, seg.afterClientLines - 1), bytes: latin1(line) });
  else copy[target] = { ...seg, bytes: Buffer.concat([latin1(line), seg.bytes]) };
  return copy;
}
