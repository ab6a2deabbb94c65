import { dropFlaggedFromFetch, growLiteralAnnouncements, isExpunge } from '../edits.js';
import type { Fault } from '../fault.js';
import { DROP, HANG, crashOnLongLine, replace, rfc, stateless } from './common.js';
import {
  answerWith,
  appendToTag,
  dropLastSearchMatch,
  dropSearchUntaggedMarker,
  growRfc822Size,
  isCommandOf,
  isoInternalDate,
  unbalanceBodystructure,
  unpeekFetch,
  unquoteListDelimiter,
} from './imap-edits.js';
import { IMAP_SESSION_FAULTS } from './imap-sessions.js';
import { starttlsInjection } from './starttls-injection.js';

/** LIST "" "": the request for the hierarchy delimiter (RFC 3501 §6.3.8). */
const DELIMITER_REQUEST = /^\S+ LIST "" ""\r?\n$/i;

/** Faults in front of Dovecot IMAP (RFC 3501): one response rule each, then the ones that need a session's memory. */
export const IMAP_FAULTS: readonly Fault[] = [
  {
    name: 'imap.drop-expunge',
    protocol: 'imap',
    ref: rfc(3501, '7.4.1'),
    level: 'MUST',
    summary: 'The first untagged "* n EXPUNGE" on a connection is never sent, so the client\'s sequence numbers drift from the server\'s.',
    detectedBy: ['imap.rfc3501.sel-expunge-reports-each', 'imap.rfc3501.multi-expunge-at-noop'],
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
    detectedBy: ['imap.rfc3501.sel-fetch-body-text', 'imap.rfc3501.sel-fetch-rfc822'],
    open: stateless({ server: (unit) => replace(growLiteralAnnouncements(unit)) }),
  },
  {
    name: 'imap.lose-flag',
    protocol: 'imap',
    ref: rfc(3501, '6.4.6'),
    level: 'MUST',
    summary: 'FETCH responses leave \\Flagged out of FLAGS, so STORE +FLAGS (\\Flagged) appears not to stick (§7.4.2).',
    detectedBy: ['imap.rfc3501.sel-store-plus-flags', 'imap.rfc3501.sel-fetch-flags'],
    open: stateless({ server: (unit) => replace(dropFlaggedFromFetch(unit)) }),
  },
  {
    name: 'imap.hang-on-check',
    protocol: 'imap',
    ref: rfc(3501, '6.4.1'),
    level: 'MUST',
    summary: 'The tagged completion of CHECK is never sent (§2.2.1), nor anything after it: the client waits forever.',
    detectedBy: ['imap.rfc3501.sel-check-ok'],
    open: stateless({ server: (unit) => (unit.final && unit.answers === 'CHECK' ? HANG : undefined) }),
  },
  { ...crashOnLongLine('imap', rfc(7162, '4'), 'SHOULD', 'accepting it (servers should take lines of 8192 octets)'), detectedBy: ['imap.rfc7162.long-command-line'] },
  {
    name: 'imap.expunge-during-fetch',
    protocol: 'imap',
    ref: rfc(3501, '7.4.1'),
    level: 'MUST',
    summary: 'An "* n EXPUNGE" the server sends last before completing a command other than EXPUNGE (another session\'s expunge) is held back and sent inside the next FETCH response (or STORE or SEARCH, which §7.4.1 names with it), before its tagged completion.',
    open: () => {
      // Held in order. Holding past a completion is a legal deferral; the delivery in FETCH (STORE, SEARCH) breaks §7.4.1.
      let held: Buffer[] = [];
      const release = (before: Buffer) => {
        const bytes = Buffer.concat([...held, before]);
        held = [];
        return replace(bytes);
      };
      return {
        server: (unit) => {
          if (isExpunge(unit) && !/(^|\s)EXPUNGE$/.test(unit.answers ?? '')) {
            held.push(unit.bytes);
            return DROP;
          }
          if (held.length === 0) return undefined;
          // The breach. STORE and SEARCH too: held past them, the client's numbers would drift from the server's.
          if (unit.answers === 'FETCH' || unit.answers === 'STORE' || unit.answers === 'SEARCH') return release(unit.bytes);
          // Before data with message numbers, in a command that may carry EXPUNGE: sent there, as due. RECENT,
          // FLAGS, "+" (no command is in progress during continuation, §7.4.1) or a completion: it waits.
          return /^\* (\d+ (EXISTS|EXPUNGE|FETCH)|SEARCH)\b/i.test(unit.bytes.toString('latin1')) ? release(unit.bytes) : undefined;
        },
      };
    },
  },
  {
    name: 'imap.tag-echoed-wrongly',
    protocol: 'imap',
    ref: rfc(3501, '2.2.2'),
    level: 'MUST',
    summary: 'The tagged completion of NOOP carries the client\'s tag with a "." appended ("a3. OK" for "a3"), so the command the client sent is never completed.',
    detectedBy: ['imap.rfc3501.any-noop-selected'],
    open: stateless({ server: (unit) => (unit.final && unit.answers === 'NOOP' ? replace(appendToTag(unit, '.')) : undefined) }),
  },
  {
    name: 'imap.bodystructure-unbalanced-paren',
    protocol: 'imap',
    ref: rfc(3501, '9'),
    level: 'MUST',
    summary: 'BODYSTRUCTURE in a FETCH response lacks its closing ")", so the FETCH list is never closed.',
    detectedBy: ['imap.rfc3501.sel-fetch-bodystructure-nested'],
    open: stateless({ server: (unit) => replace(unbalanceBodystructure(unit)) }),
  },
  {
    name: 'imap.internaldate-not-date-time',
    protocol: 'imap',
    ref: rfc(3501, '9'),
    level: 'MUST',
    summary: 'INTERNALDATE in a FETCH response is written in ISO 8601 ("1996-07-17T02:44:25-07:00") instead of the date-time "17-Jul-1996 02:44:25 -0700".',
    detectedBy: ['imap.rfc3501.sel-fetch-internaldate'],
    open: stateless({ server: (unit) => replace(isoInternalDate(unit)) }),
  },
  {
    name: 'imap.list-delimiter-unquoted',
    protocol: 'imap',
    ref: rfc(3501, '9'),
    level: 'MUST',
    summary: 'The LIST response to LIST "" "" (the hierarchy delimiter request, §6.3.8) gives the delimiter unquoted (/ for "/"); other LIST responses stay right.',
    detectedBy: ['imap.rfc3501.auth-list-delimiter'],
    open: () => {
      let delimiterTag: string | undefined;
      return {
        client: (unit) => {
          if (isCommandOf(unit, 'LIST') && DELIMITER_REQUEST.test(unit.bytes.toString('latin1'))) delimiterTag = unit.tag;
          return undefined;
        },
        server: (unit) => {
          if (delimiterTag === undefined) return undefined;
          if (unit.final) {
            if (unit.bytes.toString('latin1').startsWith(`${delimiterTag} `)) delimiterTag = undefined;
            return undefined;
          }
          // Untagged LIST data while the request is in progress: a pipelined LIST of other names is rare enough for a fixture.
          return replace(unquoteListDelimiter(unit));
        },
      };
    },
  },
  {
    name: 'imap.search-without-untagged-marker',
    protocol: 'imap',
    ref: rfc(3501, '2.2.2'),
    level: 'MUST',
    summary: 'SEARCH results are sent as "SEARCH 1 2", without the "* " that marks server data as untagged.',
    detectedBy: ['imap.rfc3501.sel-search-all'],
    open: stateless({ server: (unit) => replace(dropSearchUntaggedMarker(unit)) }),
  },
  {
    name: 'imap.rfc822-size-off-by-one',
    protocol: 'imap',
    ref: rfc(3501, '2.3.4'),
    level: 'MUST',
    summary: 'RFC822.SIZE in FETCH responses is one octet more than the message has (BODY[] stays true).',
    detectedBy: ['imap.rfc3501.sel-fetch-rfc822-size'],
    open: stateless({ server: (unit) => replace(growRfc822Size(unit)) }),
  },
  {
    name: 'imap.peek-sets-seen',
    protocol: 'imap',
    ref: rfc(3501, '6.4.5'),
    level: 'MUST',
    // The proxy cannot set a flag itself; asking the server for BODY[] is exactly what a server that ignores .PEEK does.
    summary: 'FETCH BODY.PEEK[...] is treated as BODY[...]: the message gets \\Seen (and the response its new FLAGS).',
    detectedBy: ['imap.rfc3501.sel-fetch-body-peek-no-seen'],
    open: stateless({ client: (unit) => (isCommandOf(unit, 'FETCH', 'UID FETCH') ? replace(unpeekFetch(unit)) : undefined) }),
  },
  {
    name: 'imap.search-misses-last-match',
    protocol: 'imap',
    ref: rfc(3501, '6.4.4'),
    level: 'MUST',
    summary: 'Every SEARCH response that lists messages leaves the last one out.',
    detectedBy: ['imap.rfc3501.sel-search-all'],
    open: stateless({ server: (unit) => replace(dropLastSearchMatch(unit)) }),
  },
  {
    name: 'imap.select-before-login-accepted',
    protocol: 'imap',
    ref: rfc(3501, '3'),
    level: 'MUST',
    summary: 'SELECT and EXAMINE before login are answered OK by the proxy (the server never sees them) instead of BAD or NO.',
    detectedBy: ['imap.rfc3501.auth-select-not-authenticated', 'imap.rfc3501.auth-examine-not-authenticated'],
    open: stateless({
      client: (unit, session) => {
        if (session.authenticated || !isCommandOf(unit, 'SELECT', 'EXAMINE')) return undefined;
        return answerWith(`${unit.tag} OK [${unit.verb === 'SELECT' ? 'READ-WRITE' : 'READ-ONLY'}] ${unit.verb} completed.`);
      },
    }),
  },
  {
    name: 'imap.logout-without-close',
    protocol: 'imap',
    ref: rfc(3501, '6.1.3'),
    level: 'MUST',
    summary: 'LOGOUT before login gets "* BYE" and a tagged OK from the proxy, but the connection stays open (the server never sees LOGOUT).',
    detectedBy: ['imap.rfc3501.any-logout-not-authenticated'],
    open: stateless({
      client: (unit, session) => (!session.authenticated && isCommandOf(unit, 'LOGOUT') ? answerWith('* BYE Logging out', `${unit.tag} OK Logout completed.`) : undefined),
    }),
  },
  {
    name: 'imap.status-completion-missing',
    protocol: 'imap',
    ref: rfc(3501, '6.3.10'),
    level: 'MUST',
    summary: 'The tagged completion of STATUS is never sent (§2.2.2); its untagged STATUS and every later response are.',
    detectedBy: ['imap.rfc3501.auth-status-items'],
    open: stateless({ server: (unit) => (unit.final && unit.answers === 'STATUS' ? DROP : undefined) }),
  },
  starttlsInjection('imap', 'STARTTLS', rfc(3501, '6.2.1'), ['imap.rfc3501.noauth-starttls-command-injection']),
  ...IMAP_SESSION_FAULTS,
];
