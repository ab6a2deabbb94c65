import type { Connection } from '../../transport/connection.js';
import type { FramedLine } from '../../transport/framed-line.js';
import type { Violation } from './violation.js';

/** A complete server unit (a line, or an IMAP response with its literals), parsed and checked. */
export interface CheckedUnit<U> {
  readonly framed: FramedLine;
  readonly parsed: U;
  readonly violations: readonly Violation[];
}

/** A parsed unit, or what its parser needs before the unit is complete (IMAP literals). */
export type UnitStep<U> = CheckedUnit<U> | { readonly more: 'line' } | { readonly more: 'bytes'; readonly count: number };

/** A parser fed line by line, and with exact byte counts where the protocol frames by length. */
export interface UnitReader<U> {
  onLine(line: FramedLine): UnitStep<U>;
  onBytes?(bytes: Buffer): UnitStep<U>;
}

/**
 * Reads what a started unit still needs (the literal's octets, the line after it) until it is
 * complete: the one loop the reference clients, the transcript engine and the fuzzer share.
 */
export async function completeUnit<U>(first: UnitStep<U>, reader: UnitReader<U>, connection: Connection, timeoutMs?: number): Promise<CheckedUnit<U>> {
  let step = first;
  while ('more' in step) {
    if (step.more === 'line') step = reader.onLine(await connection.readLine(timeoutMs));
    else if (reader.onBytes) step = reader.onBytes(await connection.readBytes(step.count, timeoutMs));
    else throw new Error(`the parser asked for ${step.count} bytes but takes none`);
  }
  return step;
}
