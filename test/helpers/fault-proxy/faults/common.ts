import type { RequirementLevel, RfcRef } from '../../../../src/protocol/shared/rfc.js';
import { lineLength } from '../edits.js';
import type { Fault, FaultHooks, FaultProtocol, ServerAction } from '../fault.js';

/** Building blocks shared by the per-protocol fault tables. */

export const rfc = (number: number, section: string): RfcRef => ({ rfc: number, section });
/** A fault with no per-connection state: the same hooks for every connection. */
export const stateless = (hooks: FaultHooks) => (): FaultHooks => hooks;
/** Replace the unit with `bytes`, or forward it unchanged when the edit found nothing to change. */
export const replace = (bytes: Buffer | undefined): ServerAction | undefined => (bytes ? { do: 'replace', bytes } : undefined);
export const DROP: ServerAction = { do: 'replace', bytes: Buffer.alloc(0) };
export const HANG: ServerAction = { do: 'hang' };

/** Lines longer than this (line ending not counted) "crash" the server: beyond SMTP's 1000-octet text line (RFC 5321 §4.5.3.1.6). */
export const LONG_LINE_BYTES = 1000;

export function crashOnLongLine(protocol: FaultProtocol, ref: RfcRef, level: RequirementLevel, instead: string): Fault {
  return {
    name: `${protocol}.crash-on-long-line`,
    protocol,
    ref,
    level,
    summary: `A client line longer than ${LONG_LINE_BYTES} bytes crashes the server instead of ${instead}.`,
    open: stateless({
      client: (unit) => {
        const length = lineLength(unit.bytes);
        return unit.kind !== 'octets' && length > LONG_LINE_BYTES ? { do: 'crash', reason: `line of ${length} bytes` } : undefined;
      },
    }),
  };
}
