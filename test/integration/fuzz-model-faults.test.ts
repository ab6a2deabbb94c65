import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Finding } from '../../src/fuzz/findings/finding.js';
import type { FuzzSettings } from '../../src/fuzz/fuzz-property.js';
import { findProperty } from '../../src/fuzz/properties/registry.js';
import { listeningTarget } from '../../src/fuzz/target/fuzz-target.js';
import { dovecotUnavailableReason, startDovecot, type DovecotLab } from '../../src/lab/dovecot.js';
import { collectCampaign, describeFindings, withFaultProxy } from '../helpers/fuzz-campaign.js';

// The model properties in front of the fault proxy: each injected state bug is found by a short
// seeded campaign, cites the rule the fault breaks, and shrinks to a handful of model commands.

const unavailable = /^(1|true)$/i.test(process.env['CI'] ?? '') ? undefined : dovecotUnavailableReason();
const PASSWORD = 'fault-model-pw';
let lab: DovecotLab;

before(async () => {
  if (unavailable) return;
  lab = await startDovecot({ users: [{ name: 'alice', password: PASSWORD }], authPenalty: false, authFailureDelay: false });
  // The POP3 model works on mail it seeds itself; the user's own message must come through untouched.
  await lab.seed('alice', Buffer.from('From: someone@example.test\r\nSubject: own mail\r\n\r\nhello\r\n'));
});

after(async () => {
  await lab?.stop();
});

interface ModelFaultCase {
  readonly fault: string;
  readonly property: 'imap.mailbox-model' | 'pop3.maildrop-model';
  /** The RFC section the finding must cite (the rule the fault breaks, or the one it shows up as). */
  readonly section: RegExp;
  /** Most model commands the shrunk input may keep. */
  readonly maxCommands: number;
  readonly seed: number;
}

const CASES: readonly ModelFaultCase[] = [
  { fault: 'imap.drop-expunge', property: 'imap.mailbox-model', section: /^7\.4\.1$|^6\.4\.3$/, maxCommands: 4, seed: 3 },
  { fault: 'imap.lose-flag', property: 'imap.mailbox-model', section: /^6\.4\.6$|^7\.4\.2$|^6\.3\.11$/, maxCommands: 3, seed: 3 },
  { fault: 'imap.literal-off-by-one', property: 'imap.mailbox-model', section: /^4\.3$|^9$/, maxCommands: 3, seed: 3 },
  { fault: 'pop3.dele-not-committed', property: 'pop3.maildrop-model', section: /^6$/, maxCommands: 3, seed: 3 },
  { fault: 'pop3.stat-off-by-one', property: 'pop3.maildrop-model', section: /^5$/, maxCommands: 2, seed: 3 },
];

function settingsFor(property: ModelFaultCase['property'], port: number): FuzzSettings {
  return {
    protocol: property === 'imap.mailbox-model' ? 'imap' : 'pop3',
    endpoint: { host: '127.0.0.1', port },
    user: 'alice',
    password: PASSWORD,
    vars: new Map(),
    answerTimeoutMs: 3000,
    connectTimeoutMs: 3000,
    allowDestructive: false,
    namespace: 'mailconform-fault-t',
    maxCommands: 12,
    seedCommand: lab.seedCommand('alice'),
  };
}

/** The shrunk model commands: IMAP saves the list, POP3 its seeds and the list. */
const modelCommands = (f: Finding): string[] => (Array.isArray(f.input) ? f.input : (f.input as { commands: string[] }).commands);

for (const c of CASES) {
  test(`${c.property} finds ${c.fault} and shrinks it to at most ${c.maxCommands} commands`, { skip: unavailable, timeout: 150_000 }, async () => {
    const upstream = c.property === 'imap.mailbox-model' ? lab.imapPort : lab.pop3Port;
    await withFaultProxy(c.fault, upstream, async (proxy) => {
      const settings = settingsFor(c.property, proxy.port);
      const { findings } = await collectCampaign({
        properties: [findProperty(c.property)!],
        settings,
        target: listeningTarget(settings.endpoint),
        seed: c.seed,
        runs: 200,
        durationMs: 60_000,
        shrinkTimeMs: 40_000,
        until: (f) => c.section.test(f.ref?.section ?? ''),
      });
      assert.ok(proxy.triggered > 0, 'the fault fired');
      const finding = findings.find((f) => c.section.test(f.ref?.section ?? ''));
      assert.ok(finding, `expected a finding citing §${c.section.source}, got:\n${describeFindings(findings)}`);
      const commands = modelCommands(finding);
      assert.ok(commands.length <= c.maxCommands, `shrunk to ${commands.length} commands: ${commands.join(' | ')}`);
      console.log(`# ${c.fault}: ${finding.kind} ${finding.rule ?? ''} §${finding.ref?.section ?? '?'} after ${finding.shrinks} shrinks: ${commands.join(' | ')}`);
    });
  });
}
