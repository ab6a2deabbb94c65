import fc from 'fast-check';
import { ImapClient } from '../../../src/protocol/imap/client.js';
import { probeImap } from '../../../src/protocol/imap/probe.js';
import { countLines, mostly, type ClientScenario, type Exchange } from './plausible-session.js';

const APPENDED = Buffer.from('Subject: hostile\r\n\r\nbody\r\n', 'latin1');
const BODY = 'Subject: a\r\n\r\nhello\r\n';

const GREETING: Exchange = {
  clientLines: 0,
  reply: fc.oneof(
    { arbitrary: fc.constant('* OK [CAPABILITY IMAP4rev1 LITERAL+ AUTH=PLAIN] ready\r\n'), weight: 3 },
    fc.constantFrom('* OK ready\r\n', '* PREAUTH hi\r\n', '* BYE go away\r\n', '* OK [ALERT] {5}\r\nhello\r\n', '* OK [BADCHARSET ({3}\r\nabc)] x\r\n'),
  ),
};
const capability = (tag: string): Exchange => ({
  clientLines: 1,
  reply: mostly(`* CAPABILITY IMAP4rev1 UIDPLUS IDLE\r\n${tag} OK done\r\n`, `${tag} BAD no\r\n`, `* CAPABILITY\r\n${tag} OK\r\n`),
});
const login = (tag: string): Exchange => ({ clientLines: 1, reply: mostly(`${tag} OK [CAPABILITY IMAP4rev1 MOVE] logged in\r\n`, `${tag} NO [AUTHENTICATIONFAILED] no\r\n`) });
const logout = (tag: string): Exchange => ({ clientLines: 1, reply: mostly(`* BYE bye\r\n${tag} OK done\r\n`, `${tag} OK done\r\n`, '* BYE bye\r\n') });

/** The IMAP reference client through greeting, LOGIN, CAPABILITY, SELECT, FETCH, APPEND (literal) and LOGOUT. */
export const IMAP_CLIENT: ClientScenario = {
  name: 'imap.client',
  exchanges: [
    GREETING,
    login('mc1'),
    capability('mc2'),
    {
      clientLines: 1,
      reply: mostly(
        '* 2 EXISTS\r\n* 0 RECENT\r\n* FLAGS (\\Answered \\Seen \\Deleted)\r\n* OK [PERMANENTFLAGS (\\Seen \\*)] ok\r\n* OK [UIDVALIDITY 7] ok\r\n* OK [UIDNEXT 3] ok\r\nmc3 OK [READ-WRITE] selected\r\n',
        'mc3 NO no such mailbox\r\n',
        '* 1 EXISTS\r\n* 3 EXPUNGE\r\nmc3 OK\r\n',
      ),
    },
    {
      clientLines: 1,
      reply: mostly(
        `* 1 FETCH (UID 1 FLAGS (\\Seen) BODY[] {${BODY.length}}\r\n${BODY})\r\n* 2 FETCH (UID 2 FLAGS () BODY[] {0}\r\n)\r\nmc4 OK fetched\r\n`,
        '* 1 FETCH (UID 1 BODYSTRUCTURE ("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 5 1 NIL NIL NIL))\r\nmc4 OK\r\n',
        '* 1 FETCH (ENVELOPE ("date" "subj" (("a" NIL "b" "c")) NIL NIL NIL NIL NIL NIL "<id>"))\r\nmc4 OK\r\n',
        'mc4 BAD no\r\n',
      ),
    },
    { clientLines: 1, reply: mostly('+ go ahead\r\n', 'mc5 NO [TRYCREATE] no\r\n', '+\r\n') },
    { clientLines: countLines(APPENDED) + 1, reply: mostly('mc5 OK [APPENDUID 7 3] appended\r\n', 'mc5 NO too big\r\n') },
    logout('mc6'),
  ],
  maxReads: 40,
  async run(connect) {
    const client = await ImapClient.connect(connect);
    try {
      await client.greeting();
      await client.command('LOGIN alice secret');
      await client.command('CAPABILITY');
      await client.command('SELECT INBOX');
      await client.command('FETCH 1:* (UID FLAGS BODY[])');
      await client.command('APPEND INBOX {}', [APPENDED]);
      await client.command('LOGOUT');
    } finally {
      client.close();
    }
  },
};

/** What the suite runner does before any case, with credentials: greeting, CAPABILITY, LOGIN, CAPABILITY, LOGOUT. */
export const IMAP_PROBE: ClientScenario = {
  name: 'imap.probe',
  exchanges: [GREETING, capability('mc1'), login('mc2'), capability('mc3'), logout('mc4')],
  maxReads: 20,
  async run(connect) {
    await probeImap(connect, { user: 'alice', pass: 'secret' });
  },
};

export const IMAP_UNSOLICITED = [
  '* 3 EXISTS\r\n',
  '* BYE shutting down\r\n',
  '+ \r\n',
  '* 1 FETCH (FLAGS (\\Seen))\r\n',
  '* OK [ALERT] hi\r\n',
  'mc9 OK who\r\n',
  '* 1 EXPUNGE\r\n',
  '* 0 EXPUNGE\r\n',
  '* 4294967296 EXISTS\r\n',
  '* 1 FETCH (BODY[] {4294967296}\r\n',
  '* LIST (\\Noselect) "/" {3}\r\nfoo\r\n',
];
