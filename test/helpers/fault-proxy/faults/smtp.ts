import type { Fault } from '../fault.js';
import { DROP, HANG, crashOnLongLine, rfc, stateless } from './common.js';

/** Faults in front of Postfix (RFC 5321). */
export const SMTP_FAULTS: readonly Fault[] = [
  {
    name: 'smtp.rcpt-before-mail',
    protocol: 'smtp',
    ref: rfc(5321, '4.1.4'),
    level: 'MUST',
    summary: 'RCPT with no mail transaction open gets "250 2.1.5 Ok" instead of the server\'s 503 (the RCPT still reaches the server).',
    open: stateless({
      server: (unit, session) => {
        if (unit.answers !== 'RCPT' || session.inMailTransaction) return undefined;
        return unit.final ? { do: 'replace', bytes: Buffer.from('250 2.1.5 Ok\r\n', 'latin1') } : DROP;
      },
    }),
  },
  {
    name: 'smtp.hang-on-help',
    protocol: 'smtp',
    ref: rfc(5321, '4.1.1.8'),
    level: 'MUST',
    summary: 'The reply to HELP is never sent, nor anything after it ("every command MUST generate exactly one reply", §4.2).',
    open: stateless({ server: (unit) => (unit.answers === 'HELP' ? HANG : undefined) }),
  },
  crashOnLongLine('smtp', rfc(5321, '4.5.3.1.4'), 'MUST', 'replying 500 (command line too long, §4.2.2)'),
];
