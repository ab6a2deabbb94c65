import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Finding } from '../../src/fuzz/findings/finding.js';
import { deliveryLabsUnavailableReason, startDeliveryLabs, type DeliveryLabs } from '../helpers/delivery-labs.js';
import { findFault } from '../helpers/fault-proxy/faults.js';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy/proxy.js';
import { runCli } from '../helpers/run-cli.js';

// `mailconform fuzz smtp --deliver-pop3 …` as a user runs it: a clean campaign, a finding through a
// proxy that breaks dot-unstuffing, its replay, and one-line errors for bad option values.

const unavailable = deliveryLabsUnavailableReason();
const PASSWORD = 'cli-delivery-Pw-7';
const ENV = { DELIVERY_PW: PASSWORD };
let labs: DeliveryLabs;
let proxy: FaultProxy;
let out: string;

before(async () => {
  out = await mkdtemp(path.join(os.tmpdir(), 'mailconform-delivery-cli-'));
  if (unavailable) return;
  labs = await startDeliveryLabs(PASSWORD);
  proxy = await startFaultProxy({ upstream: { host: '127.0.0.1', port: labs.postfix.port }, fault: findFault('smtp.dot-unstuffing-skipped') });
});

after(async () => {
  await proxy?.stop();
  await labs?.stop();
});

/** `fuzz smtp` against `port`, alice's mail read back from the lab Dovecot. */
function deliveryArgs(port: number, findings: string, extra: readonly string[] = []): string[] {
  const rcpt = labs.postfix.mailboxes.find((m) => m.user === 'alice')!.address;
  return ['fuzz', 'smtp', '--host', '127.0.0.1', '--port', String(port), '--rcpt', rcpt, '--deliver-pop3', `127.0.0.1:${labs.dovecot.pop3Port}`,
    '--user', 'alice', '--password-env', 'DELIVERY_PW', '--property', 'delivery', '--findings', findings, ...extra];
}

async function maildropSize(): Promise<number> {
  return (await labs.postfix.readDelivered('alice')).length;
}

test('a clean campaign through Postfix and Dovecot: exit 0, no finding, no password shown, nothing left behind', { skip: unavailable }, async () => {
  const findings = path.join(out, 'clean');
  const r = await runCli(deliveryArgs(labs.postfix.port, findings, ['--runs', '10', '--seed', '3']), 120_000, ENV);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^ok 1 - .*smtp\.delivery/m);
  assert.doesNotMatch(r.stderr, /skipping smtp\.delivery/);
  assert.ok(!r.stdout.includes(PASSWORD) && !r.stderr.includes(PASSWORD));
  assert.equal(await maildropSize(), 0);
});

test('through smtp.dot-unstuffing-skipped: exit 1, a finding that saves the linked mailbox but not its password; replay reproduces it', { skip: unavailable }, async () => {
  const findings = path.join(out, 'faulty');
  const r = await runCli(deliveryArgs(proxy.port, findings, ['--runs', '2', '--seed', '9', '--delivery-timeout', '5000']), 120_000, ENV);
  assert.equal(r.code, 1, r.stderr);
  const files = (await readdir(findings)).filter((f) => f.endsWith('.json'));
  assert.equal(files.length, 1, r.stderr);
  const file = path.join(findings, files[0]!);
  const text = await readFile(file, 'utf8');
  assert.ok(!text.includes(PASSWORD), 'no password in the finding (the PASS line is redacted)');
  const finding = JSON.parse(text) as Finding;
  assert.equal(finding.property, 'smtp.delivery');
  assert.equal(finding.kind, 'model');
  assert.equal(finding.rule, 'delivery.body-unchanged');
  assert.deepEqual(finding.replay.settings.linked, { protocol: 'pop3', host: '127.0.0.1', port: labs.dovecot.pop3Port, user: 'alice', deliveryTimeoutMs: 5000 });
  assert.ok(((finding.input as { bodyLines: string[] }).bodyLines).length <= 3, JSON.stringify(finding.input));
  assert.ok(finding.transcript.some((l) => l.session === 'smtp' && l.dir === 'C' && l.text === 'DATA'), 'the transcript shows the SMTP session');
  assert.ok(finding.transcript.some((l) => l.session === 'pop3' && l.dir === 'C' && /^RETR \d+$/.test(l.text)), 'and the message read back over POP3');
  assert.equal(await maildropSize(), 0);

  const noPassword = await runCli(['replay', file], 30_000);
  assert.equal(noPassword.code, 2, noPassword.stderr);
  assert.match(noPassword.stderr, /logged in as alice: give the password with --password-env/);

  const replay = await runCli(['replay', file, '--password-env', 'DELIVERY_PW'], 60_000, ENV);
  assert.equal(replay.code, 1, replay.stderr + replay.stdout);
  assert.match(replay.stdout, /^reproduces: \[model\] the body arrived changed/);
  assert.ok(!replay.stdout.includes(PASSWORD));

  // Without the proxy (the fault "fixed"), the same input passes.
  const fixed = await runCli(['replay', file, '--password-env', 'DELIVERY_PW', '--port', String(labs.postfix.port)], 60_000, ENV);
  assert.equal(fixed.code, 0, fixed.stderr + fixed.stdout);
  assert.match(fixed.stdout, /^does not reproduce/);
  assert.equal(await maildropSize(), 0);
});

test('bad --deliver-pop3 and --delivery-timeout values: one line on stderr, exit 2', async () => {
  const base = ['fuzz', 'smtp', '--host', '127.0.0.1', '--rcpt', 'alice@example.test', '--property', 'delivery'];
  const cases: [string[], RegExp][] = [
    [[...base, '--deliver-pop3', '127.0.0.1:pop', '--user', 'alice'], /--deliver-pop3 takes host:port, e\.g\. 127\.0\.0\.1:110 \(got "127\.0\.0\.1:pop"\)/],
    [[...base, '--deliver-pop3', '127.0.0.1:70000', '--user', 'alice'], /--deliver-pop3 takes host:port/],
    [[...base, '--deliver-pop3', '127.0.0.1:110'], /--deliver-pop3 needs --user/],
    [[...base, '--deliver-pop3', '127.0.0.1:110', '--user', 'alice', '--delivery-timeout', '0'], /--delivery-timeout must be a positive/],
    [['fuzz', 'pop3', '--host', '127.0.0.1', '--deliver-pop3', '127.0.0.1:110', '--user', 'alice'], /--deliver-pop3 is for fuzz smtp/],
  ];
  for (const [args, message] of cases) {
    const r = await runCli(args, 30_000);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message, args.join(' '));
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  }
});

test('--help explains the delivery options', async () => {
  const r = await runCli(['fuzz', '--help'], 30_000);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /--deliver-pop3\s+host:port of the POP3 server holding the --rcpt mailbox/);
  assert.match(r.stdout, /--delivery-timeout/);
});
