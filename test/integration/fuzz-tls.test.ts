import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { readFinding } from '../../src/fuzz/findings/read-finding.js';
import { dovecotUnavailableReason, startDovecot, type DovecotLab } from '../../src/lab/dovecot.js';
import { isKnownFuzzDeviation } from '../baselines/fuzz-deviations.js';
import { runCli } from '../helpers/run-cli.js';

// Fuzzing over implicit TLS (IMAPS, POP3S) against a real Dovecot: every connection of the campaign
// (runs, liveness checks, the pre-flight login, the clean-up) verifies the lab's certificate.

const skip = dovecotUnavailableReason();
const PASSWORD = 'tls-fuzz-Pw';
let lab: DovecotLab | undefined;
let dir: string;

before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mailconform-fuzz-tls-'));
  if (!skip) lab = await startDovecot({ users: [{ name: 'alice', password: PASSWORD }], tls: true, authPenalty: false, authFailureDelay: false });
});

after(async () => {
  await lab?.stop();
  await rm(dir, { recursive: true, force: true });
});

for (const protocol of ['imap', 'pop3'] as const) {
  test(`fuzz ${protocol} --tls: a short campaign over implicit TLS finds nothing but the known deviations`, { skip }, async () => {
    const port = protocol === 'imap' ? lab!.imapsPort! : lab!.pop3sPort!;
    const findings = path.join(dir, protocol);
    const args = ['fuzz', protocol, '--host', '127.0.0.1', '--tls', '--port', String(port), '--ca', lab!.certFile!, '--user', 'alice', '--password-env', 'PW'];
    const result = await runCli([...args, '--runs', '20', '--seed', '3', '--timeout', '3000', '--findings', findings, '--seed-command', lab!.seedCommand('alice')], 120_000, { PW: PASSWORD });
    assert.ok(result.code === 0 || result.code === 1, result.stderr);
    assert.match(result.stderr, /20 runs, \d+ commands/);
    const saved = (await readdir(findings).catch(() => [])).filter((f) => f.endsWith('.json'));
    for (const file of saved) {
      const finding = await readFinding(path.join(findings, file));
      assert.ok(isKnownFuzzDeviation(protocol, finding), `${file}: ${finding.kind} ${finding.rule ?? ''} ${finding.message}`);
      assert.equal(finding.replay.settings.implicitTls, true, 'the finding remembers the target spoke TLS');
    }
    // Without the CA the same campaign cannot even start: one line naming --ca.
    const untrusted = await runCli([...args.filter((a, i) => a !== '--ca' && args[i - 1] !== '--ca'), '--runs', '1'], 60_000, { PW: PASSWORD });
    assert.equal(untrusted.code, 2);
    assert.match(untrusted.stderr, /^mailconform: TLS handshake with 127\.0\.0\.1:\d+ failed: self-signed certificate — give the server's CA/m);
  });
}
