import assert from 'node:assert/strict';
import type net from 'node:net';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { isFuzzFailure } from '../../src/fuzz/fuzz-failure.js';
import { replayPathOf } from '../../src/fuzz/models/replay-path.js';
import type { FuzzSettings } from '../../src/fuzz/fuzz-property.js';
import { smtpEnvelopeModelProperty as prop } from '../../src/fuzz/properties/smtp-envelope-model.js';
import { postfixUnavailableReason, startPostfix, type PostfixLab } from '../../src/lab/postfix.js';
import { smtpLike, startFaultServer } from '../helpers/fault-server.js';
import { runSeeded } from '../helpers/fuzz-campaign.js';

// smtp.envelope-model against a real Postfix: no finding in 20 runs, bounded in time; and against
// deliberately faulty servers, the fault found and shrunk to the commands that show it.

const unavailable = /^(1|true)$/i.test(process.env['CI'] ?? '') ? undefined : postfixUnavailableReason();
const SEED = 5321;
const BUDGET_MS = 30_000;

let lab: PostfixLab;
let settings: FuzzSettings;

before(async () => {
  if (unavailable) return;
  lab = await startPostfix();
  settings = {
    protocol: 'smtp', endpoint: { host: lab.host, port: lab.port }, vars: new Map([['rcpt', lab.mailboxes[0]!.address]]),
    answerTimeoutMs: 5000, connectTimeoutMs: 5000, allowDestructive: false, namespace: 'mailconform-fuzz-t', maxCommands: 12,
  };
});

after(async () => {
  await lab?.stop();
});

test('the envelope model finds nothing wrong with Postfix in 20 runs, within 30 s', { skip: unavailable }, async () => {
  const run = await runSeeded(prop, settings, SEED, 20);
  assert.equal(run.failed, false, run.explanation);
  assert.ok(run.elapsedMs < BUDGET_MS, `${run.elapsedMs} ms`);
  assert.ok(run.commands > 20, `${run.commands} model commands`);
  console.log(`smtp.envelope-model: 20 runs, ${run.commands} commands in ${run.elapsedMs} ms (${Math.round((run.commands * 1000) / run.elapsedMs)} commands/s)`);
});

test('the same seed generates the same command strings', () => {
  const s = { vars: new Map(), maxCommands: 12 } as unknown as FuzzSettings;
  const sample = (): unknown[] => fc.sample(prop.arbitrary(s), { seed: SEED, numRuns: 5 }).map((i) => prop.describeInput(i));
  const first = sample();
  assert.deepEqual(sample(), first);
  assert.match(JSON.stringify(first), /RCPT TO:<[a-z-]+>/);
});

test('without a recipient the property says why it cannot run', () => {
  const base = { protocol: 'smtp', endpoint: { host: '127.0.0.1', port: 1 }, answerTimeoutMs: 1, connectTimeoutMs: 1, allowDestructive: false, namespace: 'n', maxCommands: 1 } as const;
  assert.match(prop.unavailableReason!({ ...base, vars: new Map() }) ?? '', /--rcpt/);
  assert.equal(prop.unavailableReason!({ ...base, vars: new Map([['rcpt', 'a@b.test']]) }), undefined);
});

/** Runs the property against a faulty server until it fails; returns the finding and the shrunk commands. */
async function findFault(overrides: Parameters<typeof smtpLike>[0], answerTimeoutMs = 2000): Promise<{ kind: string; rule: string | undefined; commands: unknown }> {
  const server = await startFaultServer(smtpLike(overrides));
  try {
    const faulty: FuzzSettings = {
      protocol: 'smtp', endpoint: { host: '127.0.0.1', port: server.port }, vars: new Map([['rcpt', 'alice@fault.example.test']]),
      answerTimeoutMs, connectTimeoutMs: 2000, allowDestructive: false, namespace: 'n', maxCommands: 12,
    };
    const result = await fc.check(fc.asyncProperty(prop.arbitrary(faulty), (input) => prop.run(input, faulty, { commands: 0 })), { seed: SEED, numRuns: 50 });
    assert.ok(result.failed && isFuzzFailure(result.errorInstance), String(result.errorInstance));
    const { kind, rule } = result.errorInstance.evidence;
    assert.ok(replayPathOf(result.counterexample) !== undefined, 'a shrunk input carries its replayPath');
    return { kind, rule, commands: prop.describeInput(result.counterexample![0]) };
  } finally {
    await server.close();
  }
}

test('catches a server that accepts RCPT before MAIL, shrunk to that one command', async () => {
  const found = await findFault({});
  assert.deepEqual(found.rule, 'RCPT.before-MAIL');
  assert.equal(found.kind, 'model');
  assert.equal((found.commands as string[]).length, 1);
  assert.match((found.commands as string[])[0]!, /^RCPT/);
});

/** Transaction order as the RFC wants it (RCPT only after MAIL; RSET, EHLO, HELO end it), so that one injected fault stands alone. */
function orderly(): Record<string, (socket: net.Socket) => void> {
  const open = new WeakSet<net.Socket>();
  const reply = (text: string, transaction?: boolean) => (socket: net.Socket): void => {
    if (transaction === true) open.add(socket);
    if (transaction === false) open.delete(socket);
    socket.write(text);
  };
  return {
    EHLO: reply('250-fault.example.test\r\n250 PIPELINING\r\n', false),
    HELO: reply('250 fault.example.test\r\n', false),
    MAIL: reply('250 2.1.0 Ok\r\n', true),
    RSET: reply('250 2.0.0 Ok\r\n', false),
    RCPT: (socket) => socket.write(open.has(socket) ? '250 2.1.5 Ok\r\n' : '503 5.5.1 need MAIL\r\n'),
  };
}

test('catches RSET answered other than 250, and a NOOP left unanswered', async () => {
  assert.deepEqual((await findFault({ ...orderly(), RSET: '252 ok\r\n' })).rule, 'RSET.reply-250');
  const hang = await findFault({ ...orderly(), NOOP: () => undefined }, 300);
  assert.equal(hang.kind, 'hang');
  assert.deepEqual(hang.commands, ['NOOP']);
});

test('catches a malformed reply line', async () => {
  const found = await findFault({ ...orderly(), NOOP: '25O ok\r\n' });
  assert.equal(found.kind, 'malformed');
});
