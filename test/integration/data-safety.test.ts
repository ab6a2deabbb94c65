import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startDovecot, type DovecotLab } from '../../src/lab/dovecot.js';
import { readTap } from '../../src/report/tap-reader.js';
import { diffAccounts, snapshotAccount, type AccountSnapshot, type DiffOptions } from '../helpers/account-snapshot.js';
import type { Fault } from '../helpers/fault-proxy/fault.js';
import { rfc, stateless } from '../helpers/fault-proxy/faults/common.js';
import { startFaultProxy } from '../helpers/fault-proxy/proxy.js';
import { runCli, startCli, type CliResult } from '../helpers/run-cli.js';

// Data safety on a real account the tool did not fill: INBOX with flagged messages (one \Deleted:
// an EXPUNGE or CLOSE by the tool would remove it), nested, subscribed, unsubscribed and keyword
// mailboxes, a dangling subscription, and a user mailbox whose name starts like the tool's. Every
// IMAP and POP3 suite (without --allow-destructive), a short fuzz campaign of each, cases broken
// mid-way by a fault and runs stopped by Ctrl-C must leave all of it exactly as it was (mailboxes,
// subscriptions, UIDVALIDITY, UIDNEXT, and each message's UID, flags, GUID and bytes) and leave
// none of the tool's own mailboxes or messages behind. Snapshots are taken by doveadm, not by us.

const PASSWORD = 'data-safety-Pw-9';
const ENV = { MC_PW: PASSWORD };
const USER = 'alice';
const OWN_LOOKALIKE = 'mailconform-notes';

let lab: DovecotLab;
let out: string;
let original: AccountSnapshot;

const message = (n: number, subject: string, body: string): Buffer =>
  Buffer.from(`From: owner@example.test\r\nTo: alice@example.test\r\nSubject: ${subject}\r\nMessage-ID: <own-${n}@example.test>\r\nDate: Mon, 1 Jan 2024 10:0${n % 10}:00 +0000\r\n\r\n${body}\r\n`);

/** The user's own mail: put there by doveadm, with flags, keywords and subscriptions. */
async function prefill(): Promise<void> {
  const inbox: Array<[string, string, string]> = [
    ['plain, never read', 'hello\r\nsecond line', ''],
    ['read', 'seen body', '\\Seen'],
    ['important', 'flagged and answered', '\\Seen \\Flagged \\Answered'],
    ['marked for deletion', 'an EXPUNGE by the tool would take me away', '\\Deleted'],
    ['draft with dots', '.\r\n..\r\n.leading dot\r\nlong ' + 'x'.repeat(900), '\\Draft $Important'],
  ];
  for (const [i, [subject, body]] of inbox.entries()) await lab.doveadm(['save', '-u', USER], message(i + 1, subject, body));
  for (const [i, [, , flags]] of inbox.entries()) if (flags) await lab.doveadm(['flags', 'add', '-u', USER, flags, 'mailbox', 'INBOX', 'uid', String(i + 1)]);

  await lab.doveadm(['mailbox', 'create', '-u', USER, 'Archive/2024', 'Lists', 'Old Stuff', OWN_LOOKALIKE]);
  await lab.doveadm(['save', '-u', USER, '-m', 'Archive/2024'], message(6, 'archived', 'old news'));
  await lab.doveadm(['save', '-u', USER, '-m', 'Archive/2024'], message(7, 'archived 2', 'older news'));
  await lab.doveadm(['flags', 'add', '-u', USER, '\\Seen $label1', 'mailbox', 'Archive/2024', 'uid', '1']);
  await lab.doveadm(['save', '-u', USER, '-m', 'Lists'], message(8, 'list mail', 'from a list'));
  await lab.doveadm(['flags', 'add', '-u', USER, 'NonJunk $Forwarded', 'mailbox', 'Lists', 'uid', '1']);
  await lab.doveadm(['save', '-u', USER, '-m', 'Old Stuff'], message(9, 'old', 'unsubscribed mailbox'));
  await lab.doveadm(['flags', 'add', '-u', USER, '\\Deleted \\Seen', 'mailbox', 'Old Stuff', 'uid', '1']);
  await lab.doveadm(['save', '-u', USER, '-m', OWN_LOOKALIKE], message(10, 'my notes', 'a mailbox of the user that merely looks like the tool\'s'));
  // Subscribed: Archive, Archive/2024, the lookalike, and Ghost, which does not exist (a dangling subscription).
  await lab.doveadm(['mailbox', 'subscribe', '-u', USER, 'Archive', 'Archive/2024', OWN_LOOKALIKE, 'Ghost']);
}

before(async () => {
  lab = await startDovecot({ users: [{ name: USER, password: PASSWORD }], authPenalty: false, authFailureDelay: false });
  await prefill();
  original = await snapshotAccount(lab, USER);
  out = await mkdtemp(path.join(os.tmpdir(), 'mailconform-data-safety-'));
});

after(async () => {
  await lab?.stop();
});

const account = ['--user', USER, '--password-env', 'MC_PW'];
const imapArgs = (port: number = lab.imapPort): string[] => ['--host', '127.0.0.1', '--port', String(port), ...account];
const pop3Args = (port: number = lab.pop3Port): string[] => ['--host', '127.0.0.1', '--port', String(port), ...account, '--seed-command', lab.seedCommand(USER)];

/**
 * Runs `action` and proves it changed nothing: the account after it is as before it (snapshots
 * by doveadm), so a difference names the step, mailbox, UID and field.
 */
async function untouchedBy<T>(when: string, action: () => Promise<T>, options: DiffOptions = {}): Promise<{ result: T }> {
  const before = await snapshotAccount(lab, USER);
  const result = await action();
  assert.deepEqual(diffAccounts(before, await snapshotAccount(lab, USER), options), [], `${when} changed the account`);
  return { result };
}

/** No case ended in error: a failed cleanup is reported as one ("tool-created messages may remain"). */
function assertNoToolErrors(r: CliResult, what: string): void {
  const { run, parseErrors } = readTap(r.stdout);
  assert.deepEqual(parseErrors, [], what);
  const errors = run.cases.filter((c) => c.verdict === 'error');
  assert.deepEqual(errors.map((c) => `${c.id}: ${c.reason}`), [], `${what}: cases in error`);
}

test('snapshots see every kind of change, and name the mailbox, UID and field', async () => {
  assert.ok((original.get('INBOX')?.messages.size ?? 0) === 5 && original.get('Ghost')?.subscribed === true && original.get('Ghost')?.listed === false);
  await lab.doveadm(['flags', 'add', '-u', USER, '\\Seen', 'mailbox', 'INBOX', 'uid', '4']);
  await lab.doveadm(['mailbox', 'unsubscribe', '-u', USER, 'Ghost']);
  await lab.doveadm(['mailbox', 'create', '-u', USER, 'mailconform-mcleftover']);
  const changed = await snapshotAccount(lab, USER);
  await lab.doveadm(['flags', 'remove', '-u', USER, '\\Seen', 'mailbox', 'INBOX', 'uid', '4']);
  await lab.doveadm(['mailbox', 'subscribe', '-u', USER, 'Ghost']);
  await lab.doveadm(['mailbox', 'delete', '-u', USER, 'mailconform-mcleftover']);
  assert.deepEqual(diffAccounts(original, changed), [
    'mailbox "Ghost": gone (had 0 messages)',
    'mailbox "INBOX" UID 4: flags "\\Deleted" -> "\\Deleted \\Seen"',
    'mailbox "mailconform-mcleftover": new (0 messages)',
  ]);
  assert.deepEqual(diffAccounts(original, await snapshotAccount(lab, USER)), [], 'undone');
});

test('every IMAP case, without --allow-destructive, leaves the account as it was', { timeout: 150_000 }, async () => {
  const { result: r } = await untouchedBy('run imap', () => runCli(['run', 'imap', ...imapArgs(), '--concurrency', '4'], 140_000, ENV));
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  assertNoToolErrors(r, 'run imap');
  assert.ok(readTap(r.stdout).run.cases.length >= 150);
});

test('every POP3 case, seeding its own messages, leaves the user\'s INBOX as it was', { timeout: 150_000 }, async () => {
  // Seeded messages were added to INBOX and removed: its UIDNEXT grew, nothing else may change.
  const { result: r } = await untouchedBy('run pop3', () => runCli(['run', 'pop3', ...pop3Args()], 140_000, ENV), { seededInto: ['INBOX'] });
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  assertNoToolErrors(r, 'run pop3');
  assert.ok(readTap(r.stdout).run.cases.filter((c) => c.verdict === 'pass').length >= 40, 'the seeded cases ran');
});

test('a short fuzz campaign of each protocol leaves the user\'s data as it was, and none of its own mailboxes', { timeout: 150_000 }, async () => {
  const findings = path.join(out, 'findings');
  // Seeds whose campaigns find nothing but Dovecot's documented deviations, so no time goes to shrinking.
  // Nothing is tolerated: the IMAP campaign removes its namespace at the end, and without
  // --allow-destructive the POP3 fuzzers never RETR the user's mail (a RETR then QUIT sets \Seen).
  const { result: imap } = await untouchedBy('fuzz imap', () =>
    runCli(['fuzz', 'imap', ...imapArgs(), '--runs', '30', '--seed', '1', '--timeout', '3000', '--findings', findings], 120_000, ENV),
  );
  assert.ok(imap.code === 0 || imap.code === 1, imap.stderr);
  const { result: pop3 } = await untouchedBy(
    'fuzz pop3',
    () => runCli(['fuzz', 'pop3', ...pop3Args(), '--runs', '30', '--seed', '5', '--timeout', '3000', '--findings', findings], 120_000, ENV),
    { seededInto: ['INBOX'] },
  );
  assert.ok(pop3.code === 0 || pop3.code === 1, pop3.stderr);
});

/** Resets the connection at the first command that changes a mailbox: the case breaks mid-way, after its setup. */
const RESET_ON_CHANGE: Fault = {
  name: 'imap.reset-on-change',
  protocol: 'imap',
  ref: rfc(3501, '6.4'),
  level: 'MUST',
  summary: 'The connection is reset when the client sends STORE, COPY, EXPUNGE or CLOSE (UID forms too).',
  open: stateless({ client: (unit) => (/^(UID )?(STORE|COPY|EXPUNGE)$|^CLOSE$/.test(unit.verb) ? { do: 'reset' } : undefined) }),
};

/** Resets the connection at RETR: the case breaks after seeding; the cleanup (TOP, DELE) still works. */
const RESET_ON_RETR: Fault = {
  name: 'pop3.reset-on-retr',
  protocol: 'pop3',
  ref: rfc(1939, '7'),
  level: 'MUST',
  summary: 'The connection is reset when the client sends RETR.',
  open: stateless({ client: (unit) => (unit.verb === 'RETR' ? { do: 'reset' } : undefined) }),
};

test('cases broken mid-way (connection reset) still clean up, and touch nothing else', { timeout: 150_000 }, async () => {
  const imapProxy = await startFaultProxy({ upstream: { host: '127.0.0.1', port: lab.imapPort }, fault: RESET_ON_CHANGE });
  const { result: imap } = await untouchedBy('IMAP cases broken mid-way', async () => {
    try {
      return await runCli(['run', 'imap', ...imapArgs(imapProxy.port), '--only', 'imap.rfc3501.sel-*', '--concurrency', '4'], 120_000, ENV);
    } finally {
      await imapProxy.stop();
    }
  });
  assert.equal(imap.code, 1, imap.stderr);
  const broken = readTap(imap.stdout).run.cases.filter((c) => c.verdict === 'fail' && /connection|reset|closed/i.test(c.reason ?? ''));
  assert.ok(broken.length >= 10, `${broken.length} IMAP cases broken by the reset`);
  assertNoToolErrors(imap, 'run imap through the reset');

  const pop3Proxy = await startFaultProxy({ upstream: { host: '127.0.0.1', port: lab.pop3Port }, fault: RESET_ON_RETR });
  const { result: pop3 } = await untouchedBy('POP3 cases broken mid-way', async () => {
    try {
      return await runCli(['run', 'pop3', ...pop3Args(pop3Proxy.port), '--only', 'pop3.rfc1939.retr-*', '--only', 'pop3.rfc1939.*session*'], 120_000, ENV);
    } finally {
      await pop3Proxy.stop();
    }
  }, { seededInto: ['INBOX'] });
  assert.equal(pop3.code, 1, pop3.stderr);
  const brokenPop3 = readTap(pop3.stdout).run.cases.filter((c) => c.verdict === 'fail' && /connection|reset|closed/i.test(c.reason ?? ''));
  assert.ok(brokenPop3.length >= 3, `${brokenPop3.length} POP3 cases broken by the reset`);
  assertNoToolErrors(pop3, 'run pop3 through the reset');
});

/** Starts a run, stops it with Ctrl-C once `cases` cases are reported, and returns its result. */
async function interrupted(args: readonly string[], cases: number): Promise<CliResult> {
  const cli = startCli(args, 120_000, ENV);
  await cli.stdoutMatches(new RegExp(`^(?:not )?ok ${cases} - `, 'm'), 60_000);
  cli.child.kill('SIGINT');
  return cli.result;
}

test('runs stopped by Ctrl-C finish their cases\' cleanup and touch nothing else', { timeout: 150_000 }, async () => {
  const { result: imap } = await untouchedBy('run imap stopped by Ctrl-C', () => interrupted(['run', 'imap', ...imapArgs(), '--concurrency', '4'], 12));
  assert.equal(imap.code, 130, imap.stderr);
  assertNoToolErrors(imap, 'run imap, interrupted');

  const { result: pop3 } = await untouchedBy('run pop3 stopped by Ctrl-C', () => interrupted(['run', 'pop3', ...pop3Args()], 8), { seededInto: ['INBOX'] });
  assert.equal(pop3.code, 130, pop3.stderr);
  assertNoToolErrors(pop3, 'run pop3, interrupted');
});

test('in the end, the account is exactly as it was filled: only INBOX\'s UIDNEXT moved on (POP3 seeding)', async () => {
  const end = await snapshotAccount(lab, USER);
  assert.deepEqual(diffAccounts(original, end, { seededInto: ['INBOX'] }), []);
  assert.ok(Number(end.get('INBOX')!.uidnext) > Number(original.get('INBOX')!.uidnext), 'POP3 did seed (and remove) its own messages');
  assert.deepEqual([...end.keys()].filter((n) => n.startsWith('mailconform-')), [OWN_LOOKALIKE]);
});
