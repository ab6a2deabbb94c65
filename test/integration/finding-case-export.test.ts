import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { postfixUnavailableReason, startPostfix, type PostfixLab } from '../../src/lab/postfix.js';
import { findFault } from '../helpers/fault-proxy/faults.js';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy/proxy.js';
import { runCli } from '../helpers/run-cli.js';

// The proof that an exported finding is a regression case: found by `mailconform fuzz` through a
// proxy that breaks one rule, written as a suite case, it fails through that proxy and passes on
// the real server behind it, run by `mailconform run --suites <findings dir>` as any suite is.

const unavailable = postfixUnavailableReason();
let postfix: PostfixLab;
let proxy: FaultProxy;
let out: string;

before(async () => {
  if (unavailable) return;
  postfix = await startPostfix();
  proxy = await startFaultProxy({ upstream: { host: '127.0.0.1', port: postfix.port }, fault: findFault('smtp.rcpt-before-mail') });
  out = await mkdtemp(path.join(os.tmpdir(), 'mailconform-finding-case-'));
});

after(async () => {
  await proxy?.stop();
  await postfix?.stop();
  if (out) await rm(out, { recursive: true, force: true });
});

test('an envelope-model finding (RCPT before MAIL answered 250) exported as a case: lints, fails on the faulty server, passes on the fixed one', { skip: unavailable }, async () => {
  const findingsDir = path.join(out, 'findings');
  const rcpt = postfix.mailboxes[0]!.address;
  const fuzz = await runCli(['fuzz', 'smtp', '--host', proxy.host, '--port', String(proxy.port), '--rcpt', rcpt, '--runs', '100', '--seed', '5', '--property', 'envelope-model', '--findings', findingsDir], 120_000);
  assert.equal(fuzz.code, 1, fuzz.stderr);
  const caseDir = path.join(findingsDir, 'smtp', 'rfc5321-fuzz');
  const cases = await readdir(caseDir);
  assert.equal(cases.length, 1, fuzz.stderr);
  const caseFile = path.join(caseDir, cases[0]!);
  const findingId = path.basename(caseFile, '.smtp');
  assert.ok((await readdir(findingsDir)).includes(`${findingId}.json`), 'the case sits beside its finding, under the same id');
  assert.ok(fuzz.stderr.includes(`as a suite case: ${caseFile}`), fuzz.stderr);

  const text = await readFile(caseFile, 'utf8');
  assert.match(text, new RegExp(`^id: smtp\\.rfc5321-fuzz\\.${findingId}$`, 'm'));
  assert.match(text, /^section: 3\.3$/m);
  assert.match(text, /^C: RCPT TO:<\$\{rcpt\}>$/m, text);
  assert.match(text, /^S: 503\|421 \*$/m, 'at the fault: what RFC 5321 §3.3 demands, not the 250 the faulty server gave');

  const lint = await runCli(['lint', '--suites', findingsDir], 30_000);
  assert.equal(lint.code, 0, lint.stdout + lint.stderr);
  assert.match(lint.stderr, /^1 case\(s\) parsed, 0 error\(s\)$/m);

  const run = (port: number): ReturnType<typeof runCli> => runCli(['run', 'smtp', '--suites', findingsDir, '--host', '127.0.0.1', '--port', String(port), '--rcpt', rcpt], 60_000);
  const faulty = await run(proxy.port);
  assert.equal(faulty.code, 1, `the case fails through the fault\n${faulty.stdout}${faulty.stderr}`);
  assert.match(faulty.stdout, new RegExp(`^not ok 1 - .*${findingId}`, 'm'));
  assert.match(faulty.stdout, /expected 503\|421 \*, got 250 /);

  const fixed = await run(postfix.port);
  assert.equal(fixed.code, 0, `the case passes on the real server\n${fixed.stdout}${fixed.stderr}`);
  assert.match(fixed.stdout, new RegExp(`^ok 1 - .*${findingId}`, 'm'));
  assert.doesNotMatch(fixed.stdout, /# SKIP/i, 'passed, not skipped');
});
