import assert from 'node:assert/strict';
import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { parse as parseJunit } from 'junit2json';
import { Parser, type FinalResults } from 'tap-parser';
import { startDovecot, type DovecotLab } from '../../src/lab/dovecot.js';
import { readTap } from '../../src/report/tap-reader.js';
import { findFault } from '../helpers/fault-proxy/faults.js';
import { startFaultProxy } from '../helpers/fault-proxy/proxy.js';
import { runCli, startCli, type CliResult } from '../helpers/run-cli.js';

// `mailconform run` stopped from outside. Ctrl-C: no new case, the cases in progress finish and
// delete their mailboxes, TAP ends in "Bail out!" (valid, read back by `report`), JUnit holds the
// cases that ran, exit 130. A second Ctrl-C quits at once and still leaves valid TAP. A SIGKILL
// leaves a case mailbox: the next run names it, and deletes such leftovers once an hour old.

const PASSWORD = 'interrupt-Pw-5';
const ENV = { MC_PW: PASSWORD };
let lab: DovecotLab;
let out: string;

before(async () => {
  lab = await startDovecot({ users: [{ name: 'alice', password: PASSWORD }], authPenalty: false });
  out = await mkdtemp(path.join(os.tmpdir(), 'mailconform-run-interrupt-'));
});

after(async () => {
  await lab?.stop();
});

const runImap = (port: number, ...more: string[]): string[] => ['run', 'imap', '--host', '127.0.0.1', '--port', String(port), '--user', 'alice', '--password-env', 'MC_PW', ...more];

/** Quick cases, then one whose CHECK the proxy never answers (it hangs until --timeout), then more. */
const CASES = ['--only', 'imap.rfc3501.any-*', '--only', 'imap.rfc3501.sel-check-ok', '--only', 'imap.rfc3501.sel-close*'];
const HUNG = 'imap.rfc3501.sel-check-ok';

async function parseTap(text: string): Promise<FinalResults> {
  return new Promise((resolve) => new Parser((results) => resolve(results)).end(text));
}

async function toolMailboxes(): Promise<string[]> {
  return (await lab.doveadm(['mailbox', 'list', '-u', 'alice'])).split('\n').filter((n) => n.startsWith('mailconform-'));
}

/** Resolves once the hung case has made its mailbox (it is then mid-case). */
async function hungCaseStarted(): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await toolMailboxes()).some((n) => n.endsWith('-sel-check-ok'))) {
    if (Date.now() > deadline) throw new Error('the hung case never made its mailbox');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A test point line: "ok 3 - …" or "not ok 3 - …". */
const POINTS = /^(?:not )?ok \d+ - /gm;

test('SIGINT: exit 130, the case in progress finishes and cleans up, TAP ends in Bail out!, JUnit holds the cases that ran', { timeout: 120_000 }, async () => {
  const dir = path.join(out, 'once');
  const [tapFile, junitFile] = [path.join(dir, 'run.tap'), path.join(dir, 'run.xml')];
  const proxy = await startFaultProxy({ upstream: { host: '127.0.0.1', port: lab.imapPort }, fault: findFault('imap.hang-on-check') });
  let r: CliResult;
  try {
    const cli = startCli(runImap(proxy.port, ...CASES, '--timeout', '3000', '--tap', tapFile, '--junit', junitFile), 90_000, ENV);
    await hungCaseStarted();
    cli.child.kill('SIGINT');
    r = await cli.result;
  } finally {
    await proxy.stop();
  }
  assert.equal(r.code, 130, r.stderr);
  assert.match(r.stderr, /interrupted: no new case starts/);
  const reported = r.stdout.match(POINTS)?.length ?? 0;

  const tap = await readFile(tapFile, 'utf8');
  assert.equal(tap, r.stdout, 'the TAP file is what was streamed');
  const parsed = await parseTap(tap);
  assert.deepEqual(parsed.failures.filter((f) => f.tapError), [], 'no TAP parse failure');
  assert.equal(parsed.count, reported);
  assert.match(String(parsed.bailout), new RegExp(`^interrupted \\(Ctrl-C\\) after ${reported} of \\d+ cases$`));
  const planned = Number(/after \d+ of (\d+) cases/.exec(String(parsed.bailout))![1]);
  assert.equal(parsed.plan.end, planned, 'the plan up front is the whole run');
  assert.ok(reported > 5 && reported < planned, `${reported} of ${planned}`);
  assert.match(r.stderr, new RegExp(`^interrupted: interrupted \\(Ctrl-C\\) after ${reported} of ${planned} cases$`, 'm'), 'the summary says so');
  assert.match(r.stderr, new RegExp(`: \\d+ passed, .*\\(${reported} cases\\)`));

  const { run, parseErrors } = readTap(tap);
  assert.deepEqual(parseErrors, []);
  const last = run.cases.at(-1)!;
  assert.equal(last.id, HUNG, 'the case in progress finished and was reported');
  assert.equal(last.verdict, 'fail');
  assert.match(last.reason ?? '', /sent nothing for 3000 ms/);
  assert.ok(!run.cases.some((c) => c.id.startsWith('imap.rfc3501.sel-close')), 'no case started after the Ctrl-C');
  const report = await runCli(['report', tapFile, '--junit', path.join(dir, 'report.xml')], 30_000);
  assert.equal(report.code, 0, report.stderr);
  assert.match(report.stderr, /^interrupted: interrupted \(Ctrl-C\)/m);

  const junit = await parseJunit(await readFile(junitFile, 'utf8'));
  assert.ok(junit && 'testsuite' in junit, 'well-formed JUnit');
  const names = junit.testsuite!.flatMap((s) => s.testcase ?? []).map((t) => t.name?.split(':')[0]);
  assert.deepEqual(names, run.cases.map((c) => c.id), 'the JUnit cases are the cases that ran, in order');
  assert.ok(junit.testsuite!.every((s) => s.properties?.some((p) => p.name === 'interrupted')), 'each suite says the run was interrupted');

  assert.deepEqual(await toolMailboxes(), [], 'the case in progress deleted its mailbox');
});

test('a second SIGINT quits at once with 130; the TAP written so far is valid and says so', { timeout: 120_000 }, async () => {
  const tapFile = path.join(out, 'twice', 'run.tap');
  const proxy = await startFaultProxy({ upstream: { host: '127.0.0.1', port: lab.imapPort }, fault: findFault('imap.hang-on-check') });
  let r: CliResult;
  try {
    const cli = startCli(runImap(proxy.port, ...CASES, '--timeout', '60000', '--tap', tapFile), 90_000, ENV);
    await hungCaseStarted();
    cli.child.kill('SIGINT');
    await cli.stderrMatches(/Ctrl-C again to quit at once/, 10_000);
    cli.child.kill('SIGINT');
    r = await cli.result;
  } finally {
    await proxy.stop();
  }
  assert.equal(r.code, 130, r.stderr);
  const tap = await readFile(tapFile, 'utf8');
  assert.equal(tap, r.stdout);
  const parsed = await parseTap(tap);
  assert.deepEqual(parsed.failures.filter((f) => f.tapError), []);
  const reported = r.stdout.match(POINTS)?.length ?? 0;
  assert.equal(parsed.count, reported);
  assert.match(String(parsed.bailout), new RegExp(`^interrupted twice \\(Ctrl-C\\): quit at once after ${reported} of \\d+ cases; cases in progress were not reported`));
  assert.deepEqual(readTap(tap).parseErrors, []);
  assert.ok(!readTap(tap).run.cases.some((c) => c.id === HUNG));
  assert.equal((await toolMailboxes()).filter((n) => n.endsWith('-sel-check-ok')).length, 1, 'the case cut short left its mailbox, as the bail-out says');
});

test('SIGKILL mid-case leaves the case mailbox; the next run names it and keeps it; an hour-old leftover is deleted, nothing else', { timeout: 120_000 }, async () => {
  // Cases in progress from the previous test may have been cut short: start from a clean account.
  for (const name of (await toolMailboxes()).sort((a, b) => b.length - a.length)) await lab.doveadm(['mailbox', 'delete', '-u', 'alice', '-s', name]);
  // CHECK never answered: the case hangs mid-way, its mailbox made and selected.
  const proxy = await startFaultProxy({ upstream: { host: '127.0.0.1', port: lab.imapPort }, fault: findFault('imap.hang-on-check') });
  try {
    const cli = startCli(runImap(proxy.port, '--only', 'imap.rfc3501.sel-check-ok', '--timeout', '60000'), 90_000, ENV);
    const deadline = Date.now() + 30_000;
    while ((await toolMailboxes()).length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    cli.child.kill('SIGKILL');
    assert.equal((await cli.result).signal, 'SIGKILL');
  } finally {
    await proxy.stop();
  }
  const [killed, ...more] = await toolMailboxes();
  assert.ok(killed !== undefined && more.length === 0, `one leftover case mailbox: ${killed}, ${more.join(', ')}`);

  const hourAgo = (Date.now() - 2 * 60 * 60 * 1000).toString(36);
  const old = `mailconform-mc${hourAgo}k2j9x1-check-ok`;
  const lookalikes = ['mailconform-notes', 'mailconform-fuzz-solo', 'mailconform-mc-not-a-token', 'Projects/mailconform-mc' + hourAgo + 'aaaaaa-x'];
  await lab.doveadm(['mailbox', 'create', '-u', 'alice', old, `${old}/child`, ...lookalikes]);
  await lab.doveadm(['mailbox', 'subscribe', '-u', 'alice', old]);

  const next = await runCli(runImap(lab.imapPort, '--only', 'imap.rfc3501.any-noop-selected'), 60_000, ENV);
  assert.equal(next.code, 0, next.stderr);
  assert.match(next.stderr, new RegExp(`^note: removed 1 case mailbox\\(es\\) left more than an hour ago by a run that was killed: ${old}$`, 'm'));
  assert.match(next.stderr, new RegExp(`^note: left 1 case mailbox\\(es\\) made in the last hour, which may belong to a run in progress: ${killed}`, 'm'));
  const left = (await lab.doveadm(['mailbox', 'list', '-u', 'alice'])).split('\n').filter((n) => n !== '');
  assert.deepEqual(left.filter((n) => n.startsWith(old)), [], 'the old leftover and its child are gone');
  assert.ok(left.includes(killed), 'the young leftover is kept');
  for (const name of lookalikes) assert.ok(left.includes(name), `${name} is kept`);
  assert.doesNotMatch(await lab.doveadm(['mailbox', 'list', '-s', '-u', 'alice']), new RegExp(old), 'its subscription is gone');
});
