import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { SmtpClient } from '../../src/protocol/smtp/client.js';
import { postfixUnavailableReason, startPostfix, type PostfixLab } from '../../src/lab/postfix.js';
import { pidAlive } from '../../src/lab/process-util.js';

// In CI the installer must have provided Postfix, so a missing one is a failure there, not a skip.
const unavailable = /^(1|true)$/i.test(process.env['CI'] ?? '') ? undefined : postfixUnavailableReason();
const WAIT_MS = 5000;

/** Our reference client against the lab: the reply text joined, and every reply must be well-formed. */
async function connect(port: number): Promise<SmtpClient & { line(command?: string): Promise<string> }> {
  const client = await SmtpClient.connect({ host: '127.0.0.1', port, readTimeoutMs: WAIT_MS, connectTimeoutMs: WAIT_MS });
  const line = async (command?: string): Promise<string> => {
    const { reply, violations } = command === undefined ? await client.greeting() : await client.command(command);
    assert.deepEqual(violations, [], `violations in the reply to ${command ?? 'the greeting'}`);
    return reply.lines.map((l) => `${l.codeText}${l.isFinal ? ' ' : '-'}${l.text}`).join('\n');
  };
  return Object.assign(client, { line });
}

/** Resolves with the connect error code, or 'connected' if the port still accepts. */
function probe(port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    const timer = setTimeout(() => {
      s.destroy();
      resolve('timeout');
    }, WAIT_MS);
    s.once('connect', () => {
      clearTimeout(timer);
      s.destroy();
      resolve('connected');
    });
    s.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve(e.code ?? e.message);
    });
  });
}

async function withLab(fn: (lab: PostfixLab) => Promise<void>): Promise<PostfixLab> {
  const lab = await startPostfix();
  try {
    await fn(lab);
  } catch (e) {
    throw new Error(`${(e as Error).message}\n--- maillog tail ---\n${await lab.logTail(30)}`, { cause: e });
  } finally {
    await lab.stop();
  }
  return lab;
}

test('lab Postfix accepts, rejects and delivers like a real MTA', { skip: unavailable, timeout: 60_000 }, async () => {
  const lab = await withLab(async (lab) => {
    assert.equal(lab.host, '127.0.0.1');
    assert.deepEqual(lab.mailboxes.map((m) => m.user), ['alice', 'bob']);
    const alice = `alice@${lab.domain}`;
    const token = `lab-${process.pid}-${Date.now()}`;
    const wire = await connect(lab.port);
    try {
      assert.match(await wire.line(), new RegExp(`^220 ${lab.hostname.replace(/\./g, '\\.')} `));
      const ehlo = await wire.line('EHLO client.example');
      assert.match(ehlo, /^250-/);
      assert.match(ehlo, /^250[ -]PIPELINING$/m);
      // TLS and AUTH are opt-in (lab-tls.test.ts).
      assert.doesNotMatch(ehlo, /STARTTLS|AUTH/);
      assert.equal(lab.smtpsPort ?? lab.certPem, undefined);
      assert.match(await wire.line('MAIL FROM:<sender@client.example>'), /^250 /);
      // Unknown local user: Postfix's local_recipient_maps check.
      assert.match(
        await wire.line(`RCPT TO:<nosuchuser@${lab.domain}>`),
        /^550 5\.1\.1 <nosuchuser@example\.test>: Recipient address rejected: User unknown in local recipient table$/,
      );
      // Foreign domain from loopback: reject_unauth_destination, even though 127.0.0.1 is in mynetworks.
      assert.match(await wire.line('RCPT TO:<someone@elsewhere.example>'), /^554 5\.7\.1 <someone@elsewhere\.example>: Relay access denied$/);
      // RFC 5321 §4.5.1: the bare "postmaster" must be accepted.
      assert.match(await wire.line('RCPT TO:<postmaster>'), /^250 /);
      assert.match(await wire.line(`RCPT TO:<${alice}>`), /^250 /);
      // The client dot-stuffs ".leading dot" on the wire (RFC 5321 §4.5.2); Postfix must unstuff it.
      const body = [`Subject: ${token}`, `From: <sender@client.example>`, `To: <${alice}>`, '', 'first line', '.leading dot', ''];
      const sent = await wire.data(Buffer.from(body.join('\r\n')));
      assert.equal(sent.reply.code, 250);
      assert.deepEqual(sent.violations, []);
      assert.match(await wire.line('QUIT'), /^221 /);
    } finally {
      wire.close();
    }

    const hasToken = (m: { bytes: Buffer }): boolean => m.bytes.includes(`Subject: ${token}`);
    const toAlice = await lab.waitForDelivery('alice', (m) => hasToken(m) && m.bytes.includes(`Delivered-To: ${alice}`), WAIT_MS);
    const text = toAlice.bytes.toString('latin1');
    assert.match(text, /\nfirst line\n\.leading dot\n?$/);
    assert.doesNotMatch(text, /\.\.leading/);
    // postmaster is aliased to alice's Maildir.
    await lab.waitForDelivery('alice', (m) => hasToken(m) && m.bytes.includes(`Delivered-To: postmaster@${lab.domain}`), WAIT_MS);
    assert.deepEqual(await lab.readDelivered('bob'), []);
    assert.match(await lab.logTail(), /status=sent \(delivered to maildir\)/);
  });

  assert.equal(pidAlive(lab.masterPid), false, 'master pid still alive after stop()');
  assert.notEqual(await probe(lab.port), 'connected');
  assert.equal(existsSync(lab.dir), process.env['KEEP_LAB_DIR'] === '1');
  await lab.stop(); // idempotent
});

test('two lab instances run side by side and one after another', { skip: unavailable, timeout: 60_000 }, async () => {
  const [a, b] = await Promise.all([startPostfix(), startPostfix({ domain: 'other.test', users: ['carol'] })]);
  try {
    assert.notEqual(a.port, b.port);
    assert.notEqual(a.dir, b.dir);
    assert.notEqual(a.masterPid, b.masterPid);
    assert.equal(b.hostname, 'mail.other.test');
    for (const lab of [a, b]) {
      const wire = await connect(lab.port);
      try {
        assert.match(await wire.line(), new RegExp(`^220 ${lab.hostname.replace(/\./g, '\\.')} `));
        assert.match(await wire.line('QUIT'), /^221 /);
      } finally {
        wire.close();
      }
    }
    await a.stop();
    // Stopping one leaves the other running.
    assert.equal(pidAlive(b.masterPid), true);
    assert.equal(await probe(b.port), 'connected');
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
  assert.equal(pidAlive(a.masterPid) || pidAlive(b.masterPid), false);

  // A fresh one after the others are gone.
  await withLab(async (c) => {
    const wire = await connect(c.port);
    try {
      assert.match(await wire.line(), /^220 /);
    } finally {
      wire.close();
    }
  });
});
