import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { postfixUnavailableReason, startPostfix, type PostfixLab } from '../../src/lab/postfix.js';
import { pidAlive } from '../../src/lab/process-util.js';

// In CI the installer must have provided Postfix, so a missing one is a failure there, not a skip.
const unavailable = /^(1|true)$/i.test(process.env['CI'] ?? '') ? undefined : postfixUnavailableReason();
const WAIT_MS = 5000;

/** Minimal SMTP client: whole replies (multi-line aware), every read bounded. */
class Wire {
  private buf = '';
  private closed = false;
  private wake: (() => void) | undefined;
  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (b: Buffer) => {
      this.buf += b.toString('latin1');
      this.wake?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake?.();
    });
    socket.on('error', () => undefined);
  }

  static connect(port: number): Promise<Wire> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error('connect timeout'));
      }, WAIT_MS);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve(new Wire(socket));
      });
      socket.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
    });
  }

  /** Next complete reply, e.g. "250-a\r\n250 b" (without the final CRLF). */
  async reply(): Promise<string> {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const m = /^(?:\d{3}-[^\r\n]*\r\n)*\d{3}(?: [^\r\n]*)?\r\n/.exec(this.buf);
      if (m) {
        this.buf = this.buf.slice(m[0].length);
        return m[0].slice(0, -2);
      }
      if (this.closed) throw new Error(`connection closed; unread ${JSON.stringify(this.buf)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no complete reply within ${WAIT_MS} ms; have ${JSON.stringify(this.buf)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  async command(line: string): Promise<string> {
    this.socket.write(`${line}\r\n`, 'latin1');
    return this.reply();
  }

  close(): void {
    this.socket.destroy();
  }
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
    const wire = await Wire.connect(lab.port);
    try {
      assert.match(await wire.reply(), new RegExp(`^220 ${lab.hostname.replace(/\./g, '\\.')} `));
      const ehlo = await wire.command('EHLO client.example');
      assert.match(ehlo, /^250-/);
      assert.match(ehlo, /^250[ -]PIPELINING$/m);
      assert.match(await wire.command('MAIL FROM:<sender@client.example>'), /^250 /);
      // Unknown local user: Postfix's local_recipient_maps check.
      assert.match(
        await wire.command(`RCPT TO:<nosuchuser@${lab.domain}>`),
        /^550 5\.1\.1 <nosuchuser@example\.test>: Recipient address rejected: User unknown in local recipient table$/,
      );
      // Foreign domain from loopback: reject_unauth_destination, even though 127.0.0.1 is in mynetworks.
      assert.match(await wire.command('RCPT TO:<someone@elsewhere.example>'), /^554 5\.7\.1 <someone@elsewhere\.example>: Relay access denied$/);
      // RFC 5321 §4.5.1: the bare "postmaster" must be accepted.
      assert.match(await wire.command('RCPT TO:<postmaster>'), /^250 /);
      assert.match(await wire.command(`RCPT TO:<${alice}>`), /^250 /);
      assert.match(await wire.command('DATA'), /^354 /);
      // "..leading" is the dot-stuffed form of ".leading" (RFC 5321 §4.5.2).
      const body = [`Subject: ${token}`, `From: <sender@client.example>`, `To: <${alice}>`, '', 'first line', '..leading dot', '.'];
      assert.match(await wire.command(body.join('\r\n')), /^250 /);
      assert.match(await wire.command('QUIT'), /^221 /);
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
      const wire = await Wire.connect(lab.port);
      try {
        assert.match(await wire.reply(), new RegExp(`^220 ${lab.hostname.replace(/\./g, '\\.')} `));
        assert.match(await wire.command('QUIT'), /^221 /);
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
    const wire = await Wire.connect(c.port);
    try {
      assert.match(await wire.reply(), /^220 /);
    } finally {
      wire.close();
    }
  });
});
