import { parseCommandLine, readNumberArg } from '../../../../src/protocol/pop3/pop3-command.js';
import type { Fault } from '../fault.js';
import { LOGIN_VERBS, pop3View } from '../pop3-session.js';
import { GREETING, lineText } from '../session.js';
import { DROP, replace, rfc } from './common.js';
import { ConnectionRegistry } from './connection-registry.js';
import { readListingMsg, readScanListing, replaceUniqueId, shrinkDropListing } from './pop3-edits.js';
import { answerWith, isListingOf, isPositiveStatus, pop3Line } from './pop3-units.js';

/**
 * POP3 faults across sessions: what a session leaves behind when it ends, and what one session
 * sees of another that is open at the same time. Each fault that shares state between connections
 * builds its own registry, so two such faults never see each other's.
 */

/** Commands whose first argument names a message (RFC 1939 §5, §7). */
const MESSAGE_VERBS = new Set(['LIST', 'RETR', 'TOP', 'UIDL', 'DELE']);

function uidlChangesBetweenSessions(): Fault {
  return {
    name: 'pop3.uidl-changes-between-sessions',
    protocol: 'pop3',
    ref: rfc(1939, '7'),
    level: 'MUST',
    summary: 'Every unique-id ends in ".n", n being the connection\'s number on the proxy: stable within a session, different in the next one.',
    detectedBy: ['pop3.rfc1939.uidl-stable-across-sessions', 'pop3.rfc1939.uidl-persists-without-update'],
    open: (connection) => {
      const suffix = `.${connection}`;
      // Cut to stay within the 70 characters a unique-id may have (§7).
      const salt = (_: number, uid: string): string => `${uid.slice(0, 70 - suffix.length)}${suffix}`;
      return {
        server: (unit, session) => {
          return isListingOf('UIDL', unit, pop3View(session)) ? replace(replaceUniqueId(unit.bytes, salt)) : undefined;
        },
      };
    },
  };
}

function deleCommittedWithoutQuit(): Fault {
  return {
    name: 'pop3.dele-committed-without-quit',
    protocol: 'pop3',
    ref: rfc(1939, '6'),
    level: 'MUST',
    summary: 'When the client leaves a logged-in session without QUIT, the proxy sends the server QUIT itself, so the messages marked as deleted are removed.',
    detectedBy: ['pop3.rfc1939.close-without-quit-keeps'],
    open: () => {
      let quitSent = false;
      return {
        client: (unit) => {
          if (unit.kind === 'command' && unit.verb === 'QUIT') quitSent = true;
          return undefined;
        },
        clientGone: (session) => (session.authenticated && !quitSent ? pop3Line('QUIT') : undefined),
      };
    },
  };
}

/** Messages a connection has marked as deleted (DELE answered +OK, no RSET since). */
type Marks = Set<number>;

function deletionsSeenByOtherSessions(): Fault {
  const registry = new ConnectionRegistry<Marks>();
  /** Message sizes the latest LIST on this proxy gave each number (a fixture: numbers agree between sessions until a QUIT commits deletions). */
  const sizes = new Map<number, number>();
  return {
    name: 'pop3.deletions-seen-by-other-sessions',
    protocol: 'pop3',
    ref: rfc(1939, '5'),
    level: 'MUST',
    summary:
      'A message one session marks as deleted is gone at once for every other session open then: STAT leaves it out of its totals (its size too, once some LIST gave it), LIST and UIDL do not list it, and LIST, RETR, TOP, UIDL or DELE naming it get "-ERR no such message".',
    detectedBy: ['pop3.rfc1939.dele-unseen-by-other-session'],
    open: (connection) => {
      if (connection === 1) sizes.clear(); // a new proxy, as for the registry
      const mine: Marks = new Set();
      registry.open(connection, mine);
      const hidden = (): Set<number> => new Set(registry.others(connection).flatMap((marks) => [...marks]));
      return {
        client: (unit, session) => {
          if (unit.kind !== 'command' || !session.authenticated || !MESSAGE_VERBS.has(unit.verb)) return undefined;
          const msg = readNumberArg(parseCommandLine(lineText(unit)).args[0]);
          return msg !== undefined && hidden().has(msg) ? answerWith('-ERR no such message') : undefined;
        },
        server: (unit, session) => {
          const view = pop3View(session);
          const command = view.answering;
          if (command === undefined) return undefined;
          const msg = readNumberArg(command.args[0]);
          if (command.verb === 'LIST') {
            const scan = view.inBody || isPositiveStatus(unit, view) ? readScanListing(unit.bytes) : undefined;
            if (scan) sizes.set(scan.msg, scan.size);
          }
          if (command.verb === 'DELE' && msg !== undefined && isPositiveStatus(unit, view)) mine.add(msg);
          if (command.verb === 'RSET' && isPositiveStatus(unit, view)) mine.clear();
          const gone = hidden();
          if (gone.size === 0) return undefined;
          if (command.verb === 'STAT' && isPositiveStatus(unit, view)) {
            return replace(shrinkDropListing(unit.bytes, gone.size, [...gone].reduce((sum, n) => sum + (sizes.get(n) ?? 0), 0)));
          }
          const listed = (command.verb === 'LIST' || command.verb === 'UIDL') && view.inBody && !unit.final ? readListingMsg(unit.bytes) : undefined;
          return listed !== undefined && gone.has(listed) ? DROP : undefined;
        },
        clientGone: () => {
          registry.close(connection);
          return undefined;
        },
      };
    },
  };
}

interface Holder {
  /** Logged in and not yet sent QUIT: holds the maildrop. */
  holding: boolean;
}

function greetingRefusedWhileBusy(): Fault {
  const registry = new ConnectionRegistry<Holder>();
  return {
    name: 'pop3.greeting-refused-while-busy',
    protocol: 'pop3',
    ref: rfc(1939, '4'),
    level: 'MUST',
    summary: 'A connection opened while another session is logged in is greeted with "-ERR [SYS/TEMP] too busy" instead of the server\'s +OK greeting (the session then goes on as usual).',
    detectedBy: ['pop3.rfc1939.two-sessions'],
    open: (connection) => {
      const mine: Holder = { holding: false };
      registry.open(connection, mine);
      return {
        client: (unit) => {
          if (unit.kind === 'command' && unit.verb === 'QUIT') mine.holding = false;
          return undefined;
        },
        server: (unit, session) => {
          const view = pop3View(session);
          const verb = view.answering?.verb;
          if (verb !== undefined && LOGIN_VERBS.has(verb) && isPositiveStatus(unit, view)) mine.holding = true;
          const busy = verb === GREETING && registry.others(connection).some((other) => other.holding);
          return busy ? { do: 'replace', bytes: pop3Line('-ERR [SYS/TEMP] too busy, try again later') } : undefined;
        },
        clientGone: () => {
          registry.close(connection);
          return undefined;
        },
      };
    },
  };
}

export const POP3_SESSION_FAULTS: readonly Fault[] = [uidlChangesBetweenSessions(), deleCommittedWithoutQuit(), deletionsSeenByOtherSessions(), greetingRefusedWhileBusy()];
