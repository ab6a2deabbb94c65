import type { ClientAction, Fault, SessionView } from '../fault.js';
import { GREETING, lineText } from '../session.js';
import { END_OF_DATA, replyCode, smtpView } from '../smtp-session.js';
import { DROP, replace, rfc, stateless } from './common.js';
import { ConnectionRegistry } from './connection-registry.js';
import { answerWith, fakeEndToRealEnd, helloDomain, isCommand, isLoneDot, lineEnd, smtpLine, type LineEnd } from './smtp-edits.js';

/**
 * SMTP faults with state: across the commands of one session (what a mail transaction leaves
 * behind), and across sessions open at the same time. Each fault that shares state between
 * connections builds its own registry, so two such faults never see each other's.
 */

function rsetKeepsTransaction(): Fault {
  return {
    name: 'smtp.rset-keeps-transaction',
    protocol: 'smtp',
    ref: rfc(5321, '4.1.1.5'),
    level: 'MUST',
    summary: 'RSET (without argument) inside a mail transaction gets "250 2.0.0 Ok" from the proxy and never reaches the server, so the sender and recipients stay ("Any stored sender, recipients, and mail data MUST be discarded").',
    detectedBy: ['smtp.rfc5321.rset-clears-transaction'],
    open: stateless({
      client: (unit, session) => (isCommand(unit, 'RSET') && /^RSET$/i.test(lineText(unit)) && session.inMailTransaction ? answerWith('250 2.0.0 Ok') : undefined),
    }),
  };
}

function ehloKeepsTransaction(): Fault {
  return {
    name: 'smtp.ehlo-keeps-transaction',
    protocol: 'smtp',
    ref: rfc(5321, '4.1.4'),
    level: 'MUST',
    summary: 'EHLO or HELO inside a mail transaction is answered by the proxy with the server\'s earlier reply and never reaches the server, so the transaction survives the 250 ("the SMTP server MUST clear all buffers and reset the state exactly as if a RSET command had been issued").',
    detectedBy: ['smtp.rfc5321.ehlo-resets-transaction', 'smtp.rfc5321.helo-after-ehlo-resets'],
    open: () => {
      // The server's name and its last 250 to EHLO, to answer as it would.
      let domain: string | undefined;
      let ehloReply: Buffer[] = [];
      let lines: Buffer[] = [];
      const answer = (verb: string): ClientAction | undefined => {
        if (verb === 'EHLO' && ehloReply.length > 0) return { do: 'answer', bytes: Buffer.concat(ehloReply), close: false };
        return domain === undefined ? undefined : answerWith(`250 ${domain}`);
      };
      return {
        server: (unit) => {
          if (unit.answers !== 'EHLO' && unit.answers !== 'HELO') return undefined;
          lines.push(unit.bytes);
          if (!unit.final) return undefined;
          if (replyCode(unit) === 250) {
            domain = helloDomain(lines[0]!) ?? domain;
            if (unit.answers === 'EHLO') ehloReply = lines;
          }
          lines = [];
          return undefined;
        },
        client: (unit, session) => ((isCommand(unit, 'EHLO') || isCommand(unit, 'HELO')) && session.inMailTransaction ? answer(unit.verb) : undefined),
      };
    },
  };
}

function dataWithoutRecipientsAccepted(): Fault {
  return {
    name: 'smtp.data-without-recipients-accepted',
    protocol: 'smtp',
    // "the DATA command should fail only if the mail transaction was incomplete (for example, no recipients)": here it succeeds.
    ref: rfc(5321, '3.3'),
    level: 'SHOULD',
    summary: 'DATA in a transaction with no accepted recipient gets 354 instead of the server\'s 503/554; the proxy swallows the message text and answers its "." with "250 2.0.0 Ok: queued", so a message nobody receives is reported taken.',
    detectedBy: ['smtp.rfc5321.data-before-rcpt'],
    open: () => {
      // The server refused DATA: the client's message text must not reach it as commands.
      let swallowing = false;
      return {
        server: (unit, session) => {
          const code = replyCode(unit);
          if (unit.answers !== 'DATA' || !session.inMailTransaction || (code !== 503 && code !== 554)) return undefined;
          if (!unit.final) return DROP;
          swallowing = true;
          return { do: 'replace', bytes: smtpLine('354 End data with <CR><LF>.<CR><LF>') };
        },
        client: (unit) => {
          if (!swallowing) return undefined;
          if (!isLoneDot(unit.bytes)) return DROP;
          swallowing = false;
          return answerWith('250 2.0.0 Ok: queued');
        },
      };
    },
  };
}

function envelopeSharedAcrossSessions(): Fault {
  const registry = new ConnectionRegistry<{ session?: SessionView }>();
  return {
    name: 'smtp.envelope-shared-across-sessions',
    protocol: 'smtp',
    ref: rfc(5321, '3.3'),
    level: 'MUST',
    summary: 'RCPT with no MAIL in its own session gets "250 2.1.5 Ok" instead of 503 while another session has a mail transaction open, as if the sessions shared one envelope.',
    detectedBy: ['smtp.rfc5321.two-sessions'],
    open: (connection) => {
      const mine: { session?: SessionView } = {};
      registry.open(connection, mine);
      return {
        server: (unit, session) => {
          mine.session ??= session;
          if (unit.answers !== 'RCPT' || session.inMailTransaction) return undefined;
          if (!registry.others(connection).some((other) => other.session?.inMailTransaction)) return undefined;
          return unit.final ? replace(smtpLine('250 2.1.5 Ok')) : DROP;
        },
        clientGone: () => {
          registry.close(connection);
          return undefined;
        },
      };
    },
  };
}

function busyGreetingCloses(): Fault {
  // Greeted and not yet sent QUIT: the session holds the server.
  const registry = new ConnectionRegistry<{ holding: boolean }>();
  return {
    name: 'smtp.busy-greeting-closes',
    protocol: 'smtp',
    ref: rfc(5321, '3.1'),
    level: 'MUST',
    summary: 'A connection opened while another session is in progress is greeted "554 5.3.2 busy" (which §3.1 allows) and then closed at its first command, QUIT included, with no reply ("A server taking this approach MUST still wait for the client to send a QUIT").',
    detectedBy: ['smtp.rfc5321.two-sessions-quit'],
    open: (connection) => {
      const mine = { holding: false };
      registry.open(connection, mine);
      let refused = false;
      return {
        server: (unit) => {
          if (unit.answers !== GREETING) return undefined;
          if (!registry.others(connection).some((other) => other.holding)) {
            mine.holding ||= unit.final;
            return undefined;
          }
          if (!unit.final) return DROP;
          refused = true;
          return { do: 'replace', bytes: smtpLine('554 5.3.2 busy, one session at a time') };
        },
        client: (unit) => {
          if (refused) return { do: 'answer', bytes: Buffer.alloc(0), close: true };
          if (isCommand(unit, 'QUIT')) mine.holding = false;
          return undefined;
        },
        clientGone: () => {
          registry.close(connection);
          return undefined;
        },
      };
    },
  };
}

function laxEndOfData(): Fault {
  return {
    name: 'smtp.lax-end-of-data',
    protocol: 'smtp',
    ref: rfc(5321, '2.3.8'),
    level: 'MUST',
    summary: 'In message text, a "." between line ends of which one is a bare CR or LF (<LF>.<LF>, <CR>.<LF>, <LF>.<CRLF>, <CR>.<CRLF>, <CRLF>.<CR>, …) ends the data as <CRLF>.<CRLF> does (the proxy sends the server that), so what follows is read as commands: SMTP smuggling ("MUST NOT recognize … any other character or character sequence as a line terminator").',
    // The <LF>.<LF>, <LF>.<CRLF> and <CRLF>.<LF> cases catch it too, but Postfix fails them on its own (test/baselines).
    detectedBy: ['smtp.rfc5321.bare-cr-dot-lf-in-data', 'smtp.rfc5321.bare-cr-dot-crlf-in-data', 'smtp.rfc5321.crlf-dot-bare-cr-in-data'],
    open: () => {
      // A "." at the start of a unit follows the line end of the unit before; DATA's own line ends in CRLF.
      let previous: LineEnd = 'crlf';
      return {
        client: (unit, session) => {
          const before = previous;
          previous = lineEnd(unit.bytes);
          // The session takes ".<LF>" for the end too, so a dot line is checked after the body ended.
          const inData = unit.kind === 'line' && (smtpView(session).inBody || unit.verb === END_OF_DATA);
          return inData ? replace(fakeEndToRealEnd(unit.bytes, before)) : undefined;
        },
      };
    },
  };
}

export const SMTP_SESSION_FAULTS: readonly Fault[] = [rsetKeepsTransaction(), ehloKeepsTransaction(), dataWithoutRecipientsAccepted(), envelopeSharedAcrossSessions(), busyGreetingCloses(), laxEndOfData()];
