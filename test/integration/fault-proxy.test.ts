import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { dovecotUnavailableReason, startDovecot, type DovecotLab } from '../../src/lab/dovecot.js';
import { postfixUnavailableReason, startPostfix, type PostfixLab } from '../../src/lab/postfix.js';
import { ImapClient, quoteImap } from '../../src/protocol/imap/client.js';
import type { ImapUnit } from '../../src/protocol/imap/conversation.js';
import { Pop3Client } from '../../src/protocol/pop3/client.js';
import { SmtpClient } from '../../src/protocol/smtp/client.js';
import type { Violation } from '../../src/protocol/shared/violation.js';
import type { Connection } from '../../src/transport/connection.js';
import type { FaultProtocol } from '../helpers/fault-proxy/fault.js';
import { findFault } from '../helpers/fault-proxy/faults.js';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy/proxy.js';
import { dialRaw, probePort, type RawWire } from '../helpers/raw-wire.js';

// Each fault in front of the real server it breaks: it fires, and the client sees what it says.
// In CI the installer must have provided the servers, so a missing one is a failure there, not a skip.
const inCi = /^(1|true)$/i.test(process.env['CI'] ?? '');
const noDovecot = inCi ? undefined : dovecotUnavailableReason();
const noPostfix = inCi ? undefined : postfixUnavailableReason();
const WAIT_MS = 5000;
/** How long "never answered" is watched. */
const HANG_MS = 500;
const MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../helpers/fault-proxy/main.js');
const client = { host: '127.0.0.1', readTimeoutMs: WAIT_MS, connectTimeoutMs: WAIT_MS };

/** Every byte the client received, minus what differs per run: Dovecot's timings, Postfix's queue ids. */
function received(connection: Connection): string {
  const bytes = Buffer.concat(connection.log.events().filter((e) => e.direction === 'in').map((e) => e.bytes));
  return bytes.toString('latin1').replace(/ \(\d+\.\d+ \+ \d+\.\d+(?: \+ \d+\.\d+)? secs\)/g, '').replace(/queued as \w+/g, 'queued as ID');
}

const unitText = (u: ImapUnit): string => u.raw.parts.map((p) => p.bytes.toString('latin1')).join('');

/** The timer is not unref'd: a promise that never settles must fail its test, not end the event loop under it. */
async function within<T>(promise: Promise<T>, what: string, ms = WAIT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function withProxy(port: number, fault: string, protocol: FaultProtocol, fn: (proxy: FaultProxy) => Promise<void>): Promise<FaultProxy> {
  const proxy = await startFaultProxy({ upstream: { host: '127.0.0.1', port }, fault: findFault(fault), protocol });
  try {
    await fn(proxy);
  } finally {
    await proxy.stop();
  }
  return proxy;
}

/** The hung connection stays silent, and stop() releases it. */
async function assertHangsUntilStop(proxy: FaultProxy, wire: RawWire): Promise<void> {
  assert.equal(await wire.quiet(HANG_MS), '', 'the withheld reply (and everything after it) must not arrive');
  await proxy.stop();
  assert.equal(await within(wire.closed, 'stop() closing the hung connection'), 'closed');
}

/** A line longer than 1000 bytes resets every connection and the listener goes away; 1000 bytes are fine. */
async function assertCrashOnLongLine(proxy: FaultProxy, greeting: RegExp, answer: RegExp): Promise<void> {
  const [wire, bystander] = [await dialRaw(proxy.port), await dialRaw(proxy.port)];
  await wire.read(greeting);
  await bystander.read(greeting);
  wire.write(`${'x'.repeat(1000)}\r\n`);
  await wire.read(answer);
  assert.equal(proxy.crashed, false, 'a 1000-byte line is not long');
  wire.write(`${'x'.repeat(1001)}\r\n`);
  assert.equal(await within(wire.closed, 'the crash'), 'ECONNRESET');
  assert.equal(await within(bystander.closed, 'the crash'), 'ECONNRESET', 'every open connection dies with the server');
  assert.equal(proxy.crashed, true);
  assert.equal(proxy.triggered, 1);
  assert.equal(await probePort(proxy.port), 'ECONNREFUSED', 'a crashed server accepts no connection');
}

describe('fault proxy in front of Dovecot', { skip: noDovecot, timeout: 60_000 }, () => {
  let lab: DovecotLab;
  const pw = (name: string): string => lab.users.find((u) => u.name === name)?.password ?? assert.fail(`no user ${name}`);
  const small = Buffer.from('Subject: small\r\n\r\nhello\r\n');

  before(async () => {
    lab = await startDovecot({ users: ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'gina'].map((name) => ({ name })) });
    const big = Buffer.from(`Subject: big\r\n\r\n${'0123456789abcdef .. a line with dots\r\n'.repeat(4000)}`);
    const seeds: Array<[string, Buffer]> = [['alice', small], ['bob', big], ['bob', small], ['dave', small], ['erin', big], ['erin', small]];
    for (const user of ['carol', 'frank', 'gina']) for (const n of [1, 2, 3]) seeds.push([user, Buffer.from(`Subject: ${user} ${n}\r\n\r\nbody ${n}\r\n`)]);
    for (const [user, message] of seeds) await lab.seed(user, message);
  });
  after(() => lab?.stop());

  async function imapLogin(port: number, user: string): Promise<ImapClient> {
    const c = await ImapClient.connect({ ...client, port });
    await c.greeting();
    assert.equal((await c.command(`LOGIN ${user} ${quoteImap(pw(user))}`)).tagged.status, 'OK');
    return c;
  }

  async function imapTranscript(port: number): Promise<{ text: string; violations: Violation[] }> {
    const c = await imapLogin(port, 'bob');
    try {
      const violations: Violation[] = [];
      for (const command of ['EXAMINE INBOX', 'FETCH 1:* (FLAGS RFC822.SIZE BODY.PEEK[])', 'UID SEARCH ALL', 'NOOP', 'LOGOUT']) violations.push(...(await c.command(command)).violations);
      return { text: received(c.connection), violations };
    } finally {
      c.close();
    }
  }

  test('passthrough: the IMAP reference client receives exactly what Dovecot sends (a 150 KB literal included)', async () => {
    const direct = await imapTranscript(lab.imapPort);
    const proxy = await withProxy(lab.imapPort, 'passthrough', 'imap', async (p) => {
      assert.deepEqual(await imapTranscript(p.port), direct);
      // A client literal goes through as octets: APPEND stores the message byte for byte.
      const c = await imapLogin(p.port, 'bob');
      const message = Buffer.from('Subject: appended\r\n\r\n{5}\r\nnot a literal\r\n');
      assert.equal((await c.command('APPEND INBOX {}', [message])).tagged.status, 'OK');
      await c.command('SELECT INBOX');
      const fetched = await c.command('FETCH 3 BODY.PEEK[]');
      assert.ok(unitText(fetched.untagged[0]!).includes(message.toString('latin1')));
      c.close();
    });
    assert.equal(direct.violations.length, 0);
    assert.match(direct.text, /BODY\[\] \{15\d{4}\}\r\n/, 'the big message came as one literal');
    assert.equal(proxy.triggered, 0);
  });

  test('imap.drop-expunge: one of two EXPUNGE responses never reaches the client', async () => {
    const proxy = await withProxy(lab.imapPort, 'imap.drop-expunge', 'imap', async (p) => {
      const c = await imapLogin(p.port, 'carol');
      await c.command('SELECT INBOX');
      await c.command('STORE 1:2 +FLAGS.SILENT (\\Deleted)');
      const expunged = (await c.command('EXPUNGE')).untagged.filter((u) => /^\* \d+ EXPUNGE$/.test(unitText(u)));
      assert.deepEqual(expunged.map(unitText), ['* 1 EXPUNGE'], 'Dovecot sent "* 1 EXPUNGE" twice');
      // The client believes 2 messages remain; the server has 1, so message 2 no longer exists.
      assert.notEqual((await c.command('FETCH 2 FLAGS')).tagged.status, 'OK');
      c.close();
    });
    assert.equal(proxy.triggered, 1);
    const d = await imapLogin(lab.imapPort, 'carol');
    assert.match(unitText((await d.command('STATUS INBOX (MESSAGES)')).untagged[0]!), /\(MESSAGES 1\)/);
    d.close();
  });

  test('imap.literal-off-by-one: {n} becomes {n+1} and the reference client reports the broken response', async () => {
    const proxy = await withProxy(lab.imapPort, 'imap.literal-off-by-one', 'imap', async (p) => {
      const c = await imapLogin(p.port, 'alice');
      await c.command('EXAMINE INBOX');
      const fetched = await c.command('FETCH 1 BODY.PEEK[]');
      assert.notDeepEqual(fetched.violations, []);
      assert.ok(received(c.connection).includes(`BODY[] {${small.length + 1}}\r\n${small.toString('latin1')})\r\n`), 'same n octets after {n+1}');
      c.close();
    });
    assert.equal(proxy.triggered, 1);
  });

  test('imap.lose-flag: \\Flagged set by STORE is missing from every FETCH, yet set on the server', async () => {
    const proxy = await withProxy(lab.imapPort, 'imap.lose-flag', 'imap', async (p) => {
      const c = await imapLogin(p.port, 'dave');
      await c.command('SELECT INBOX');
      const stored = await c.command('STORE 1 +FLAGS (\\Flagged)');
      const fetched = await c.command('FETCH 1 FLAGS');
      const flags = [...stored.untagged, ...fetched.untagged].map(unitText);
      assert.equal(flags.length, 2);
      for (const f of flags) assert.match(f, /^\* 1 FETCH \(FLAGS \((?!.*Flagged).*\)\)$/);
      c.close();
    });
    assert.equal(proxy.triggered, 2);
    const d = await imapLogin(lab.imapPort, 'dave');
    await d.command('EXAMINE INBOX');
    assert.match(unitText((await d.command('FETCH 1 FLAGS')).untagged[0]!), /\\Flagged/);
    d.close();
  });

  test('imap.hang-on-check: CHECK is never completed, nor anything after it, until stop()', async () => {
    const proxy = await startFaultProxy({ upstream: { host: '127.0.0.1', port: lab.imapPort }, fault: findFault('imap.hang-on-check') });
    try {
      const wire = await dialRaw(proxy.port);
      await wire.read(/^\* OK .*\r\n/);
      wire.write(`a LOGIN alice ${quoteImap(pw('alice'))}\r\nb SELECT INBOX\r\n`);
      await wire.read(/^b OK .*\r\n/m);
      wire.write('c CHECK\r\nd NOOP\r\n');
      await assertHangsUntilStop(proxy, wire);
      assert.equal(proxy.triggered, 1);
    } finally {
      await proxy.stop();
    }
  });

  test('imap.crash-on-long-line: in-process crash resets every connection and refuses new ones', async () => {
    const proxy = await startFaultProxy({ upstream: { host: '127.0.0.1', port: lab.imapPort }, fault: findFault('imap.crash-on-long-line') });
    try {
      // A line with no space has no command: Dovecot answers it untagged.
      await assertCrashOnLongLine(proxy, /^\* OK .*\r\n/, /^\* BAD .*\r\n/m);
    } finally {
      await proxy.stop();
    }
  });

  /** STAT's drop listing for `user`, straight from Dovecot. */
  async function pop3Stat(user: string): Promise<string> {
    const c = await Pop3Client.connect({ ...client, port: lab.pop3Port });
    try {
      await c.greeting();
      await c.user(user);
      await c.pass(pw(user));
      return (await c.stat()).response.text;
    } finally {
      c.close();
    }
  }

  async function pop3Transcript(port: number): Promise<{ text: string; violations: Violation[] }> {
    const c = await Pop3Client.connect({ ...client, port });
    try {
      const violations = [...(await c.greeting()).violations];
      for (const command of ['USER erin', `PASS ${pw('erin')}`, 'STAT', 'LIST', 'UIDL', 'RETR 1', 'TOP 2 0', 'CAPA', 'LIST 2', 'UIDL 1', 'NOOP', 'RSET', 'QUIT']) {
        violations.push(...(await c.command(command)).violations);
      }
      return { text: received(c.connection), violations };
    } finally {
      c.close();
    }
  }

  test('passthrough: the POP3 reference client receives exactly what Dovecot sends', async () => {
    const direct = await pop3Transcript(lab.pop3Port);
    const proxy = await withProxy(lab.pop3Port, 'passthrough', 'pop3', async (p) => assert.deepEqual(await pop3Transcript(p.port), direct));
    assert.deepEqual(direct.violations, []);
    assert.equal(proxy.triggered, 0);
  });

  test('pop3.stat-off-by-one: STAT claims one octet more than LIST adds up to', async () => {
    const stat = async (port: number): Promise<{ stat: string; list: string }> => {
      const c = await Pop3Client.connect({ ...client, port });
      await c.greeting();
      await c.user('erin');
      await c.pass(pw('erin'));
      const [s, l] = [await c.stat(), await c.list()];
      c.close();
      return { stat: s.response.text, list: l.response.lines.map((b) => b.toString('latin1')).join(',') };
    };
    const direct = await stat(lab.pop3Port);
    const proxy = await withProxy(lab.pop3Port, 'pop3.stat-off-by-one', 'pop3', async (p) => {
      const faulty = await stat(p.port);
      const [count, size] = direct.stat.split(' ').map(Number);
      assert.equal(faulty.stat, `${count} ${size! + 1}`);
      assert.equal(faulty.list, direct.list, 'LIST stays true');
    });
    assert.equal(proxy.triggered, 1);
  });

  test('pop3.hang-on-uidl: UIDL with or without argument is never answered, until stop()', async () => {
    const proxy = await startFaultProxy({ upstream: { host: '127.0.0.1', port: lab.pop3Port }, fault: findFault('pop3.hang-on-uidl') });
    try {
      const wires = await Promise.all(['UIDL', 'UIDL 1'].map(async (uidl) => {
        const wire = await dialRaw(proxy.port);
        wire.write(`USER erin\r\nPASS ${pw('erin')}\r\n`);
        await wire.read(/^\+OK Logged in.*\r\n/m);
        wire.write(`${uidl}\r\nNOOP\r\n`);
        return wire;
      }));
      assert.equal(await wires[0]!.quiet(HANG_MS), '');
      await assertHangsUntilStop(proxy, wires[1]!);
      assert.equal(await within(wires[0]!.closed, 'stop()'), 'closed');
      assert.equal(proxy.triggered, 2);
    } finally {
      await proxy.stop();
    }
  });

  test('pop3.dele-not-committed: the proxy answers QUIT itself, so DELE never takes effect (passthrough commits)', async () => {
    const deleThenQuit = async (fault: string): Promise<{ reply: string; proxy: FaultProxy }> => {
      let reply = '';
      const proxy = await withProxy(lab.pop3Port, fault, 'pop3', async (p) => {
        const wire = await dialRaw(p.port);
        wire.write(`USER frank\r\nPASS ${pw('frank')}\r\n`);
        await wire.read(/^\+OK Logged in.*\r\n/m);
        wire.write('DELE 1\r\nQUIT\r\n'); // pipelined: the proxy's +OK must wait for DELE's
        assert.equal(await within(wire.closed, 'the close after QUIT'), 'closed');
        reply = await wire.quiet(0);
      });
      return { reply, proxy };
    };
    const stat = (): Promise<string> => pop3Stat('frank');
    const faulty = await deleThenQuit('pop3.dele-not-committed');
    assert.match(faulty.reply, /^\+OK .*\r\n\+OK Logging out\.\r\n$/);
    assert.equal(faulty.proxy.triggered, 1);
    assert.match(await stat(), /^3 /, 'no message deleted');
    const control = await deleThenQuit('passthrough');
    assert.equal(control.proxy.triggered, 0);
    assert.match(await stat(), /^2 /, 'through the control, QUIT commits DELE');
  });

  test('pop3.dele-committed-without-quit: a client that drops after DELE has it committed by the proxy\'s QUIT (passthrough keeps it)', async () => {
    const deleThenDrop = (fault: string): Promise<FaultProxy> =>
      withProxy(lab.pop3Port, fault, 'pop3', async (p) => {
        const wire = await dialRaw(p.port);
        wire.write(`USER gina\r\nPASS ${pw('gina')}\r\n`);
        await wire.read(/^\+OK Logged in.*\r\n/m);
        wire.write('DELE 1\r\n');
        await wire.read(/^\+OK Marked to be deleted.*\r\n/m);
        wire.close();
        // The server commits (or not) after the client is gone: wait for the proxy's QUIT to be answered.
        await new Promise((resolve) => setTimeout(resolve, HANG_MS));
      });
    const control = await deleThenDrop('passthrough');
    assert.equal(control.triggered, 0);
    assert.match(await pop3Stat('gina'), /^3 /, 'no QUIT, no removal (RFC 1939 §6)');
    const faulty = await deleThenDrop('pop3.dele-committed-without-quit');
    assert.equal(faulty.triggered, 1);
    assert.match(await pop3Stat('gina'), /^2 /, 'the proxy\'s QUIT committed DELE');
  });

  test('pop3.crash-on-long-line as a process: exit code 70 and a line on stderr', async () => {
    const child = spawn(process.execPath, [MAIN, '--listen-port', '0', '--upstream', `127.0.0.1:${lab.pop3Port}`, '--fault', 'pop3.crash-on-long-line'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    try {
      const port = await within(new Promise<number>((resolve) => child.stdout.on('data', (b: Buffer) => {
        stdout += b.toString();
        const m = /^listening (\d+)\n/.exec(stdout);
        if (m) resolve(Number(m[1]));
      })), 'the "listening" line');
      const wire = await dialRaw(port);
      await wire.read(/^\+OK .*\r\n/);
      wire.write(`${'x'.repeat(1001)}\r\n`);
      assert.equal(await within(exited, 'the process exit'), 70);
      assert.equal(stderr, 'fault-proxy: crash (line of 1001 bytes)\n');
      assert.equal(await within(wire.closed, 'the reset'), 'ECONNRESET');
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    }
  });
});

describe('fault proxy in front of Postfix', { skip: noPostfix, timeout: 60_000 }, () => {
  let lab: PostfixLab;
  const rcpt = (): string => `RCPT TO:<${lab.mailboxes[0]!.address}>`;
  before(async () => {
    lab = await startPostfix();
  });
  after(() => lab?.stop());

  async function smtpTranscript(port: number, path: string): Promise<{ text: string; violations: Violation[] }> {
    const c = await SmtpClient.connect({ ...client, port });
    try {
      const violations = [...(await c.greeting()).violations];
      const say = async (line: string): Promise<void> => void violations.push(...(await c.command(line)).violations);
      for (const line of ['EHLO client.example.test', rcpt(), 'MAIL FROM:<sender@example.test>', rcpt()]) await say(line);
      // Body lines that look like commands must stay message text.
      violations.push(...(await c.data(Buffer.from(`Subject: through ${path}\r\nX-Path: ${path}\r\n\r\nRCPT TO:<x@y>\r\n.leading dot\r\nQUIT\r\n`))).violations);
      for (const line of ['RSET', 'NOOP', 'HELP', 'VRFY alice', 'QUIT']) await say(line);
      return { text: received(c.connection), violations };
    } finally {
      c.close();
    }
  }

  test('passthrough: the SMTP reference client receives exactly what Postfix sends, and the mail arrives', async () => {
    const direct = await smtpTranscript(lab.port, 'direct');
    const proxy = await withProxy(lab.port, 'passthrough', 'smtp', async (p) => assert.deepEqual(await smtpTranscript(p.port, 'proxy'), direct));
    assert.deepEqual(direct.violations, []);
    assert.equal(proxy.triggered, 0);
    const mail = await lab.waitForDelivery(lab.mailboxes[0]!.user, (m) => m.bytes.includes('X-Path: proxy'));
    assert.match(mail.bytes.toString('latin1'), /\r?\n\r?\nRCPT TO:<x@y>\r?\n\.leading dot\r?\nQUIT\r?\n$/);
  });

  test('smtp.rcpt-before-mail: RCPT without MAIL gets 250, and every later reply still answers its own command', async () => {
    const proxy = await withProxy(lab.port, 'smtp.rcpt-before-mail', 'smtp', async (p) => {
      const c = await SmtpClient.connect({ ...client, port: p.port });
      const reply = async (line: string): Promise<string> => (await c.command(line)).reply.lines.map((l) => `${l.codeText} ${l.text}`).join('|');
      await c.greeting();
      await reply('EHLO client.example.test');
      assert.equal(await reply(rcpt()), '250 2.1.5 Ok', 'Postfix said 503 5.5.1');
      assert.equal(await reply('NOOP'), '250 2.0.0 Ok');
      assert.match(await reply('MAIL FROM:<sender@example.test>'), /^250 /);
      assert.match(await reply(rcpt()), /^250 /);
      const data = await c.data(Buffer.from('Subject: x\r\n\r\nRCPT TO:<x@y>\r\nRSET\r\n'));
      assert.match(data.reply.lines[0]!.text, /queued as/);
      assert.equal(await reply(rcpt()), '250 2.1.5 Ok', 'the transaction ended with the message');
      assert.match(await reply('QUIT'), /^221 /);
      c.close();
    });
    assert.equal(proxy.triggered, 2);
  });

  test('smtp.hang-on-help: HELP is never answered, nor anything after it, until stop()', async () => {
    const proxy = await startFaultProxy({ upstream: { host: '127.0.0.1', port: lab.port }, fault: findFault('smtp.hang-on-help') });
    try {
      const wire = await dialRaw(proxy.port);
      await wire.read(/^220 .*\r\n/);
      wire.write('EHLO client.example.test\r\n');
      await wire.read(/^250 .*\r\n/m);
      wire.write('HELP\r\nNOOP\r\n');
      await assertHangsUntilStop(proxy, wire);
      assert.equal(proxy.triggered, 1);
    } finally {
      await proxy.stop();
    }
  });

  test('smtp.crash-on-long-line: in-process crash resets every connection and refuses new ones', async () => {
    const proxy = await startFaultProxy({ upstream: { host: '127.0.0.1', port: lab.port }, fault: findFault('smtp.crash-on-long-line') });
    try {
      await assertCrashOnLongLine(proxy, /^220 .*\r\n/, /^500 .*\r\n/m);
    } finally {
      await proxy.stop();
    }
  });
});
