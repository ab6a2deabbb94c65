import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dovecotUnavailableReason, startDovecot, type DovecotLab, type DovecotLabOptions } from '../../src/lab/dovecot.js';
import { pidAlive, runCommand } from '../../src/lab/process-util.js';
import { dialRaw, probePort } from '../helpers/raw-wire.js';

// In CI the installer must have provided Dovecot, so a missing one is a failure there, not a skip.
const unavailable = /^(1|true)$/i.test(process.env['CI'] ?? '') ? undefined : dovecotUnavailableReason();
const MULTILINE_END = /\r\n\.\r\n/;

interface Wire { read(until: RegExp): Promise<string>; send(line: string, until?: RegExp): Promise<string>; close(): void; }

/** A raw socket: `read` returns the text up to the first match of `until`; `send` writes a line and reads its answer. */
async function dial(port: number): Promise<Wire> {
  const wire = await dialRaw(port);
  return {
    read: (until) => wire.read(until),
    send: (line, until) => {
      wire.write(`${line}\r\n`);
      const tag = /^([a-z]) /.exec(line)?.[1];
      // By default IMAP: up to the tagged reply; POP3: one line.
      return wire.read(until ?? (tag ? new RegExp(`^${tag} [A-Z]+ .*\r\n`, 'm') : /\r\n/));
    },
    close: () => wire.close(),
  };
}

const probe = probePort;

async function withLab(options: DovecotLabOptions, fn: (lab: DovecotLab) => Promise<void>): Promise<DovecotLab> {
  const lab = await startDovecot(options);
  try {
    await fn(lab);
  } catch (e) {
    throw new Error(`${(e as Error).message}\n--- dovecot log tail ---\n${await lab.logTail(30)}`, { cause: e });
  } finally {
    await lab.stop();
  }
  return lab;
}

const password = (lab: DovecotLab, name: string): string => lab.users.find((u) => u.name === name)?.password ?? assert.fail(`no user ${name}`);

test('lab Dovecot serves a seeded message over POP3 and IMAP', { skip: unavailable, timeout: 60_000 }, async () => {
  const lab = await withLab({}, async (lab) => {
    assert.equal(lab.host, '127.0.0.1');
    assert.deepEqual(lab.users.map((u) => u.name), ['alice', 'bob']);
    assert.notEqual(lab.imapPort, lab.pop3Port);
    const pw = password(lab, 'alice');
    // A line starting with "." and a line that is just ".": both must be dot-stuffed by RETR (RFC 1939 §3).
    const message = Buffer.from(['Subject: dots', 'From: <sender@example.test>', '', 'first', '.leading dot', '.', 'last', ''].join('\r\n'));
    await lab.seed('alice', message);

    const pop = await dial(lab.pop3Port);
    try {
      assert.match(await pop.read(/\r\n/), /^\+OK /);
      assert.match(await pop.send('USER alice'), /^\+OK/);
      assert.match(await pop.send(`PASS ${pw}`), /^\+OK/);
      const stat = /^\+OK 1 (\d+)\r\n$/.exec(await pop.send('STAT'));
      assert.ok(stat, 'STAT: one message');
      const size = Number(stat[1]);
      assert.equal(await pop.send('LIST 1'), `+OK 1 ${size}\r\n`);
      // pop3_uidl_format = %08Xu%08Xv: UID then UIDVALIDITY, 8 hex digits each.
      const uidvalidity = /uidvalidity=(\d+)/.exec(await lab.doveadm(['mailbox', 'status', '-u', 'alice', 'uidvalidity', 'INBOX']))?.[1];
      const uidl = `00000001${Number(uidvalidity).toString(16).padStart(8, '0')}`;
      assert.match(await pop.send('UIDL 1'), new RegExp(`^\\+OK 1 ${uidl}\r\n$`, 'i'));
      const retr = await pop.send('RETR 1', MULTILINE_END);
      const octets = /^\+OK (\d+) octets\r\n/.exec(retr);
      assert.ok(octets, `RETR status line: ${JSON.stringify(retr.slice(0, 40))}`);
      assert.equal(Number(octets[1]), size, 'STAT size = RETR octets');
      const body = retr.slice(octets[0].length, -'.\r\n'.length);
      assert.match(body, /\r\n\.\.leading dot\r\n\.\.\r\nlast\r\n$/, 'dot-stuffed on the wire');
      const unstuffed = body.replace(/^\./gm, '');
      assert.equal(unstuffed, message.toString('latin1'));
      assert.equal(Buffer.byteLength(unstuffed, 'latin1'), size);
      assert.match(await pop.send('QUIT'), /^\+OK/);
    } finally {
      pop.close();
    }

    const imap = await dial(lab.imapPort);
    try {
      const greeting = await imap.read(/\r\n/);
      assert.match(greeting, /^\* OK /);
      // TLS is opt-in: the default lab is plain text only, with PLAIN and LOGIN (lab-tls.test.ts covers the rest).
      assert.match(greeting, / AUTH=PLAIN AUTH=LOGIN\]/);
      assert.doesNotMatch(greeting, /STARTTLS|LOGINDISABLED/);
      assert.equal(lab.imapsPort ?? lab.pop3sPort ?? lab.certPem ?? lab.authSocketPath, undefined);
      assert.match(await imap.send(`a LOGIN alice ${pw}`), /^a OK /m);
      const select = await imap.send('b SELECT INBOX');
      assert.match(select, /^\* 1 EXISTS\r$/m);
      assert.match(select, /^b OK /m);
      assert.match(await imap.send('c LOGOUT'), /^\* BYE .*\r\nc OK /m);
    } finally {
      imap.close();
    }

    // Last, because it costs the ~2 s auth_failure_delay (and starts the per-IP auth penalty).
    const bad = await dial(lab.pop3Port);
    try {
      await bad.read(/\r\n/);
      await bad.send('USER alice');
      assert.match(await bad.send(`PASS not-${pw}`), /^-ERR /);
    } finally {
      bad.close();
    }
  });

  assert.equal(pidAlive(lab.masterPid), false, 'master pid still alive after stop()');
  assert.notEqual(await probe(lab.pop3Port), 'connected');
  assert.notEqual(await probe(lab.imapPort), 'connected');
  assert.equal(existsSync(lab.dir), process.env['KEEP_LAB_DIR'] === '1');
  await lab.stop(); // idempotent
});

test('two lab instances run side by side and one after another', { skip: unavailable, timeout: 60_000 }, async () => {
  const [a, b] = await Promise.all([startDovecot(), startDovecot({ users: [{ name: 'carol', password: 's3cret' }], apop: true })]);
  try {
    assert.notEqual(a.dir, b.dir);
    assert.notEqual(a.masterPid, b.masterPid);
    assert.equal(new Set([a.imapPort, a.pop3Port, b.imapPort, b.pop3Port]).size, 4);
    assert.deepEqual(b.users.map((u) => [u.name, u.password]), [['carol', 's3cret']]);
    // The seed command works from a shell, as mailconform's --seed-command runs it.
    const seeded = await runCommand('/bin/sh', ['-c', b.seedCommand('carol')], { input: Buffer.from('Subject: via sh\n\nhi\n') });
    assert.equal(seeded.code, 0, seeded.stderr);

    const plain = await dial(a.pop3Port);
    const apop = await dial(b.pop3Port);
    try {
      assert.match(await plain.read(/\r\n/), /^\+OK [^<]*\r\n$/, 'no APOP timestamp unless asked for');
      // RFC 1939 §7: APOP digest = MD5(timestamp + secret).
      const stamp = /^\+OK .*(<[^<>]+@[^<>]+>)\r\n$/.exec(await apop.read(/\r\n/))?.[1] ?? assert.fail('no APOP timestamp');
      const digest = createHash('md5').update(`${stamp}s3cret`).digest('hex');
      assert.match(await apop.send(`APOP carol ${digest}`), /^\+OK/);
      assert.match(await apop.send('STAT'), /^\+OK 1 \d+\r\n$/);
      assert.match(await apop.send('QUIT'), /^\+OK/);
    } finally {
      plain.close();
      apop.close();
    }
    await a.stop();
    // Stopping one leaves the other running.
    assert.equal(pidAlive(b.masterPid), true);
    assert.equal(await probe(b.pop3Port), 'connected');
    assert.notEqual(await probe(a.pop3Port), 'connected');
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
  assert.equal(pidAlive(a.masterPid) || pidAlive(b.masterPid), false);

  // A fresh one after the others are gone.
  await withLab({}, async (c) => {
    const imap = await dial(c.imapPort);
    try {
      assert.match(await imap.read(/\r\n/), /^\* OK /);
    } finally {
      imap.close();
    }
  });
});
