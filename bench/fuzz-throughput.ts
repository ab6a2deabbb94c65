import { runCampaign } from '../src/fuzz/campaign/campaign.js';
import type { FuzzSettings } from '../src/fuzz/fuzz-property.js';
import { FUZZ_PROPERTIES } from '../src/fuzz/properties/registry.js';
import { listeningTarget } from '../src/fuzz/target/fuzz-target.js';
import { startDovecot } from '../src/lab/dovecot.js';

// Fuzzing throughput against a real Dovecot on loopback: robustness runs per second (each run is a
// connection, a prelude, up to 12 generated steps and a liveness check on a new connection) and
// model commands per second (each run re-creates its mailbox, as shrinking requires).
// Usage: npm run bench   (RUNS=… to change the number of runs per property)

const RUNS = Number(process.env.RUNS ?? 300);
const PASSWORD = 'bench-Pw-1';

const lab = await startDovecot({ users: [{ name: 'alice', password: PASSWORD }], authPenalty: false });
try {
  for (const name of ['imap.robustness', 'imap.mailbox-model', 'imap.two-session-model', 'pop3.robustness', 'pop3.maildrop-model']) {
    const property = [...FUZZ_PROPERTIES.imap, ...FUZZ_PROPERTIES.pop3].find((p) => p.name === name)!;
    const settings: FuzzSettings = {
      protocol: property.protocol,
      endpoint: { host: '127.0.0.1', port: property.protocol === 'imap' ? lab.imapPort : lab.pop3Port },
      user: 'alice',
      password: PASSWORD,
      vars: new Map(),
      answerTimeoutMs: 10_000,
      connectTimeoutMs: 5000,
      allowDestructive: false,
      namespace: 'mailconform-fuzz-bench',
      maxCommands: 12,
      seedCommand: lab.seedCommand('alice'),
    };
    let findings = 0;
    const result = await runCampaign({
      properties: [property],
      settings,
      target: listeningTarget(settings.endpoint),
      seed: 1,
      runs: RUNS,
      toolVersion: 'bench',
      onFinding: () => {
        findings++;
        return Promise.resolve();
      },
    });
    const seconds = result.durationMs / 1000;
    console.log(
      `${name.padEnd(24)} ${result.runs} runs in ${seconds.toFixed(1)} s: ${(result.runs / seconds).toFixed(1)} runs/s, ` +
        `${result.commands} commands, ${(result.commands / seconds).toFixed(0)} commands/s, ${findings} finding(s)`,
    );
  }
} finally {
  await lab.stop();
}
