/**
 * A command line as pieces that say what a mutation may do to them. Mutations must stay honest
 * (the tracker still counts the answers the server owes) and safe (an IMAP mailbox name keeps its
 * namespace prefix), so the grammar marks what is untouchable instead of each mutation guessing.
 */

/**
 * What a mutation may do to a segment.
 * - `tag`: an IMAP tag and its SP; kept exactly, since answers are attributed by tag. Bytes may follow it.
 * - `keyword`: a verb or keyword; its letter case may change and bytes may be inserted into it.
 * - `free`: an argument; bytes may be inserted into it.
 * - `prefix`: must stay the exact bytes it is (a namespace prefix); bytes may only follow it.
 * - `sealed`: kept exactly, with nothing right before or after it (`DATA`, an IMAP `{n}` announcement).
 */
export type SegmentRole = 'tag' | 'keyword' | 'free' | 'prefix' | 'sealed';

/** One piece of a command line, as latin1 text (one char per byte). */
export interface Segment {
  readonly role: SegmentRole;
  readonly text: string;
}

export const tagSegment = (text: string): Segment => ({ role: 'tag', text });
export const keyword = (text: string): Segment => ({ role: 'keyword', text });
export const free = (text: string): Segment => ({ role: 'free', text });
export const prefix = (text: string): Segment => ({ role: 'prefix', text });
export const sealed = (text: string): Segment => ({ role: 'sealed', text });

/** Where bytes may go: right after `offset` chars of segment `index` (offset ≥ 1). */
export interface InsertionPoint {
  readonly index: number;
  readonly offset: number;
}

export function lineText(segments: readonly Segment[]): string {
  return segments.map((s) => s.text).join('');
}

/**
 * Every place bytes may be inserted. Never before the first byte (it would change the verb or the
 * tag), never inside a tag, prefix or sealed segment, and never right before a prefix or sealed one:
 * `CREATE junk"ns"` would name a mailbox outside the namespace, `junk{5}` would hide a literal.
 */
export function insertionPoints(segments: readonly Segment[]): InsertionPoint[] {
  const points: InsertionPoint[] = [];
  segments.forEach((segment, index) => {
    const next = segments[index + 1];
    const endAllowed = segment.role !== 'sealed' && next?.role !== 'prefix' && next?.role !== 'sealed';
    const inner = segment.role === 'keyword' || segment.role === 'free';
    for (let offset = 1; offset <= segment.text.length; offset++) {
      const atEnd = offset === segment.text.length;
      if (atEnd ? endAllowed : inner) points.push({ index, offset });
    }
  });
  return points;
}

/** Inserts `bytes` at `point`; text put after a tag or prefix becomes a free segment of its own. */
export function insertAt(segments: readonly Segment[], point: InsertionPoint, bytes: string): Segment[] {
  const out = [...segments];
  const segment = out[point.index];
  if (segment === undefined) return out;
  if (segment.role === 'keyword' || segment.role === 'free') {
    out[point.index] = { role: segment.role, text: segment.text.slice(0, point.offset) + bytes + segment.text.slice(point.offset) };
  } else {
    out.splice(point.index + 1, 0, free(bytes));
  }
  return out;
}

/**
 * Lengths an abandoned command may be cut to: 1 up to the whole line, but never inside a prefix, so
 * even a server that ran a half line at end of input would not meet a truncated namespace.
 */
export function cutLengths(segments: readonly Segment[]): number[] {
  const lengths: number[] = [];
  let start = 0;
  for (const segment of segments) {
    for (let offset = 1; offset <= segment.text.length; offset++) {
      if (segment.role !== 'prefix' || offset === segment.text.length) lengths.push(start + offset);
    }
    start += segment.text.length;
  }
  return lengths;
}
