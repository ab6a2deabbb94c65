import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { dovecotUnavailableReason, startDovecot, type DovecotLab } from '../../src/lab/dovecot.js';
import { quoteImap } from '../../src/protocol/imap/client.js';
import { findFault } from '../helpers/fault-proxy/faults.js';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy/proxy.js';
import { dialRaw, type RawWire } from '../helpers/raw-wire.js';

// The IMAP faults whose mechanism is more than a byte edit (the proxy answers itself, rewrites a
// command, or remembers what the connection saw), in front of the real Dovecot: each fires, the
// client sees what the summary says, and the server's own state is what it claims. The byte edits
// themselves are unit-tested (test/unit/fault-proxy/imap-edits.test.ts); the detection test shows
// the suites catch every one.

const inCi = /^(1|true)$/i.test(process.env['CI'] ?? '');
const noDovecot = inCi ? undefined : dovecotUnavailableReason();
/** How long "stays open" and "never sent" are watched. */
const QUIET_MS = 500;
const USERS = ['peek', 'early', 'bye', 'uids', 'valid', 'exists', 'list'];

describe('IMAP faults in front of Dovecot', { skip: noDovecot, timeout: 60_000 }, () => {
  let lab: DovecotLab;
  const pw = (name: string): string => lab.users.find((u) => u.name === name)?.password ?? assert.fail(`no user ${name}`);

  before(async () => {
    lab = await startDovecot({ users: USERS.map((name) => ({ name })) });
    for (const user of USERS) for (const n of [1, 2, 3]) await lab.seed(user, Buffer.from(`Subject: ${user} ${n}\r\n\r\nbody ${n}\r\n`));
  });
  after(() => lab?.stop());

  async function withFault(name: string, fn: (proxy: FaultProxy) => Promise<void>): Promise<FaultProxy> {
    const proxy = await startFaultProxy({ upstream: { host: '127.0.0.1', port: lab.imapPort }, fault: findFault(name) });
    try {
      await fn(proxy);
    } finally {
      await proxy.stop();
    }
    return proxy;
  }

  /** A raw session, greeted and (with `user`) logged in. */
  async function session(port: number, user?: string): Promise<RawWire> {
    const wire = await dialRaw(port);
    await wire.read(/^\* OK .*\r\n/);
    if (user !== undefined) {
      wire.write(`l LOGIN ${user} ${quoteImap(pw(user))}\r\n`);
      await wire.read(/^l OK .*\r\n/m);
    }
    return wire;
  }

  /** Sends one command and returns everything up to its tagged completion. */
  async function run(wire: RawWire, tag: string, command: string): Promise<string> {
    wire.write(`${tag} ${command}\r\n`);
    return wire.read(new RegExp(`^${tag} (OK|NO|BAD) .*\\r\\n`, 'm'));
  }

  test('imap.peek-sets-seen: BODY.PEEK[] sets \\Seen on the server and the response says so', async () => {
    const proxy = await withFault('imap.peek-sets-seen', async (p) => {
      const wire = await session(p.port, 'peek');
      await run(wire, 'a', 'SELECT INBOX');
      assert.match(await run(wire, 'b', 'FETCH 1 (BODY.PEEK[HEADER])'), /FLAGS \([^)]*\\Seen/);
      wire.close();
    });
    assert.equal(proxy.triggered, 1);
    const direct = await session(lab.imapPort, 'peek');
    await run(direct, 'a', 'EXAMINE INBOX');
    assert.match(await run(direct, 'b', 'FETCH 1 (FLAGS)'), /\* 1 FETCH \(FLAGS \([^)]*\\Seen/);
    direct.close();
  });

  test('imap.select-before-login-accepted: the proxy answers SELECT before LOGIN with OK, the server never sees it', async () => {
    const proxy = await withFault('imap.select-before-login-accepted', async (p) => {
      const wire = await session(p.port);
      assert.equal(await run(wire, 'a', 'SELECT INBOX'), 'a OK [READ-WRITE] SELECT completed.\r\n');
      assert.match(await run(wire, 'b', 'EXAMINE INBOX'), /^b OK \[READ-ONLY\]/);
      await run(wire, 'c', `LOGIN early ${quoteImap(pw('early'))}`);
      assert.match(await run(wire, 'd', 'SELECT INBOX'), /^\* 3 EXISTS\r\n[\s\S]*^d OK \[READ-WRITE\]/m, 'after login the server answers');
      wire.close();
    });
    assert.equal(proxy.triggered, 2);
  });

  test('imap.logout-without-close: BYE and OK to LOGOUT, yet the connection stays open to the server', async () => {
    const proxy = await withFault('imap.logout-without-close', async (p) => {
      const wire = await session(p.port);
      assert.equal(await run(wire, 'a', 'LOGOUT'), '* BYE Logging out\r\na OK Logout completed.\r\n');
      assert.equal(await wire.quiet(QUIET_MS), '', 'no close, nothing more');
      assert.match(await run(wire, 'b', 'NOOP'), /^b OK /m, 'the server never saw LOGOUT');
      wire.close();
    });
    assert.equal(proxy.triggered, 1);
  });

  test('imap.uid-not-ascending: a FETCH listing repeats the UID of the message before', async () => {
    const direct = await session(lab.imapPort, 'uids');
    await run(direct, 'a', 'EXAMINE INBOX');
    const uids = [...(await run(direct, 'b', 'FETCH 1:3 (UID)')).matchAll(/UID (\d+)/g)].map((m) => Number(m[1]));
    direct.close();
    const proxy = await withFault('imap.uid-not-ascending', async (p) => {
      const wire = await session(p.port, 'uids');
      await run(wire, 'a', 'EXAMINE INBOX');
      const listed = [...(await run(wire, 'b', 'FETCH 1:3 (UID)')).matchAll(/UID (\d+)/g)].map((m) => Number(m[1]));
      assert.deepEqual(listed, [uids[0], uids[0], uids[1]]);
      wire.close();
    });
    assert.equal(proxy.triggered, 2);
  });

  test('imap.uidvalidity-changes-on-reselect: the second SELECT reports UIDVALIDITY one higher', async () => {
    const proxy = await withFault('imap.uidvalidity-changes-on-reselect', async (p) => {
      const wire = await session(p.port, 'valid');
      const uidValidity = async (tag: string): Promise<number> => Number(/UIDVALIDITY (\d+)/.exec(await run(wire, tag, 'SELECT INBOX'))?.[1]);
      const first = await uidValidity('a');
      assert.equal(await uidValidity('b'), first + 1);
      wire.close();
    });
    assert.equal(proxy.triggered, 1);
  });

  test('imap.exists-not-sent-for-other-sessions: another session\'s APPEND is never announced, an own APPEND is', async () => {
    const message = 'Subject: new\r\n\r\nnew\r\n';
    const append = async (wire: RawWire, tag: string): Promise<string> => {
      wire.write(`${tag} APPEND INBOX {${message.length}}\r\n`);
      await wire.read(/^\+ .*\r\n/m);
      wire.write(`${message}\r\n`);
      return wire.read(new RegExp(`^${tag} OK .*\\r\\n`, 'm'));
    };
    const proxy = await withFault('imap.exists-not-sent-for-other-sessions', async (p) => {
      const wire = await session(p.port, 'exists');
      assert.match(await run(wire, 'a', 'SELECT INBOX'), /^\* 3 EXISTS/m);
      const other = await session(lab.imapPort, 'exists');
      await append(other, 'x');
      other.close();
      assert.doesNotMatch(await run(wire, 'b', 'NOOP'), /EXISTS/);
      assert.match(await append(wire, 'c'), /^\* 5 EXISTS/m);
      wire.close();
    });
    assert.equal(proxy.triggered, 1);
  });

  test('imap.list-delimiter-unquoted: only the answer to LIST "" "" loses its quotes', async () => {
    const proxy = await withFault('imap.list-delimiter-unquoted', async (p) => {
      const wire = await session(p.port, 'list');
      assert.match(await run(wire, 'a', 'LIST "" ""'), /^\* LIST \([^)]*\) [^" ]+ ""\r\n/m);
      assert.match(await run(wire, 'b', 'LIST "" INBOX'), /^\* LIST \([^)]*\) "[^"]+" INBOX\r\n/m);
      wire.close();
    });
    assert.equal(proxy.triggered, 1);
  });
});
