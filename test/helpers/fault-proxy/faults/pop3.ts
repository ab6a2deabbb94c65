import { growStatSize } from '../edits.js';
import type { Fault } from '../fault.js';
import { pop3View } from '../pop3-session.js';
import { GREETING, lineText } from '../session.js';
import { DROP, HANG, crashOnLongLine, replace, rfc, stateless } from './common.js';
import { askOneMoreTopLine, dropSpaceAfterOk, growScanSize, isTerminator, lowerCaseErr, replaceUniqueId, unstuffLine } from './pop3-edits.js';
import { POP3_SESSION_FAULTS } from './pop3-sessions.js';
import { starttlsInjection } from './starttls-injection.js';
import { answerWith, isBodyLineOf, isListingOf } from './pop3-units.js';

/**
 * What the proxy answers itself before login, instead of the server's -ERR: commands valid only in
 * TRANSACTION (§5) with the positive response each would get there (STAT as for an empty maildrop).
 */
const BEFORE_LOGIN_ANSWERS: ReadonlyMap<string, string> = new Map([
  ['STAT', '+OK 0 0'],
  ['NOOP', '+OK'],
  ['RSET', '+OK'],
  ['DELE', '+OK message deleted'],
]);

/** Faults in front of Dovecot POP3 (RFC 1939, RFC 2449): one response rule each, then the cross-session ones. */
export const POP3_FAULTS: readonly Fault[] = [
  {
    name: 'pop3.hang-on-uidl',
    protocol: 'pop3',
    ref: rfc(1939, '7'),
    level: 'MUST',
    summary: 'The response to UIDL (with or without an argument) is never sent, nor anything after it.',
    detectedBy: ['pop3.rfc1939.uidl-in-authorization'],
    open: stateless({ server: (unit) => (unit.answers === 'UIDL' ? HANG : undefined) }),
  },
  {
    name: 'pop3.dele-not-committed',
    protocol: 'pop3',
    ref: rfc(1939, '6'),
    level: 'MUST',
    summary: 'QUIT in the TRANSACTION state gets "+OK" and a close from the proxy; the server never sees QUIT, so DELE is never committed.',
    detectedBy: ['pop3.rfc1939.quit-commits-deletions'],
    open: stateless({
      client: (unit, session) => (unit.kind === 'command' && unit.verb === 'QUIT' && session.authenticated ? answerWith('+OK Logging out.', true) : undefined),
    }),
  },
  {
    name: 'pop3.stat-off-by-one',
    protocol: 'pop3',
    ref: rfc(1939, '5'),
    level: 'MUST',
    summary: 'STAT answers "+OK n m+1": one octet more than the maildrop holds (LIST and RETR stay true).',
    detectedBy: ['pop3.rfc1939.stat-matches-seeded'],
    open: stateless({ server: (unit) => (unit.answers === 'STAT' && unit.final ? replace(growStatSize(unit)) : undefined) }),
  },
  { ...crashOnLongLine('pop3', rfc(1939, '3'), 'MUST', 'answering -ERR'), detectedBy: ['pop3.rfc2449-capa.command-line-too-long'] },
  {
    name: 'pop3.ok-without-space',
    protocol: 'pop3',
    ref: rfc(2449, '3'),
    level: 'MUST',
    // The greeting is left alone: its own rule (greeting = "+OK" [resp-code] *gchar ...) has no SP.
    summary: 'Positive status lines after the greeting have no SP between "+OK" and their text ("+OK2 320" for "+OK 2 320"), against single-line = status [SP text] CRLF.',
    detectedBy: ['pop3.rfc1939.user-pass'],
    open: stateless({
      server: (unit, session) => (unit.answers !== GREETING && !pop3View(session).inBody ? replace(dropSpaceAfterOk(unit.bytes)) : undefined),
    }),
  },
  {
    name: 'pop3.err-lower-case',
    protocol: 'pop3',
    ref: rfc(1939, '3'),
    level: 'MUST',
    summary: 'Every negative status indicator is sent as "-err" instead of "-ERR".',
    detectedBy: ['pop3.rfc1939.unknown-command'],
    open: stateless({ server: (unit, session) => (!pop3View(session).inBody ? replace(lowerCaseErr(unit.bytes)) : undefined) }),
  },
  {
    name: 'pop3.retr-without-terminator',
    protocol: 'pop3',
    ref: rfc(1939, '3'),
    level: 'MUST',
    summary: 'The "." line that ends a RETR response is never sent, so the client waits for the rest of a message that has ended.',
    detectedBy: ['pop3.rfc1939.retr-dot-lines'],
    open: stateless({
      server: (unit, session) => {
        const view = pop3View(session);
        return view.answering?.verb === 'RETR' && view.inBody && isTerminator(unit.bytes) ? DROP : undefined;
      },
    }),
  },
  {
    name: 'pop3.retr-not-byte-stuffed',
    protocol: 'pop3',
    ref: rfc(1939, '3'),
    level: 'MUST',
    summary: 'RETR sends message lines that begin with "." without the stuffing dot (".x" for "..x", "." for ".."), so a lone "." line ends the message early.',
    detectedBy: ['pop3.rfc1939.retr-dot-lines'],
    open: stateless({ server: (unit, session) => (isBodyLineOf('RETR', unit, pop3View(session)) ? replace(unstuffLine(unit.bytes)) : undefined) }),
  },
  {
    name: 'pop3.list-size-off-by-one',
    protocol: 'pop3',
    ref: rfc(1939, '5'),
    level: 'MUST',
    summary: 'LIST, with or without an argument, gives every message one octet more than RETR sends (STAT stays true).',
    detectedBy: ['pop3.rfc1939.list-one'],
    open: stateless({ server: (unit, session) => (isListingOf('LIST', unit, pop3View(session)) ? replace(growScanSize(unit.bytes)) : undefined) }),
  },
  {
    name: 'pop3.top-extra-line',
    protocol: 'pop3',
    ref: rfc(1939, '7'),
    level: 'MUST',
    summary: 'TOP msg n sends n+1 lines of the body: the proxy asks the server for one more.',
    detectedBy: ['pop3.rfc1939.top-lines', 'pop3.rfc1939.top-zero'],
    open: stateless({
      client: (unit) => {
        const bytes = unit.kind === 'command' && unit.verb === 'TOP' ? askOneMoreTopLine(unit.bytes) : undefined;
        return bytes ? { do: 'replace', bytes } : undefined;
      },
    }),
  },
  {
    name: 'pop3.uidl-non-ascii',
    protocol: 'pop3',
    ref: rfc(1939, '7'),
    level: 'MUST',
    summary: 'Every unique-id ends in the octet 0xE9 (Latin-1 "é"), outside the range 0x21 to 0x7E.',
    detectedBy: ['pop3.rfc1939.uidl-all'],
    open: stateless({
      server: (unit, session) => (isListingOf('UIDL', unit, pop3View(session)) ? replace(replaceUniqueId(unit.bytes, (_, uid) => `${uid}\xe9`)) : undefined),
    }),
  },
  {
    name: 'pop3.uidl-shared',
    protocol: 'pop3',
    ref: rfc(1939, '7'),
    level: 'MUST',
    summary: 'UIDL lists every message with the same unique-id: the first one it sends on the connection.',
    detectedBy: ['pop3.rfc1939.uidl-all'],
    open: () => {
      let first: string | undefined;
      return {
        server: (unit, session) => (isListingOf('UIDL', unit, pop3View(session)) ? replace(replaceUniqueId(unit.bytes, (_, uid) => (first ??= uid))) : undefined),
      };
    },
  },
  {
    name: 'pop3.rset-ignored',
    protocol: 'pop3',
    ref: rfc(1939, '5'),
    level: 'MUST',
    summary: 'RSET after login gets "+OK" from the proxy and never reaches the server, so messages marked as deleted stay marked.',
    detectedBy: ['pop3.rfc1939.rset-restores'],
    open: stateless({ client: (unit, session) => (unit.kind === 'command' && unit.verb === 'RSET' && session.authenticated ? answerWith('+OK') : undefined) }),
  },
  {
    name: 'pop3.transaction-commands-before-login',
    protocol: 'pop3',
    ref: rfc(1939, '3'),
    level: 'MUST',
    // "Before login" as the proxy sees it when the command passes: a command pipelined behind an unanswered PASS counts too.
    summary: 'Before login, STAT, NOOP, RSET and DELE get a positive response from the proxy (STAT as for an empty maildrop) instead of the server\'s -ERR.',
    detectedBy: ['pop3.rfc1939.stat-in-authorization', 'pop3.rfc1939.noop-in-authorization'],
    open: stateless({
      client: (unit, session) => {
        const answer = unit.kind === 'command' && !session.authenticated ? BEFORE_LOGIN_ANSWERS.get(unit.verb) : undefined;
        return answer !== undefined ? answerWith(answer) : undefined;
      },
    }),
  },
  {
    name: 'pop3.reset-on-empty-command',
    protocol: 'pop3',
    ref: rfc(1939, '3'),
    level: 'MUST',
    summary: 'An empty command line (CRLF alone) resets the connection instead of getting -ERR.',
    detectedBy: ['pop3.rfc1939.empty-command-line'],
    open: stateless({ client: (unit) => (unit.kind === 'command' && lineText(unit) === '' ? { do: 'reset' } : undefined) }),
  },
  starttlsInjection('pop3', 'STLS', rfc(2595, '4'), ['pop3.rfc2595.stls-command-injection']),
  ...POP3_SESSION_FAULTS,
];
