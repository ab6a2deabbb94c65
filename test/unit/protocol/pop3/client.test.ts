import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type net from 'node:net';
import { Pop3Client } from '../../../../src/protocol/pop3/client.js';
import { probePop3 } from '../../../../src/protocol/pop3/probe.js';
import { Pop3State } from '../../../../src/protocol/pop3/session-state.js';
import { isTransportError } from '../../../../src/transport/errors.js';
import { startFaultServer, type FaultServer } from '../../../helpers/fault-server.js';

const GREETING = '+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>\r\n';
const MESSAGE = 'Subject: hi\r\n\r\n.dot\r\nbody\r\n';

/** A small scripted POP3 responder; `answers` overrides the reply to a verb (raw bytes). */
function pop3Like(answers: Readonly<Record<string, string | ((socket: net.Socket) => void)>> = {}, greeting = GREETING) {
  const normal: Record<string, string> = {
    APOP: "+OK mrose's maildrop has 1 message (27 octets)\r\n",
    USER: '+OK\r\n',
    PASS: '+OK\r\n',
    STAT: '+OK 1 27\r\n',
    LIST: '+OK\r\n1 27\r\n.\r\n',
    RETR: '+OK 27 octets\r\nSubject: hi\r\n\r\n..dot\r\nbody\r\n.\r\n',
    CAPA: '+OK\r\nTOP\r\nUSER\r\nSASL PLAIN\r\n.\r\n',
    AUTH: '+ \r\n',
    QUIT: '+OK bye\r\n',
  };
  return {
    onConnect: (socket: net.Socket) => socket.write(greeting, 'latin1'),
    onLine: (line: string, socket: net.Socket) => {
      const verb = (line.split(' ')[0] ?? '').toUpperCase();
      const answer = answers[verb] ?? normal[verb] ?? (/^[A-Za-z0-9+/=]+$/.test(line) ? '+OK authenticated\r\n' : '-ERR unknown\r\n');
      if (typeof answer === 'function') answer(socket);
      else socket.write(answer, 'latin1');
      if (verb === 'QUIT') socket.end();
    },
  };
}

const servers: FaultServer[] = [];
async function serve(answers?: Parameters<typeof pop3Like>[0], greeting?: string): Promise<{ host: string; port: number }> {
  const server = await startFaultServer(pop3Like(answers, greeting));
  servers.push(server);
  return { host: '127.0.0.1', port: server.port };
}
after(async () => {
  for (const server of servers) await server.close();
});

describe('Pop3Client', () => {
  it('logs in with APOP from the greeting timestamp and reads a stuffed body whole', async () => {
    const client = await Pop3Client.connect(await serve());
    try {
      const greeting = await client.greeting();
      assert.deepEqual(greeting.violations, []);
      assert.equal(client.apopTimestamp, '<1896.697170952@dbc.mtview.ca.us>');
      const apop = await client.apop('mrose', 'tanstaaf');
      assert.equal(apop.response.status, '+OK');
      assert.equal(client.state, Pop3State.Transaction);
      assert.equal(client.connection.log.events().some((e) => e.direction === 'out' && e.bytes.toString().includes('c4c9334bac560ecc979e58001b3e22fb')), true);
      await client.list();
      const retr = await client.retr(1);
      assert.deepEqual(retr.violations, []);
      assert.equal(Buffer.concat(retr.response.lines.flatMap((l) => [l, Buffer.from('\r\n')])).toString(), MESSAGE);
      assert.equal(retr.response.octets, MESSAGE.length);
      await client.quit();
      assert.equal(client.state, Pop3State.Update);
    } finally {
      client.close();
    }
  });

  it('returns a body cut by the server closing, with the missing terminator reported', async () => {
    const client = await Pop3Client.connect(await serve({ RETR: (s) => s.end('+OK\r\nSubject: hi\r\n\r\npart', 'latin1') }));
    try {
      await client.greeting();
      await client.user('mrose');
      await client.pass('secret');
      const retr = await client.retr(1);
      assert.equal(retr.response.complete, false);
      assert.deepEqual(retr.response.lines.map(String), ['Subject: hi', '']);
      // "+OK\r\n" 5 + "Subject: hi\r\n" 13 + "\r\n" 2: the "." line was due at 20.
      assert.deepEqual(retr.violations.map((v) => [v.rule, v.offset, v.received]), [['multi-line.terminator', 20, 'part']]);
      assert.equal(client.state, Pop3State.Closed);
    } finally {
      client.close();
    }
  });

  it('lets a close before the status line propagate as a transport error', async () => {
    const client = await Pop3Client.connect(await serve({ NOOP: (s) => s.end() }));
    try {
      await client.greeting();
      await assert.rejects(client.noop(), (err) => isTransportError(err) && err.code === 'ERR_TRANSPORT_CLOSED');
    } finally {
      client.close();
    }
  });

  it('answers AUTH challenges through the responder, and cancels with "*" without one', async () => {
    const client = await Pop3Client.connect(await serve());
    try {
      await client.greeting();
      const challenges: string[] = [];
      const auth = await client.auth('PLAIN', (challenge) => {
        challenges.push(challenge.toString());
        return Buffer.from('\0mrose\0secret').toString('base64');
      });
      assert.deepEqual(challenges, ['']);
      assert.equal(auth.response.status, '+OK');
      assert.equal(client.state, Pop3State.Transaction);
    } finally {
      client.close();
    }
    const cancelled = await Pop3Client.connect(await serve());
    try {
      await cancelled.greeting();
      const auth = await cancelled.auth('PLAIN');
      assert.equal(auth.response.status, '-ERR');
      assert.equal(cancelled.state, Pop3State.Authorization);
    } finally {
      cancelled.close();
    }
  });

  it('rejects APOP when the greeting had no timestamp', async () => {
    const client = await Pop3Client.connect(await serve({}, '+OK POP3 server ready\r\n'));
    try {
      await client.greeting();
      await assert.rejects(client.apop('mrose', 'x'), /no timestamp/);
    } finally {
      client.close();
    }
  });
});

describe('probePop3', () => {
  it('reads greeting, APOP timestamp and CAPA, then quits', async () => {
    const probe = await probePop3(await serve());
    assert.equal(probe.greetingOk, true);
    assert.equal(probe.apopTimestamp, '<1896.697170952@dbc.mtview.ca.us>');
    assert.equal(probe.capaSupported, true);
    assert.deepEqual([...probe.capabilities.keys()], ['TOP', 'USER', 'SASL']);
    assert.equal(probe.authenticated, false);
  });

  it('reports a server without CAPA, and logs in when given credentials', async () => {
    const probe = await probePop3(await serve({ CAPA: '-ERR no\r\n' }), { user: 'mrose', pass: 'secret' });
    assert.equal(probe.capaSupported, false);
    assert.equal(probe.capabilities.size, 0);
    assert.equal(probe.authenticated, true);
  });
});
