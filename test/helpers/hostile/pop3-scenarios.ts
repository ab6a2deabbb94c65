import fc from 'fast-check';
import { Pop3Client } from '../../../src/protocol/pop3/client.js';
import { probePop3 } from '../../../src/protocol/pop3/probe.js';
import { mostly, type ClientScenario, type Exchange } from './plausible-session.js';

const ERR = '-ERR no\r\n';

const GREETING: Exchange = {
  clientLines: 0,
  reply: fc.oneof(
    { arbitrary: fc.constant('+OK POP3 ready <1896.697170952@dbc.mtview.ca.us>\r\n'), weight: 3 },
    fc.constantFrom('+OK ready\r\n', '-ERR go away\r\n', '+OK <unterminated\r\n', '+OK <a@b> <c@d>\r\n', '+ok\r\n'),
  ),
};
const CAPA: Exchange = { clientLines: 1, reply: mostly('+OK caps\r\nUSER\r\nUIDL\r\nTOP\r\nSASL PLAIN\r\n.\r\n', ERR, '+OK\r\n.\r\n', '+OK caps\r\nUSER\r\n') };
const USER: Exchange = { clientLines: 1, reply: mostly('+OK\r\n', ERR) };
const PASS: Exchange = { clientLines: 1, reply: mostly('+OK maildrop has 2 messages (320 octets)\r\n', '-ERR [AUTH] invalid\r\n') };
const QUIT: Exchange = { clientLines: 1, reply: mostly('+OK bye\r\n', ERR) };

/** The POP3 reference client through greeting, USER/PASS, STAT, LIST, RETR, TOP, UIDL and QUIT. */
export const POP3_CLIENT: ClientScenario = {
  name: 'pop3.client',
  exchanges: [
    GREETING,
    USER,
    PASS,
    { clientLines: 1, reply: mostly('+OK 2 320\r\n', ERR, '+OK 2\r\n', '+OK -1 x\r\n') },
    { clientLines: 1, reply: mostly('+OK 2 messages\r\n1 120\r\n2 200\r\n.\r\n', ERR, '+OK\r\n1 120\r\n1 120\r\n.\r\n', '+OK\r\n1\r\n') },
    { clientLines: 1, reply: mostly('+OK 120 octets\r\nSubject: a\r\n\r\n..dot\r\nbody\r\n.\r\n', ERR, '+OK\r\n.x\r\n.\r\n', '+OK\r\nno end\r\n') },
    { clientLines: 1, reply: mostly('+OK\r\nSubject: a\r\n\r\n.\r\n', ERR) },
    { clientLines: 1, reply: mostly('+OK\r\n1 whqtswO00WBw418f9t5JxYwZ\r\n2 QhdPYR:00WBw1Ph7x7\r\n.\r\n', ERR, '+OK\r\n1 a b\r\n.\r\n') },
    QUIT,
  ],
  maxReads: 30,
  async run(connect) {
    const client = await Pop3Client.connect(connect);
    try {
      await client.greeting();
      await client.user('alice');
      await client.pass('secret');
      await client.stat();
      await client.list();
      await client.retr(1);
      await client.top(1, 0);
      await client.uidl();
      await client.quit();
    } finally {
      client.close();
    }
  },
};

/** What the suite runner does before any case, with credentials: greeting, CAPA, USER, PASS, CAPA, QUIT. */
export const POP3_PROBE: ClientScenario = {
  name: 'pop3.probe',
  exchanges: [GREETING, CAPA, USER, PASS, CAPA, QUIT],
  maxReads: 20,
  async run(connect) {
    await probePop3(connect, { user: 'alice', pass: 'secret' });
  },
};

export const POP3_UNSOLICITED = ['+OK extra\r\n', '-ERR extra\r\n', '.\r\n', '+ \r\n', '+ PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2U+\r\n', '+OK\r\n..\r\n'];
