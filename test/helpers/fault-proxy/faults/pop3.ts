import { growStatSize } from '../edits.js';
import type { Fault } from '../fault.js';
import { HANG, crashOnLongLine, replace, rfc, stateless } from './common.js';

/** Faults in front of Dovecot POP3 (RFC 1939). */
export const POP3_FAULTS: readonly Fault[] = [
  {
    name: 'pop3.hang-on-uidl',
    protocol: 'pop3',
    ref: rfc(1939, '7'),
    level: 'MUST',
    summary: 'The response to UIDL (with or without an argument) is never sent, nor anything after it.',
    open: stateless({ server: (unit) => (unit.answers === 'UIDL' ? HANG : undefined) }),
  },
  {
    name: 'pop3.dele-not-committed',
    protocol: 'pop3',
    ref: rfc(1939, '6'),
    level: 'MUST',
    summary: 'QUIT in the TRANSACTION state gets "+OK" and a close from the proxy; the server never sees QUIT, so DELE is never committed.',
    open: stateless({
      client: (unit, session) =>
        unit.kind === 'command' && unit.verb === 'QUIT' && session.authenticated ? { do: 'answer', bytes: Buffer.from('+OK Logging out.\r\n', 'latin1'), close: true } : undefined,
    }),
  },
  {
    name: 'pop3.stat-off-by-one',
    protocol: 'pop3',
    ref: rfc(1939, '5'),
    level: 'MUST',
    summary: 'STAT answers "+OK n m+1": one octet more than the maildrop holds (LIST and RETR stay true).',
    open: stateless({ server: (unit) => (unit.answers === 'STAT' && unit.final ? replace(growStatSize(unit)) : undefined) }),
  },
  crashOnLongLine('pop3', rfc(1939, '3'), 'MUST', 'answering -ERR'),
];
