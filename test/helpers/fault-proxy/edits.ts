import type { ServerUnit } from './fault.js';

/**
 * Byte edits the fault table uses. Each returns the rewritten unit, or undefined when the unit has
 * nothing to rewrite (so the fault does not count as fired). Only line pieces are edited: literal
 * octets are message data, never protocol.
 */

const latin1 = (bytes: Buffer): string => bytes.toString('latin1');

/** A line's length without its line ending. */
export function lineLength(bytes: Buffer): number {
  if (bytes.at(-1) !== 0x0a) return bytes.length;
  return bytes.at(-2) === 0x0d ? bytes.length - 2 : bytes.length - 1;
}

/** `* n EXPUNGE` (RFC 3501 §7.4.1). */
export function isExpunge(unit: ServerUnit): boolean {
  return /^\* \d+ EXPUNGE\r?\n$/i.test(latin1(unit.bytes));
}

/** Applies `edit` to every line piece (with the index of the piece: 0 is the unit's first line); undefined if no piece changed. */
export function editLines(unit: ServerUnit, edit: (line: string, index: number) => string): Buffer | undefined {
  let changed = false;
  const out = unit.pieces.map((piece, index) => {
    if (piece.kind !== 'line') return piece.bytes;
    const before = latin1(piece.bytes);
    const after = edit(before, index);
    if (after === before) return piece.bytes;
    changed = true;
    return Buffer.from(after, 'latin1');
  });
  return changed ? Buffer.concat(out) : undefined;
}

/** Every `{n}` that announces a literal becomes `{n+1}` (the octets that follow stay n). */
export function growLiteralAnnouncements(unit: ServerUnit): Buffer | undefined {
  return editLines(unit, (line, index) =>
    unit.pieces[index + 1]?.kind === 'octets' ? line.replace(/\{(\d+)\}(\r?\n)$/, (_, n: string, eol: string) => `{${Number(n) + 1}}${eol}`) : line,
  );
}

/**
 * `\Flagged` taken out of the FLAGS lists of an untagged FETCH (RFC 3501 §7.4.2). A quoted string
 * that happens to read "FLAGS (\Flagged)" would be edited too: fine for a fixture.
 */
export function dropFlaggedFromFetch(unit: ServerUnit): Buffer | undefined {
  if (!/^\* \d+ FETCH /i.test(latin1(unit.pieces[0]?.bytes ?? unit.bytes))) return undefined;
  return editLines(unit, (line) =>
    line.replace(/\bFLAGS \(([^)]*)\)/gi, (list: string, flags: string) => {
      const kept = flags.split(' ').filter((f) => f.toLowerCase() !== '\\flagged');
      return kept.length === flags.split(' ').length ? list : `FLAGS (${kept.join(' ')})`;
    }),
  );
}

/** `+OK n m` answering STAT (RFC 1939 §5) with m+1. */
export function growStatSize(unit: ServerUnit): Buffer | undefined {
  return editLines(unit, (line) => line.replace(/^(\+OK \d+ )(\d+)/, (_, head: string, size: string) => `${head}${Number(size) + 1}`));
}
