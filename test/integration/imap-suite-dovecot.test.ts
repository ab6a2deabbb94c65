import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { parse as parseJunit } from 'junit2json';
import { startDovecot, type DovecotLab } from '../../src/lab/dovecot.js';
import type { RunResult } from '../../src/report/result.js';
import { readTap } from '../../src/report/tap-reader.js';
import { imapAdapter } from '../../src/script/adapters/imap-adapter.js';
import { loadSuites } from '../../src/script/discover.js';
import { runCli, type CliResult } from '../helpers/run-cli.js';

// The whole IMAP suite against a real Dovecot, through the CLI, on an account that already holds
// mailboxes, messages, flags and subscriptions the tool did not create: it must pass (or fail only
// where Dovecot truly deviates), leak no password, and leave all of that exactly as it was.

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../..');
const SUITES = path.join(ROOT, 'suites');
const BASELINE = path.join(ROOT, 'test/baselines/dovecot-2.3.json');
const CANARY = 'canary-Imap-pw-do-not-leak';

let lab: DovecotLab;
let out: string;
let cli: CliResult;
let run: RunResult;
let accountBefore: string;

/** Everything about alice's account that the tool must not change, as doveadm sees it. */
async function describeAccount(): Promise<string> {
  const mailboxes = await lab.doveadm(['mailbox', 'list', '-u', 'alice']);
  const subscribed = await lab.doveadm(['mailbox', 'list', '-s', '-u', 'alice']);
  const messages = await lab.doveadm(['fetch', '-u', 'alice', 'mailbox uid flags guid size.physical', 'all']);
  const status = await lab.doveadm(['mailbox', 'status', '-u', 'alice', 'messages uidvalidity uidnext', '*']);
  return [mailboxes, subscribed, messages, status].join('\n----\n');
}

before(async () => {
  // TLS and SASL on, as deployed: STARTTLS and AUTHENTICATE cases run against the real thing.
  lab = await startDovecot({ users: [{ name: 'alice', password: CANARY }, { name: 'bob', password: 'bob-pw' }], authPenalty: false, tls: true, cramMd5: true });
  // The user's own account: two mailboxes besides INBOX, messages with flags, a subscription.
  for (const n of [1, 2, 3]) await lab.seed('alice', Buffer.from(`From: a@example.test\r\nSubject: own ${n}\r\n\r\nbody ${n}\r\n`));
  await lab.doveadm(['mailbox', 'create', '-u', 'alice', 'Projects', 'Projects/Old']);
  await lab.doveadm(['mailbox', 'subscribe', '-u', 'alice', 'Projects']);
  await lab.doveadm(['flags', 'add', '-u', 'alice', '\\Flagged $Important', 'mailbox', 'INBOX', 'uid', '2']);
  await lab.doveadm(['copy', '-u', 'alice', 'Projects', 'mailbox', 'INBOX', 'uid', '1']);
  accountBefore = await describeAccount();
  out = await mkdtemp(path.join(os.tmpdir(), 'mailconform-imap-run-'));
  cli = await runCli(
    ['run', 'imap', '--host', lab.host, '--port', String(lab.imapPort), '--ca', lab.certFile!, '--user', 'alice', '--password-env', 'MC_TEST_PW', '--junit', path.join(out, 'imap.xml'), '--tap', path.join(out, 'imap.tap')],
    300_000,
    { MC_TEST_PW: CANARY },
  );
  run = readTap(cli.stdout).run;
});

after(async () => {
  await lab?.stop();
});

test('every IMAP case passes against Dovecot, except the documented deviations', async () => {
  const baseline = JSON.parse(await readFile(BASELINE, 'utf8')) as { deviations: Record<string, string> };
  const known = Object.keys(baseline.deviations).filter((id) => id.startsWith('imap.'));
  const failed = run.cases.filter((c) => c.verdict === 'fail' || c.verdict === 'error');
  assert.deepEqual(failed.map((c) => c.id).sort(), known.sort(), failed.map((c) => `${c.id}: ${c.reason}`).join('\n'));
  assert.equal(cli.code, failed.length > 0 ? 1 : 0, cli.stderr);
  for (const c of failed) assert.match(await readFile(path.join(SUITES, c.file), 'utf8'), /^note: .*Known deviation: Dovecot/m, `${c.id} documents the deviation`);
  for (const c of run.cases.filter((r) => r.verdict === 'skip')) assert.match(c.reason ?? '', /^(server does not advertise |destructive case)/, `${c.id}: ${c.reason}`);
});

test('the IMAP suite has at least 150 cases, each citing an RFC section and a level', async () => {
  const { cases, errors } = await loadSuites(SUITES, imapAdapter, path.join(ROOT, 'fixtures'));
  assert.deepEqual(errors, []);
  assert.ok(cases.length >= 150, `${cases.length} cases`);
  for (const c of cases) assert.match(`${c.header.ref.section} ${c.header.level}`, /^\d+(\.\d+)* (MUST|SHOULD|MAY)$/);
});

test('the account is exactly as before: mailboxes, subscriptions, messages, flags, UIDs; no tool mailbox left', async () => {
  assert.equal(await describeAccount(), accountBefore);
  assert.doesNotMatch(await lab.doveadm(['mailbox', 'list', '-u', 'alice']), /mailconform-/);
});

test('the password never appears in TAP, JUnit or the console', async () => {
  for (const text of [cli.stdout, cli.stderr]) assert.ok(!text.includes(CANARY));
  for (const file of await readdir(out)) assert.ok(!(await readFile(path.join(out, file), 'utf8')).includes(CANARY), file);
});

test('TAP and JUnit of the IMAP run parse with the expected counts', async () => {
  const { parseErrors } = readTap(await readFile(path.join(out, 'imap.tap'), 'utf8'));
  assert.deepEqual(parseErrors, []);
  const junit = await parseJunit(await readFile(path.join(out, 'imap.xml'), 'utf8'));
  assert.ok(junit && 'testsuite' in junit);
  assert.equal(junit.testsuite!.reduce((n, s) => n + (s.tests ?? 0), 0), run.cases.length);
});
