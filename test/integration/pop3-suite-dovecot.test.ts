import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { parse as parseJunit } from 'junit2json';
import { startDovecot, type DovecotLab } from '../../src/lab/dovecot.js';
import type { RunResult } from '../../src/report/result.js';
import { readTap } from '../../src/report/tap-reader.js';
import { pop3Adapter } from '../../src/script/adapters/pop3-adapter.js';
import { loadSuites } from '../../src/script/discover.js';
import { snapshotMaildrop, type MessageSnapshot } from '../helpers/pop3-snapshot.js';
import { assertCasesCiteTheirFolder } from '../helpers/suite-citations.js';
import { runCli, type CliResult } from '../helpers/run-cli.js';

// The whole POP3 suite against a real Dovecot, through the CLI, on an account that already holds
// mail the tool did not create: it must pass (or fail only where Dovecot truly deviates), leak no
// password, and leave the user's mail exactly as it was.

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../..');
const SUITES = path.join(ROOT, 'suites');
const BASELINE = path.join(ROOT, 'test/baselines/dovecot-2.3.json');
const CANARY = 'canary-Pw7-do-not-leak';

const USERS_MAIL = [
  'From: someone@example.test\r\nSubject: the user\'s own mail 1\r\n\r\nhello\r\n',
  'From: someone@example.test\r\nSubject: own mail 2, with dots\r\n\r\n.leading dot\r\n.\r\n..\r\nend\r\n',
  'From: someone@example.test\r\nSubject: own mail 3\r\n\r\n' + 'line of text\r\n'.repeat(200),
];

let lab: DovecotLab;
let out: string;
let seeded: CliResult;
let unseeded: CliResult;
let run: RunResult;
let before1: MessageSnapshot[];

before(async () => {
  // TLS and SASL on, as deployed: STLS and AUTH cases run against the real thing.
  lab = await startDovecot({ users: [{ name: 'alice', password: CANARY }, { name: 'bob', password: 'bob-pw' }], apop: true, authPenalty: false, tls: true, cramMd5: true });
  for (const message of USERS_MAIL) await lab.seed('alice', Buffer.from(message));
  before1 = await snapshotMaildrop(lab.pop3Port, 'alice', CANARY);
  out = await mkdtemp(path.join(os.tmpdir(), 'mailconform-pop3-run-'));
  const common = ['run', 'pop3', '--host', lab.host, '--port', String(lab.pop3Port), '--ca', lab.certFile!, '--user', 'alice', '--password-env', 'MC_TEST_PW'];
  const env = { MC_TEST_PW: CANARY };
  seeded = await runCli([...common, '--seed-command', lab.seedCommand('alice'), '--junit', path.join(out, 'pop3.xml'), '--tap', path.join(out, 'pop3.tap')], 240_000, env);
  unseeded = await runCli([...common, '--tap', path.join(out, 'unseeded.tap')], 240_000, env);
  run = readTap(seeded.stdout).run;
});

after(async () => {
  await lab?.stop();
});

test('every POP3 case passes against Dovecot, except the documented deviations', async () => {
  const baseline = JSON.parse(await readFile(BASELINE, 'utf8')) as { deviations: Record<string, string> };
  const failed = run.cases.filter((c) => c.verdict === 'fail' || c.verdict === 'error');
  const known = Object.keys(baseline.deviations).filter((id) => id.startsWith('pop3.'));
  assert.deepEqual(failed.map((c) => c.id).sort(), known.sort(), failed.map((c) => `${c.id}: ${c.reason}`).join('\n'));
  assert.equal(seeded.code, failed.length > 0 ? 1 : 0, seeded.stderr);
  for (const c of failed) assert.match(await readFile(path.join(SUITES, c.file), 'utf8'), /^note: .*Known deviation: Dovecot/m, `${c.id} documents the deviation`);
  for (const c of run.cases.filter((r) => r.verdict === 'skip')) assert.match(c.reason ?? '', /^server does not advertise /, `${c.id}: ${c.reason}`);
});

test('the suite has at least 40 cases, each citing a section of its folder\'s RFC with a level', async () => {
  const { cases, errors } = await loadSuites(SUITES, pop3Adapter, path.join(ROOT, 'fixtures'));
  assert.deepEqual(errors, []);
  assert.ok(cases.length >= 40, `${cases.length} cases`);
  assertCasesCiteTheirFolder(cases);
});

test('the user\'s own messages are untouched: same UIDLs, same bytes, and no tool message is left', async () => {
  const after1 = await snapshotMaildrop(lab.pop3Port, 'alice', CANARY);
  assert.deepEqual(after1, before1);
  assert.ok(after1.every((m) => !m.seededByTool));
  assert.equal(after1.length, USERS_MAIL.length);
});

test('without --seed-command the cases that need known messages are skipped with the flag to give', () => {
  const { run: bare } = readTap(unseeded.stdout);
  const needsSeed = bare.cases.filter((c) => /--seed-command/.test(c.reason ?? ''));
  assert.ok(needsSeed.length > 0);
  assert.ok(needsSeed.every((c) => c.verdict === 'skip'));
  assert.ok(!bare.cases.some((c) => c.verdict === 'error'), bare.cases.filter((c) => c.verdict === 'error').map((c) => c.reason).join('\n'));
});

test('the password never appears in TAP, JUnit, the console or any report file', async () => {
  for (const text of [seeded.stdout, seeded.stderr, unseeded.stdout, unseeded.stderr]) assert.ok(!text.includes(CANARY));
  for (const file of await readdir(out)) assert.ok(!(await readFile(path.join(out, file), 'utf8')).includes(CANARY), file);
  assert.match(seeded.stdout, /C: PASS \*\*\*/, 'the PASS line is there, redacted');
});

test('TAP and JUnit of the POP3 run parse with the expected counts', async () => {
  const { parseErrors } = readTap(await readFile(path.join(out, 'pop3.tap'), 'utf8'));
  assert.deepEqual(parseErrors, []);
  const junit = await parseJunit(await readFile(path.join(out, 'pop3.xml'), 'utf8'));
  assert.ok(junit && 'testsuite' in junit);
  const total = junit.testsuite!.reduce((n, s) => n + (s.tests ?? 0), 0);
  assert.equal(total, run.cases.length);
  assert.ok(junit.testsuite!.every((s) => s.testcase!.every((t) => t.classname?.startsWith('pop3.rfc'))));
});

test('a wrong password is one clear line and exit 2, not a wall of failed cases', async () => {
  const result = await runCli(['run', 'pop3', '--host', lab.host, '--port', String(lab.pop3Port), '--user', 'alice', '--password-env', 'MC_TEST_PW'], 60_000, { MC_TEST_PW: 'wrong' });
  assert.equal(result.code, 2);
  assert.match(result.stderr.trim(), /^mailconform: login as alice at 127\.0\.0\.1:\d+ refused: -ERR /);
  assert.equal(result.stderr.trim().split('\n').length, 1);
});
