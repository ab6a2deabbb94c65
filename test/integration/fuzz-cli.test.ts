import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { parse as parseJunit } from 'junit2json';
import type { Finding } from '../../src/fuzz/findings/finding.js';
import { startDovecot, type DovecotLab } from '../../src/lab/dovecot.js';
import { postfixUnavailableReason, startPostfix, type PostfixLab } from '../../src/lab/postfix.js';
import { findFault } from '../helpers/fault-proxy/faults.js';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy/proxy.js';
import { runCli } from '../helpers/run-cli.js';

// `mailconform fuzz` and `mailconform replay` as a user runs them: seeded campaigns, findings on
// disk the moment they are made, JUnit/TAP, exit codes, replay, and one-line errors on bad input.

const PASSWORD = 'cli-fuzz-Pw-3';
const ENV = { FUZZ_PW: PASSWORD };
let lab: DovecotLab;
let postfix: PostfixLab | undefined;
let proxy: FaultProxy | undefined;
const noPostfix = postfixUnavailableReason();
let out: string;

before(async () => {
  lab = await startDovecot({ users: [{ name: 'alice', password: PASSWORD }], authPenalty: false, authFailureDelay: false });
  if (!noPostfix) {
    postfix = await startPostfix();
    proxy = await startFaultProxy({ upstream: { host: '127.0.0.1', port: postfix.port }, fault: findFault('smtp.rcpt-before-mail') });
  }
  out = await mkdtemp(path.join(os.tmpdir(), 'mailconform-fuzz-cli-'));
});

after(async () => {
  await proxy?.stop();
  await postfix?.stop();
  await lab?.stop();
});

const account = ['--user', 'alice', '--password-env', 'FUZZ_PW'];

test('a clean campaign: exit 0, the seed printed, one JUnit test per property, no finding files', async () => {
  const dir = path.join(out, 'clean');
  const r = await runCli(['fuzz', 'imap', '--host', '127.0.0.1', '--port', String(lab.imapPort), ...account, '--runs', '15', '--seed', '42', '--property', 'robustness', '--timeout', '5000',
    '--findings', path.join(dir, 'findings'), '--junit', path.join(dir, 'fuzz.xml'), '--tap', path.join(dir, 'fuzz.tap')], 120_000, ENV);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /seed 42/);
  assert.match(r.stdout, /^ok 1 - .*imap\.robustness/m);
  const junit = await parseJunit(await readFile(path.join(dir, 'fuzz.xml'), 'utf8'));
  assert.equal(junit?.tests, 1);
  assert.equal(junit?.failures, 0);
  assert.ok(!r.stderr.includes(PASSWORD) && !r.stdout.includes(PASSWORD));
});

test('a faulty server: exit 1, the finding saved as JSON with seed and path, JUnit failure, and replay reproduces it', { skip: noPostfix }, async () => {
  const dir = path.join(out, 'faulty');
  const findingsDir = path.join(dir, 'findings');
  const rcpt = postfix!.mailboxes[0]!.address;
  const r = await runCli(['fuzz', 'smtp', '--host', proxy!.host, '--port', String(proxy!.port), '--rcpt', rcpt, '--runs', '100', '--seed', '5', '--property', 'envelope-model',
    '--findings', findingsDir, '--junit', path.join(dir, 'fuzz.xml')], 120_000);
  assert.equal(r.code, 1, r.stderr);
  const files = (await readdir(findingsDir)).filter((f) => f.endsWith('.json'));
  assert.equal(files.length, 1, r.stderr);
  const finding = JSON.parse(await readFile(path.join(findingsDir, files[0]!), 'utf8')) as Finding;
  assert.equal(finding.kind, 'model');
  assert.deepEqual(finding.ref, { rfc: 5321, section: '3.3' });
  assert.equal(typeof finding.replay.seed, 'number');
  assert.ok(finding.replay.path.length > 0);
  assert.ok(finding.replay.replayPath, 'command sequences carry their replayPath');
  assert.ok(finding.transcript.some((l) => l.dir === 'C' && /^RCPT TO:/i.test(l.text)), 'the transcript shows the RCPT');
  const index = (await readFile(path.join(findingsDir, 'index.jsonl'), 'utf8')).trim().split('\n');
  assert.equal(index.length, 1);
  const junit = await parseJunit(await readFile(path.join(dir, 'fuzz.xml'), 'utf8'));
  assert.equal(junit?.failures, 1);

  const replay = await runCli(['replay', path.join(findingsDir, files[0]!)], 60_000);
  assert.equal(replay.code, 1, replay.stderr + replay.stdout);
  assert.match(replay.stdout, /^reproduces: \[model\]/);

  // The bug fixed (the real server, no proxy): replay says so and exits 0.
  const fixed = await runCli(['replay', path.join(findingsDir, files[0]!), '--port', String(postfix!.port)], 60_000);
  assert.equal(fixed.code, 0, fixed.stderr + fixed.stdout);
  assert.match(fixed.stdout, /^does not reproduce/);
});

test('bad input: one line on stderr, exit 2, no stack trace', async () => {
  const cases: [string[], RegExp][] = [
    [['fuzz', 'imap'], /--host .*--spawn/],
    [['fuzz', 'smtp', '--host', '127.0.0.1', '--duration', 'ten'], /--duration/],
    [['fuzz', 'smtp', '--host', '127.0.0.1', '--shard', '3/2'], /--shard/],
    [['fuzz', 'smtp', '--host', '127.0.0.1', '--runs', '0'], /--runs/],
    [['fuzz', 'smtp', '--host', '127.0.0.1', '--port', '1'], /not usable|refused/],
    [['fuzz', 'smtp', '--spawn', 'exit 3'], /--spawn/],
    [['fuzz', 'imap', '--host', '127.0.0.1', '--port', String(lab.imapPort), '--property', 'nonsense'], /unknown --property/],
    [['replay', path.join(out, 'missing.json')], /cannot read finding/],
  ];
  for (const [args, message] of cases) {
    const r = await runCli(args, 30_000);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message, args.join(' '));
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  }
});
