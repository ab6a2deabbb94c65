import type { Fault } from '../fault.js';
import { GREETING } from '../session.js';
import { END_OF_DATA, replyCode, smtpView } from '../smtp-session.js';
import { DROP, HANG, crashOnLongLine, replace, rfc, stateless } from './common.js';
import {
  answerWith, bareLf, continueFinalLine, ehloKeyword, heloAsEhlo, isCommand, joinKeywordAndParam, nextCodeInDecade, smtpLine, stuffAgain, unstuffLoneDot,
} from './smtp-edits.js';
import { SMTP_SESSION_FAULTS } from './smtp-sessions.js';
import { starttlsInjection } from './starttls-injection.js';

/**
 * Verbs an SMTP server recognises, even if it does not implement them: RFC 5321 §4.1.1 and common
 * extensions (BDAT, AUTH, STARTTLS, ETRN); with the proxy's placeholders for the greeting and the
 * end of data, which are no commands at all.
 */
const KNOWN_VERBS: ReadonlySet<string> = new Set(['EHLO', 'HELO', 'MAIL', 'RCPT', 'DATA', 'RSET', 'VRFY', 'EXPN', 'HELP', 'NOOP', 'QUIT', 'BDAT', 'AUTH', 'STARTTLS', 'ETRN', GREETING, END_OF_DATA]);

/** Faults in front of Postfix (RFC 5321), one reply or command at a time; those that keep state across commands or sessions are in smtp-sessions.ts. */
export const SMTP_FAULTS: readonly Fault[] = [
  {
    name: 'smtp.rcpt-before-mail',
    protocol: 'smtp',
    ref: rfc(5321, '4.1.4'),
    level: 'MUST',
    summary: 'RCPT with no mail transaction open gets "250 2.1.5 Ok" instead of the server\'s 503 (the RCPT still reaches the server).',
    detectedBy: ['smtp.rfc5321.rcpt-before-mail'],
    open: stateless({
      server: (unit, session) => {
        if (unit.answers !== 'RCPT' || session.inMailTransaction) return undefined;
        return unit.final ? { do: 'replace', bytes: smtpLine('250 2.1.5 Ok') } : DROP;
      },
    }),
  },
  {
    name: 'smtp.hang-on-help',
    protocol: 'smtp',
    ref: rfc(5321, '4.1.1.8'),
    level: 'MUST',
    summary: 'The reply to HELP is never sent, nor anything after it ("every command MUST generate exactly one reply", §4.2).',
    // help itself is a Postfix deviation (500 to HELP), so it counts for nothing; this case sends HELP too.
    detectedBy: ['smtp.rfc5321.commands-before-ehlo'],
    open: stateless({ server: (unit) => (unit.answers === 'HELP' ? HANG : undefined) }),
  },
  { ...crashOnLongLine('smtp', rfc(5321, '4.5.3.1.4'), 'MUST', 'replying 500 (command line too long, §4.2.2)'), detectedBy: ['smtp.rfc5321.command-line-too-long'] },
  // Syntax of replies.
  {
    name: 'smtp.continuation-code-differs',
    protocol: 'smtp',
    ref: rfc(5321, '4.2.1'),
    level: 'MUST',
    summary: 'In a multiline reply, the continuation lines after the first carry the next code of the decade ("251-PIPELINING" in a 250 EHLO reply); the first and last lines keep theirs.',
    detectedBy: ['smtp.rfc5321.multiline-same-code'],
    open: stateless({ server: (unit, session) => (smtpView(session).replyLinesSent > 0 && !unit.final ? replace(nextCodeInDecade(unit.bytes)) : undefined) }),
  },
  {
    name: 'smtp.vrfy-last-line-continues',
    protocol: 'smtp',
    ref: rfc(5321, '4.2'),
    level: 'MUST',
    // Only VRFY: a server whose EHLO reply never ends can't even be probed, and every case would wait out its timeout.
    summary: 'The last line of the reply to VRFY is sent as a continuation line ("252-2.0.0 postmaster"), so the reply never ends and the client waits for the rest (Reply-line: the last line is Reply-code [SP textstring] CRLF).',
    detectedBy: ['smtp.rfc5321.vrfy-recognized'],
    open: stateless({ server: (unit) => (unit.answers === 'VRFY' && unit.final ? replace(continueFinalLine(unit.bytes)) : undefined) }),
  },
  {
    name: 'smtp.bare-lf-replies',
    protocol: 'smtp',
    ref: rfc(5321, '2.3.8'),
    level: 'MUST',
    // The greeting keeps its CRLF, as when a banner and the replies are written by different code; and a
    // readiness check that waits for a CRLF greeting (the fuzzer's --spawn) still sees the server come up.
    summary: 'Every reply to a command ends its lines in a bare LF instead of CRLF ("Conforming implementations MUST NOT recognize or generate any other character or character sequence as a line terminator"); the greeting is intact.',
    detectedBy: ['smtp.rfc5321.ehlo'],
    open: stateless({ server: (unit) => (unit.answers !== GREETING ? replace(bareLf(unit.bytes)) : undefined) }),
  },
  {
    name: 'smtp.ehlo-keyword-invalid',
    protocol: 'smtp',
    ref: rfc(5321, '4.1.1.1'),
    level: 'MUST',
    summary: 'EHLO keyword lines with parameters join them with "=" in the historical "AUTH=LOGIN" style ("250-SIZE=10240000"): "=" is no ehlo-keyword character, so the keyword SIZE is not there. (Lower-case keywords would be legal: they are case-insensitive.)',
    detectedBy: ['smtp.rfc5321.ehlo'],
    open: stateless({ server: (unit, session) => (unit.answers === 'EHLO' && smtpView(session).replyLinesSent > 0 ? replace(joinKeywordAndParam(unit.bytes)) : undefined) }),
  },
  // Semantics of replies.
  {
    name: 'smtp.ehlo-lists-unsupported-expn',
    protocol: 'smtp',
    ref: rfc(5321, '4.2.4'),
    level: 'MUST',
    summary: 'The EHLO reply lists EXPN, which the server answers with 500 ("Extended SMTP systems MUST NOT list capabilities in response to EHLO for which they will return 502 (or 500) replies").',
    detectedBy: ['smtp.rfc5321.expn-advertised'],
    open: () => {
      // Per reply: a server that lists EXPN itself is left alone.
      let listed = false;
      return {
        server: (unit, session) => {
          if (unit.answers !== 'EHLO' || replyCode(unit) !== 250) return undefined;
          const first = smtpView(session).replyLinesSent === 0;
          if (!first && ehloKeyword(unit.bytes) === 'EXPN') listed = true;
          if (!unit.final) return undefined;
          const add = !listed;
          listed = false;
          if (!add) return undefined;
          // A one-line reply becomes two lines: the name, then EXPN as the last keyword.
          return first ? replace(Buffer.concat([continueFinalLine(unit.bytes) ?? unit.bytes, smtpLine('250 EXPN')])) : replace(Buffer.concat([smtpLine('250-EXPN'), unit.bytes]));
        },
      };
    },
  },
  {
    name: 'smtp.unknown-command-accepted',
    protocol: 'smtp',
    ref: rfc(5321, '4.2.4'),
    level: 'SHOULD',
    summary: 'A command that is no SMTP verb (FROBNICATE) gets "250 2.0.0 Ok", a positive completion, instead of the server\'s 500 ("If the command is not recognized, code 500 SHOULD be returned").',
    detectedBy: ['smtp.rfc5321.unknown-command', 'smtp.rfc5321.unknown-commands-keep-session'],
    open: stateless({
      server: (unit) => {
        if (unit.answers === undefined || KNOWN_VERBS.has(unit.answers) || replyCode(unit) !== 500) return undefined;
        return unit.final ? replace(smtpLine('250 2.0.0 Ok')) : DROP;
      },
    }),
  },
  {
    name: 'smtp.helo-gets-ehlo-reply',
    protocol: 'smtp',
    ref: rfc(5321, '3.2'),
    level: 'MUST',
    summary: 'HELO is answered with the EHLO-style multiline keyword list (the proxy sends the server EHLO in its place): "Servers MUST NOT return the extended EHLO-style response to a HELO command".',
    detectedBy: ['smtp.rfc5321.helo-not-extended'],
    open: stateless({ client: (unit) => (isCommand(unit, 'HELO') ? replace(heloAsEhlo(unit.bytes)) : undefined) }),
  },
  // The DATA path.
  {
    name: 'smtp.data-answered-250',
    protocol: 'smtp',
    ref: rfc(5321, '3.3'),
    level: 'MUST',
    summary: 'DATA is answered "250 2.0.0 Ok" instead of 354, though the server now reads message text: a completion where the intermediate reply is owed, so a client must not send the message ("message data MUST NOT be sent unless a 354 reply is received").',
    detectedBy: ['smtp.rfc5321.mail-transaction'],
    open: stateless({
      server: (unit) => {
        if (unit.answers !== 'DATA' || replyCode(unit) !== 354) return undefined;
        return unit.final ? replace(smtpLine('250 2.0.0 Ok')) : DROP;
      },
    }),
  },
  {
    name: 'smtp.dot-unstuffing-skipped',
    protocol: 'smtp',
    ref: rfc(5321, '4.5.2'),
    level: 'MUST',
    summary: 'A message text line starting with ".." (a stuffed line that starts with ".") reaches the server with one more ".", so the stored line keeps the client\'s stuffing dot ("..x" is stored for ".x").',
    detectedBy: ['smtp.delivery'],
    open: stateless({ client: (unit, session) => (unit.kind === 'line' && smtpView(session).inBody ? replace(stuffAgain(unit.bytes)) : undefined) }),
  },
  {
    name: 'smtp.stuffed-dot-ends-data',
    protocol: 'smtp',
    ref: rfc(5321, '4.5.2'),
    level: 'MUST',
    summary: 'The stuffed text line ".." (a line that is a lone ".") reaches the server unstuffed as ".", so the message ends there, truncated, and the lines after it are read as commands (smuggling).',
    detectedBy: ['smtp.delivery'],
    open: stateless({ client: (unit, session) => (unit.kind === 'line' && smtpView(session).inBody ? replace(unstuffLoneDot(unit.bytes)) : undefined) }),
  },
  // Robustness: the connection itself.
  {
    name: 'smtp.close-after-rset',
    protocol: 'smtp',
    ref: rfc(5321, '4.1.1.5'),
    level: 'MUST',
    summary: 'RSET is answered "250 2.0.0 Ok" and then the connection is closed ("An SMTP server MUST NOT close the connection as the result of receiving a RSET").',
    detectedBy: ['smtp.rfc5321.rset'],
    open: stateless({ client: (unit) => (isCommand(unit, 'RSET') ? answerWith('250 2.0.0 Ok', true) : undefined) }),
  },
  {
    name: 'smtp.reset-on-quit',
    protocol: 'smtp',
    ref: rfc(5321, '4.1.1.10'),
    level: 'MUST',
    summary: 'QUIT resets the connection (RST) instead of getting "221" first ("the receiver MUST send a "221 OK" reply, and then close the transmission channel").',
    detectedBy: ['smtp.rfc5321.quit'],
    open: stateless({ client: (unit) => (isCommand(unit, 'QUIT') ? { do: 'reset' } : undefined) }),
  },
  starttlsInjection('smtp', 'STARTTLS', rfc(3207, '4.2'), ['smtp.rfc3207.starttls-command-injection']),
  ...SMTP_SESSION_FAULTS,
];
