/** One `seq-number` (RFC 3501 §9): a number, or "*" for the largest number in use. */
export type ImapSeqNumber = number | '*';

/** `seq-range = seq-number ":" seq-number`, or a single number when `to` is undefined. */
export interface ImapSeqRange {
  readonly from: ImapSeqNumber;
  readonly to?: ImapSeqNumber;
}

/** `sequence-set`: ranges joined by ",". Used for message sequence numbers and for UIDs alike. */
export type ImapSequenceSet = readonly ImapSeqRange[];

/** The wire form: "2,4:*". */
export function compileSequenceSet(set: ImapSequenceSet): string {
  return set.map((r) => (r.to === undefined ? String(r.from) : `${r.from}:${r.to}`)).join(',');
}

/**
 * Whether `n` is in the set. §9 seq-number: "*" is "the largest number in use" (`star`), and
 * "the contents of a range are independent of the order of the range endpoints" (§6.4.8), so
 * 4:2 = 2:4, and a UID range n:* holds the last UID even when n is above it.
 */
export function sequenceSetHas(set: ImapSequenceSet, n: number, star: number): boolean {
  const value = (s: ImapSeqNumber): number => (s === '*' ? star : s);
  return set.some((r) => {
    const a = value(r.from);
    const b = r.to === undefined ? a : value(r.to);
    return n >= Math.min(a, b) && n <= Math.max(a, b);
  });
}

/** The highest literal number in the set (0 for "*" only): message numbers above the count are not valid. */
export function highestLiteral(set: ImapSequenceSet): number {
  return Math.max(0, ...set.flatMap((r) => [r.from, r.to ?? 0]).filter((s): s is number => s !== '*'));
}

export function usesStar(set: ImapSequenceSet): boolean {
  return set.some((r) => r.from === '*' || r.to === '*');
}
