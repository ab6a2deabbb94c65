/**
 * The fault catalogue: each entry makes the proxy in front of a real server break ONE rule.
 *
 * To add a fault, append an entry to FAULTS:
 * - name: "<protocol>.<what-breaks>", unique; protocol; ref and level: the RFC rule it breaks;
 *   summary: one sentence saying what the faulty server does (it is printed in tables).
 * - open(): called once per client connection; returns hooks (fault.ts). Keep per-connection state
 *   in the closure (see imap.drop-expunge); use `stateless(...)` when there is none.
 *   - server(unit, session): a server unit (an SMTP reply line, a POP3 line, a whole IMAP response
 *     with its literals) with `answers` (the verb of the command it answers) and `final`.
 *   - client(unit, session): a client command line, other line, or announced octets.
 *   Return undefined to forward unchanged, or an action: replace (empty bytes drop), answer (client
 *   only: the proxy replies itself), hang, reset, crash. Return an action only when the fault
 *   really changes something: every action counts in FaultProxy.triggered.
 * - Byte edits go in edits.ts; they touch line pieces only, never literal octets.
 * - Prove it in test/integration/fault-proxy.test.ts against the real server: it fires
 *   (triggered > 0) and the client sees what the summary says.
 * Hooks see the session as the real server has it (before the unit at hand); a rewritten reply
 * does not change what the proxy believes the server's state is.
 */
import type { RequirementLevel, RfcRef } from '../../../src/protocol/shared/rfc.js';
import { dropFlaggedFromFetch, growLiteralAnnouncements, growStatSize, isExpunge, lineLength } from './edits.js';
import type { Fault, FaultHooks, FaultProtocol, ServerAction } from './fault.js';

const rfc = (number: number, section: string): RfcRef => ({ rfc: number, section });
const stateless = (hooks: FaultHooks) => (): FaultHooks => hooks;
const replace = (bytes: Buffer | undefined): ServerAction | undefined => (bytes ? { do: 'replace', bytes } : undefined);
const DROP: ServerAction = { do: 'replace', bytes: Buffer.alloc(0) };
const HANG: ServerAction = { do: 'hang' };

/** Lines longer than this (line ending not counted) "crash" the server: beyond SMTP's 1000-octet text line (RFC 5321 §4.5.3.1.6). */
export const LONG_LINE_BYTES = 1000;

function crashOnLongLine(protocol: FaultProtocol, ref: RfcRef, level: RequirementLevel, instead: string): Fault {
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

export const FAULTS: readonly Fault[] = [
  {
    name: 'passthrough',
    protocol: 'any',
    ref: null,
    level: null,
    summary: 'Control: every byte forwarded unchanged, through the same framing and tracking as the faults.',
    open: stateless({}),
  },
  {
    name: 'imap.drop-expunge',
    protocol: 'imap',
    ref: rfc(3501, '7.4.1'),
    level: 'MUST',
    summary: 'The first untagged "* n EXPUNGE" on a connection is never sent, so the client\'s sequence numbers drift from the server\'s.',
    open: () => {
      let dropped = false;
      return {
        server: (unit) => {
          if (dropped || !isExpunge(unit)) return undefined;
          dropped = true;
          return DROP;
        },
      };
    },
  },
  {
    name: 'imap.literal-off-by-one',
    protocol: 'imap',
    ref: rfc(3501, '4.3'),
    level: 'MUST',
    // n+1, not n-1: the client then takes the next octet of syntax (the ")" or the CR after the
    // literal) as data, so the rest of the response never parses; n-1 would leave a message's last
    // LF to be read as syntax, which some framers skip, and {0} would become {-1}.
    summary: 'Every literal the server announces as {n} is announced as {n+1}, with the same n octets after it.',
    open: stateless({ server: (unit) => replace(growLiteralAnnouncements(unit)) }),
  },
  {
    name: 'imap.lose-flag',
    protocol: 'imap',
    ref: rfc(3501, '6.4.6'),
    level: 'MUST',
    summary: 'FETCH responses leave \\Flagged out of FLAGS, so STORE +FLAGS (\\Flagged) appears not to stick (§7.4.2).',
    open: stateless({ server: (unit) => replace(dropFlaggedFromFetch(unit)) }),
  },
  {
    name: 'imap.hang-on-check',
    protocol: 'imap',
    ref: rfc(3501, '6.4.1'),
    level: 'MUST',
    summary: 'The tagged completion of CHECK is never sent (§2.2.1), nor anything after it: the client waits forever.',
    open: stateless({ server: (unit) => (unit.final && unit.answers === 'CHECK' ? HANG : undefined) }),
  },
  crashOnLongLine('imap', rfc(7162, '4'), 'SHOULD', 'accepting it (servers should take lines of 8192 octets)'),
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

/** The fault named `name`; throws listing the known names. */
export function findFault(name: string): Fault {
  const fault = FAULTS.find((f) => f.name === name);
  if (!fault) throw new Error(`unknown fault ${JSON.stringify(name)} (known: ${FAULTS.map((f) => f.name).join(', ')})`);
  return fault;
}
