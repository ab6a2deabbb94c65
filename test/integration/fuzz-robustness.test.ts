import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import type { Finding } from '../../src/fuzz/findings/finding.js';
import type { FuzzProperty, FuzzSettings } from '../../src/fuzz/fuzz-property.js';
import { FUZZ_PROPERTIES } from '../../src/fuzz/properties/registry.js';
import { listeningTarget, type FuzzTarget } from '../../src/fuzz/target/fuzz-target.js';
import { spawnTarget } from '../../src/fuzz/target/spawned-target.js';
import { startDovecot, type DovecotLab } from '../../src/lab/dovecot.js';
import { postfixUnavailableReason, startPostfix, type PostfixLab } from '../../src/lab/postfix.js';
import type { Protocol } from '../../src/report/result.js';
import { isKnownFuzzDeviation } from '../baselines/fuzz-deviations.js';
import { collectCampaign, describeFindings, withFaultProxy } from '../helpers/fuzz-campaign.js';

// Robustness campaigns against real Dovecot and Postfix must find nothing; in front of the fault
// proxy, the same campaigns must find the injected bug and shrink it to a step or two.

const PROXY_MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../helpers/fault-proxy/main.js');
const PASSWORD = 'fuzz-Pw-9';
let dovecot: DovecotLab;
let postfix: PostfixLab | undefined;
const noPostfix = postfixUnavailableReason();

before(async () => {
  dovecot = await startDovecot({ users: [{ name: 'alice', password: PASSWORD }], authPenalty: false, authFailureDelay: false });
  if (!noPostfix) postfix = await startPostfix();
});

after(async () => {
  await dovecot?.stop();
  await postfix?.stop();
});

function settingsFor(protocol: Protocol, port: number): FuzzSettings {
  const account = protocol === 'smtp' ? {} : { user: 'alice', password: PASSWORD };
  return {
    protocol,
    endpoint: { host: '127.0.0.1', port },
    ...account,
    vars: new Map(protocol === 'smtp' && postfix ? [['rcpt', postfix.mailboxes[0]!.address]] : []),
    answerTimeoutMs: 3000,
    connectTimeoutMs: 3000,
    allowDestructive: false,
    namespace: 'mailconform-fuzz-t',
    maxCommands: 8,
  };
}

function robustness(protocol: Protocol): FuzzProperty<unknown> {
  return FUZZ_PROPERTIES[protocol].find((p) => p.name === `${protocol}.robustness`)!;
}

/** A clean server gets a generous answer timeout (a loaded CI machine is slow); a faulty one a short one, as every shrink step that hangs waits for it. */
function campaign(protocol: Protocol, target: FuzzTarget, seed: number, runs: number, answerTimeoutMs = 5000): ReturnType<typeof collectCampaign> {
  return collectCampaign({
    properties: [robustness(protocol)],
    settings: { ...settingsFor(protocol, target.endpoint.port), endpoint: target.endpoint, answerTimeoutMs },
    target,
    seed,
    runs,
    durationMs: 60_000,
    shrinkTimeMs: 30_000,
  });
}

function unexpected(protocol: Protocol, findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => !isKnownFuzzDeviation(protocol, f));
}

for (const protocol of ['imap', 'pop3'] as const) {
  test(`${protocol} robustness against real Dovecot: no findings`, async () => {
    const port = protocol === 'imap' ? dovecot.imapPort : dovecot.pop3Port;
    const { result, findings } = await campaign(protocol, listeningTarget({ host: '127.0.0.1', port }), 1, 60);
    assert.deepEqual(unexpected(protocol, findings), [], describeFindings(unexpected(protocol, findings)));
    assert.equal(result.runs, 60);
    assert.ok(result.commands > 60, `steps were sent (${result.commands})`);
  });
}

test('smtp robustness against real Postfix: no findings', { skip: noPostfix }, async () => {
  const { result, findings } = await campaign('smtp', listeningTarget({ host: '127.0.0.1', port: postfix!.port }), 1, 60);
  assert.deepEqual(unexpected('smtp', findings), [], describeFindings(unexpected('smtp', findings)));
  assert.equal(result.runs, 60);
});

test('a command the server never answers is found as a hang and shrunk to that command', async () => {
  await withFaultProxy('imap.hang-on-check', dovecot.imapPort, async (proxy) => {
    const { findings } = await campaign('imap', listeningTarget({ host: proxy.host, port: proxy.port }), 5, 200, 800);
    const hang = findings.find((f) => f.kind === 'hang');
    assert.ok(hang, `expected a hang, got: ${describeFindings(findings)}`);
    const steps = (hang.input as { steps: { label: string }[] }).steps;
    assert.ok(steps.length <= 2, `shrunk to ${steps.length} steps: ${steps.map((s) => s.label).join(' | ')}`);
    assert.match(Buffer.from((hang.input as { steps: { base64: string }[] }).steps.at(-1)!.base64, 'base64').toString('latin1'), /check/i);
  });
});

test('a server process that dies on a long line is a crash finding with its exit code and stderr; the target is restarted to shrink it', { skip: noPostfix }, async () => {
  const target = await spawnTarget({ command: `${process.execPath} ${PROXY_MAIN} --listen-port {port} --upstream 127.0.0.1:${postfix!.port} --fault smtp.crash-on-long-line`, protocol: 'smtp' });
  try {
    const { findings } = await campaign('smtp', target, 11, 300, 2000);
    const crash = findings.find((f) => f.kind === 'crash');
    assert.ok(crash, `expected a crash, got: ${describeFindings(findings)}`);
    assert.equal(crash.process?.code, 70);
    assert.match(crash.process?.stderrTail.join('\n') ?? '', /crash/);
    const steps = (crash.input as { steps: unknown[] }).steps;
    assert.equal(steps.length, 1, 'one over-long line is enough');
  } finally {
    await target.stop();
  }
});
