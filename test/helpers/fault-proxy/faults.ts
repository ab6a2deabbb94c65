/**
 * The fault catalogue: each entry makes the proxy in front of a real server break ONE rule.
 *
 * To add a fault, append an entry to its protocol's table (faults/smtp.ts, pop3.ts, imap.ts):
 * - name: "<protocol>.<what-breaks>", unique; protocol; ref and level: the RFC rule it breaks;
 *   summary: one sentence saying what the faulty server does (it is printed in tables).
 * - open(connection): called once per client connection, with its number on this proxy (1 for the
 *   first); returns hooks (fault.ts). Keep per-connection state in the closure (see
 *   imap.drop-expunge); use `stateless(...)` when there is none. Faults that need a second session
 *   (a mailbox seen by two clients, state carried between POP3 sessions) tell them apart by number;
 *   state that open connections share lives in a faults/connection-registry.ts (see faults/pop3-sessions.ts).
 *   - server(unit, session): a server unit (an SMTP reply line, a POP3 line, a whole IMAP response
 *     with its literals) with `answers` (the verb of the command it answers) and `final`.
 *   - client(unit, session): a client command line, other line, or announced octets.
 *   - clientGone(session): the client left; return bytes the server should still get (a QUIT the
 *     client never sent), and drop the connection from any state shared between connections.
 *   Return undefined to forward unchanged, or an action: replace (empty bytes drop), answer (client
 *   only: the proxy replies itself), replay-after-tls (client only, on STARTTLS/STLS: the proxy
 *   terminates TLS itself and runs the bytes pipelined behind it inside TLS; the fault sets
 *   terminatesTls, see faults/starttls-injection.ts), hang, reset, crash. Return an action only when
 *   the fault really changes something: every action counts in FaultProxy.triggered.
 * - Byte edits go in faults/<protocol>-edits.ts (edits.ts holds the few shared ones); they touch
 *   line pieces only, never literal octets. Faults with state across a session or between sessions
 *   go in faults/<protocol>-sessions.ts. POP3 hooks see more of the session (the command answered,
 *   body or status line) through pop3View(session).
 * - detectedBy: the suite cases (or fuzz properties) that catch it. test/integration/detection.test.ts
 *   runs exactly those against the fault (it must fire and be caught) and against the clean server
 *   (they must pass); `npm run detect` runs everything and writes reports/detection.md.
 * Hooks see the session as the real server has it (before the unit at hand); a rewritten reply
 * does not change what the proxy believes the server's state is.
 */
import type { Fault } from './fault.js';
import { IMAP_FAULTS } from './faults/imap.js';
import { POP3_FAULTS } from './faults/pop3.js';
import { SMTP_FAULTS } from './faults/smtp.js';

export { LONG_LINE_BYTES } from './faults/common.js';

const PASSTHROUGH: Fault = {
  name: 'passthrough',
  protocol: 'any',
  ref: null,
  level: null,
  summary: 'Control: every byte forwarded unchanged, through the same framing and tracking as the faults.',
  open: () => ({}),
};

export const FAULTS: readonly Fault[] = [PASSTHROUGH, ...SMTP_FAULTS, ...POP3_FAULTS, ...IMAP_FAULTS];

/** The fault named `name`; throws listing the known names. */
export function findFault(name: string): Fault {
  const fault = FAULTS.find((f) => f.name === name);
  if (!fault) throw new Error(`unknown fault ${JSON.stringify(name)} (known: ${FAULTS.map((f) => f.name).join(', ')})`);
  return fault;
}
