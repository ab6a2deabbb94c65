import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import type { DeliveryBody } from '../../src/fuzz/delivery/delivery-body.js';
import { isFuzzFailure, type FuzzFailure } from '../../src/fuzz/fuzz-failure.js';
import type { FuzzSettings, FuzzStats } from '../../src/fuzz/fuzz-property.js';
import { smtpDeliveryProperty as prop } from '../../src/fuzz/properties/smtp-delivery.js';
import { deliveryLabsUnavailableReason, startDeliveryLabs, type DeliveryLabs } from '../helpers/delivery-labs.js';
import { findFault } from '../helpers/fault-proxy/faults.js';
import { startFaultProxy } from '../helpers/fault-proxy/proxy.js';

// smtp.delivery end to end: Postfix delivers into the Maildir Dovecot serves over POP3. Clean runs
// find nothing and leave the maildrop as it was; a proxy that breaks dot-unstuffing is caught and
// shrunk to a tiny body; an accepted message that never arrives is a timed-out delivery.

const unavailable = deliveryLabsUnavailableReason();
const SEED = 5321;
const RUNS = 20;
const BUDGET_MS = 60_000;

let labs: DeliveryLabs;

before(async () => {
  if (unavailable) return;
  labs = await startDeliveryLabs('delivery-Pw-5');
  // Mail of the user's own that the tool must leave alone.
  await labs.dovecot.seed('alice', Buffer.from('Subject: the user\'s own\r\nFrom: <carol@example.test>\r\n\r\n.keep me\r\n', 'latin1'));
});

after(async () => {
  await labs?.stop();
});

/** The files in alice's Maildir (Dovecot's), which Postfix delivers into and POP3 reads. */
async function maildrop(): Promise<string[]> {
  return (await labs.postfix.readDelivered('alice')).map((m) => m.bytes.toString('latin1')).sort();
}

function describe(failure: unknown): string {
  if (!isFuzzFailure(failure)) return String(failure);
  return JSON.stringify({ ...failure.evidence, transcript: failure.evidence.transcript.map((l) => `${l.dir}: ${l.text}`) }, null, 1);
}

test(`Postfix into Dovecot: ${RUNS} seeded runs find nothing, and the maildrop ends as it started`, { skip: unavailable }, async () => {
  const before = await maildrop();
  assert.equal(before.length, 1, 'the seeded message of the user');
  const settings = labs.settings(labs.postfix.port);
  const stats: FuzzStats = { commands: 0 };
  const started = Date.now();
  const result = await fc.check(fc.asyncProperty(prop.arbitrary(settings), (body) => prop.run(body, settings, stats)), { seed: SEED, numRuns: RUNS, endOnFailure: true });
  const elapsed = Date.now() - started;
  assert.equal(result.failed, false, `${describe(result.errorInstance)}\ncounterexample: ${JSON.stringify(result.counterexample)}`);
  assert.ok(elapsed < BUDGET_MS, `${elapsed} ms`);
  assert.ok(stats.commands >= RUNS * 10, `${stats.commands} SMTP and POP3 commands`);
  assert.deepEqual(await maildrop(), before, 'every test message was deleted, the user\'s own kept');
  console.log(`smtp.delivery: ${RUNS} runs, ${stats.commands} commands in ${elapsed} ms (${((RUNS * 1000) / elapsed).toFixed(1)} runs/s)`);
});

test('the same seed generates the same bodies, dot-lines among them', () => {
  const settings = { vars: new Map() } as unknown as FuzzSettings;
  const sample = (): DeliveryBody[] => fc.sample(prop.arbitrary(settings), { seed: SEED, numRuns: 30 });
  const first = sample();
  assert.deepEqual(sample(), first);
  assert.ok(first.some((body) => body.some((line) => line.startsWith('.'))), 'some body has a line starting with "."');
});

test('without a linked mailbox, its password or a recipient the property says what to give', () => {
  const base: FuzzSettings = { protocol: 'smtp', endpoint: { host: '127.0.0.1', port: 1 }, vars: new Map([['rcpt', 'alice@example.test']]), answerTimeoutMs: 1, connectTimeoutMs: 1, allowDestructive: false, namespace: 'n', maxCommands: 1 };
  const linked = { protocol: 'pop3', endpoint: { host: '127.0.0.1', port: 2 }, user: 'alice', deliveryTimeoutMs: 1 } as const;
  assert.match(prop.unavailableReason!(base) ?? '', /--deliver-pop3/);
  assert.match(prop.unavailableReason!({ ...base, linked }) ?? '', /--password-env/);
  assert.match(prop.unavailableReason!({ ...base, vars: new Map(), linked: { ...linked, password: 'p' } }) ?? '', /--rcpt/);
  assert.equal(prop.unavailableReason!({ ...base, linked: { ...linked, password: 'p' } }), undefined);
});

test('smtp.dot-unstuffing-skipped: the changed dot-line is found and shrunk to a body of at most 3 lines', { skip: unavailable }, async () => {
  const before = await maildrop();
  const proxy = await startFaultProxy({ upstream: { host: '127.0.0.1', port: labs.postfix.port }, fault: findFault('smtp.dot-unstuffing-skipped') });
  try {
    const settings = labs.settings(proxy.port);
    const result = await fc.check(fc.asyncProperty(prop.arbitrary(settings), (body) => prop.run(body, settings, { commands: 0 })), { seed: SEED, numRuns: 50 });
    assert.ok(result.failed && isFuzzFailure(result.errorInstance), describe(result.errorInstance));
    const { evidence } = result.errorInstance as FuzzFailure;
    assert.equal(evidence.kind, 'model');
    assert.equal(evidence.rule, 'delivery.body-unchanged');
    assert.deepEqual(evidence.ref, { rfc: 5321, section: '4.5.2' });
    assert.match(evidence.message, /If the first character is a period and there are other characters on the line, the first character is deleted\./);
    const body = result.counterexample![0] as DeliveryBody;
    assert.ok(body.length >= 1 && body.length <= 3, JSON.stringify(body));
    assert.ok(body.some((line) => line.startsWith('.')), JSON.stringify(body));
    // The received line has the one "." more that the proxy let through.
    assert.equal(evidence.received, `.${evidence.expected}`);
    assert.ok(proxy.triggered > 0);
  } finally {
    await proxy.stop();
  }
  assert.deepEqual(await maildrop(), before, 'failing runs delete their message too');
});

test('an accepted message that never reaches the linked mailbox is a timed-out delivery (RFC 5321 §6.1, SHOULD)', { skip: unavailable }, async () => {
  // Postfix accepts mail for bob and keeps it in its own Maildir: alice's mailbox never sees it.
  const bob = labs.postfix.mailboxes.find((m) => m.user === 'bob')!;
  const settings = labs.settings(labs.postfix.port, { rcpt: bob.address, deliveryTimeoutMs: 600 });
  const started = Date.now();
  const failure = await prop.run(['.x'], settings, { commands: 0 }).then(
    () => undefined,
    (err: unknown) => err,
  );
  assert.ok(isFuzzFailure(failure), String(failure));
  assert.equal(failure.evidence.rule, 'delivery.accepted-arrives');
  assert.equal(failure.evidence.level, 'SHOULD');
  assert.deepEqual(failure.evidence.ref, { rfc: 5321, section: '6.1' });
  assert.match(failure.evidence.message, /^delivery timed out: the message accepted with 250 was not in alice's mailbox at 127\.0\.0\.1:\d+ after \d+ ms \(\d+ looks;/);
  assert.deepEqual([...new Set(failure.evidence.transcript.map((l) => l.session))].sort(), ['pop3', 'smtp']);
  assert.ok(Date.now() - started < 5000);
  await labs.postfix.waitForDelivery('bob', (m) => m.bytes.includes('\n.x\n'), 5000);
});
