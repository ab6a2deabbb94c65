import fc from 'fast-check';
import { SmtpClient } from '../../../src/protocol/smtp/client.js';
import { encodeDataBody } from '../../../src/protocol/smtp/dot-stuffing.js';
import { probeSmtp } from '../../../src/protocol/smtp/probe.js';
import { countLines, mostly, type ClientScenario, type Exchange } from './plausible-session.js';

const MESSAGE = Buffer.from('Subject: hostile\r\n\r\nbody\r\n.dot line\r\n', 'latin1');

const GREETING: Exchange = {
  clientLines: 0,
  reply: fc.oneof(
    { arbitrary: fc.constant('220 mx.example.test ESMTP ready\r\n'), weight: 4 },
    fc.constant('220-mx.example.test ESMTP\r\n220-more text\r\n220 ready\r\n'),
    fc.constantFrom('554 no service\r\n', '421 busy\r\n', '220 \r\n', '220\r\n'),
  ),
};
const EHLO: Exchange = {
  clientLines: 1,
  reply: mostly('250-mx.example.test\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n', '250 mx.example.test\r\n', '502 no EHLO\r\n', '250-mx\r\n250-SIZE x y\r\n250 AUTH\r\n'),
};
const QUIT: Exchange = { clientLines: 1, reply: mostly('221 2.0.0 bye\r\n', '221 bye\r\n', '500 what\r\n') };

/** The SMTP reference client through greeting, EHLO, MAIL, RCPT, DATA and QUIT. */
export const SMTP_CLIENT: ClientScenario = {
  name: 'smtp.client',
  exchanges: [
    GREETING,
    EHLO,
    { clientLines: 1, reply: mostly('250 2.1.0 ok\r\n', '550 no\r\n', '451 later\r\n') },
    { clientLines: 1, reply: mostly('250 2.1.5 ok\r\n', '550 no such user\r\n', '251 forwarded\r\n') },
    { clientLines: 1, reply: mostly('354 go ahead\r\n', '503 no recipients\r\n', '554 no\r\n') },
    { clientLines: countLines(encodeDataBody(MESSAGE)), reply: mostly('250 2.0.0 queued\r\n', '552 too big\r\n') },
    QUIT,
  ],
  maxReads: 8,
  async run(connect) {
    const client = await SmtpClient.connect(connect);
    try {
      await client.greeting();
      await client.ehlo('client.example.test');
      await client.command('MAIL FROM:<a@client.example.test>');
      await client.command('RCPT TO:<b@example.test>');
      await client.data(MESSAGE);
      await client.quit();
    } finally {
      client.close();
    }
  },
};

/** What the suite runner does before any case: greeting, EHLO, QUIT. */
export const SMTP_PROBE: ClientScenario = {
  name: 'smtp.probe',
  exchanges: [GREETING, EHLO, QUIT],
  maxReads: 4,
  async run(connect) {
    await probeSmtp(connect, 'client.example.test');
  },
};

/** Lines a hostile SMTP server may slip in anywhere. */
export const SMTP_UNSOLICITED = ['250 extra\r\n', '421 shutting down\r\n', '220 again\r\n', '250-\r\n', '999 x\r\n', '25\r\n', '250-a\r\n251 b\r\n'];
