import { dropFlaggedFromFetch, growLiteralAnnouncements, isExpunge } from '../edits.js';
import type { Fault } from '../fault.js';
import { DROP, HANG, crashOnLongLine, replace, rfc, stateless } from './common.js';

/** Faults in front of Dovecot IMAP (RFC 3501). */
export const IMAP_FAULTS: readonly Fault[] = [
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
];
