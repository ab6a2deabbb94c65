#!/usr/bin/env node
// `npm run demo`: from a fresh clone, install what is missing, start real servers sandboxed on
// loopback, run every suite against them, and say where the reports are. Plain JS on purpose:
// it runs before the TypeScript is built.
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const reports = path.join(root, 'reports');

function step(what, command, args) {
  process.stderr.write(`demo: ${what}\n`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write(`demo: ${what} failed (${command} ${args.join(' ')} exited ${result.status ?? result.signal})\n`);
    process.exit(2);
  }
}

if (!existsSync(path.join(root, 'node_modules', 'yargs'))) step('installing npm dependencies', 'npm', ['ci', '--no-audit', '--no-fund']);
step('building', 'npm', ['run', '--silent', 'build']);
step('checking the servers (Postfix, Dovecot)', 'bash', [path.join(root, 'scripts', 'install-servers.sh')]);

const { startPostfix, postfixUnavailableReason } = await import(path.join(root, 'dist/src/lab/postfix.js'));
const { startDovecot, dovecotUnavailableReason } = await import(path.join(root, 'dist/src/lab/dovecot.js'));
const { readTap } = await import(path.join(root, 'dist/src/report/tap-reader.js'));
for (const reason of [postfixUnavailableReason(), dovecotUnavailableReason()]) {
  if (reason) {
    process.stderr.write(`demo: ${reason}\n`);
    process.exit(2);
  }
}
mkdirSync(reports, { recursive: true });

// Each suite: the server it runs against, the flags it needs, and the server's known deviations.
const DEMO_PASSWORD = 'demo-password';
const runs = [
  {
    protocol: 'smtp',
    // STARTTLS and SMTP AUTH as deployed: SASL through a Dovecot's auth socket, the lab's own certificate.
    start: startPostfixWithSasl,
    args: (lab) => ['--port', String(lab.port), '--ca', lab.caFile, '--user', 'alice', '--password-env', 'MAILCONFORM_DEMO_PASSWORD', '--rcpt', lab.mailboxes[0].address, '--rcpt2', lab.mailboxes[1].address],
    baseline: 'test/baselines/postfix-3.7.json',
    server: 'Postfix',
  },
  {
    protocol: 'pop3',
    start: () => startDovecot({ users: [{ name: 'alice', password: DEMO_PASSWORD }, { name: 'bob' }], apop: true, authPenalty: false, tls: true, cramMd5: true }),
    args: (lab) => ['--port', String(lab.pop3Port), '--ca', lab.certFile, '--user', 'alice', '--password-env', 'MAILCONFORM_DEMO_PASSWORD', '--seed-command', lab.seedCommand('alice')],
    baseline: 'test/baselines/dovecot-2.3.json',
    server: 'Dovecot',
  },
  {
    protocol: 'imap',
    start: () => startDovecot({ users: [{ name: 'alice', password: DEMO_PASSWORD }, { name: 'bob' }], authPenalty: false, tls: true, cramMd5: true }),
    args: (lab) => ['--port', String(lab.imapPort), '--ca', lab.certFile, '--user', 'alice', '--password-env', 'MAILCONFORM_DEMO_PASSWORD'],
    baseline: 'test/baselines/dovecot-2.3.json',
    server: 'Dovecot',
  },
];

/** Postfix with STARTTLS and AUTH through a Dovecot auth socket; one stop() ends both. */
async function startPostfixWithSasl() {
  const dovecot = await startDovecot({ users: [{ name: 'alice', password: DEMO_PASSWORD }], authSocket: true, cramMd5: true });
  try {
    const postfix = await startPostfix({ tls: true, sasl: { dovecotAuthSocket: dovecot.authSocketPath, tlsAuthOnly: false } });
    const caFile = path.join(reports, 'postfix-lab-ca.pem');
    writeFileSync(caFile, postfix.certPem);
    return { ...postfix, port: postfix.port, mailboxes: postfix.mailboxes, caFile, stop: async () => { await postfix.stop(); await dovecot.stop(); } };
  } catch (err) {
    await dovecot.stop();
    throw err;
  }
}

let exitCode = 0;
for (const suite of runs) {
  process.stderr.write(`\ndemo: starting ${suite.server} on 127.0.0.1 (private instance in a temp dir)\n`);
  const lab = await suite.start();
  let code = 2;
  try {
    code = await runSuite(suite.protocol, suite.args(lab));
  } finally {
    await lab.stop();
  }
  exitCode = Math.max(exitCode, explainOutcome(suite, code));
}
process.stderr.write(`\ndemo: reports in ${path.relative(process.cwd(), reports) || '.'}/: <protocol>.tap (the record of each run), <protocol>.xml (JUnit)\n`);
process.stderr.write('demo: re-derive JUnit from TAP with: node bin/mailconform.js report reports/smtp.tap --junit reports/smtp-from-tap.xml\n');
process.exit(exitCode);

function runSuite(protocol, extra) {
  const args = [
    path.join(root, 'bin', 'mailconform.js'), 'run', protocol, '--host', '127.0.0.1',
    '--tap', path.join(reports, `${protocol}.tap`), '--junit', path.join(reports, `${protocol}.xml`), ...extra,
  ];
  process.stderr.write(`demo: mailconform ${args.slice(1).join(' ').replaceAll(root + '/', '')}\n`);
  return new Promise((resolve) => {
    // TAP goes to reports/<protocol>.tap; the console gets the human summary.
    const child = spawn(process.execPath, args, {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, MAILCONFORM_DEMO_PASSWORD: DEMO_PASSWORD },
    });
    child.on('close', (code) => resolve(code ?? 2));
  });
}

/**
 * A run exits 1 when the server fails cases, and Debian's servers do fail some: true deviations,
 * documented in each case's note and listed in test/baselines/. The demo succeeds when the failures
 * are exactly those; anything else (a new failure, a fixed one, a tool error) fails it.
 */
function explainOutcome(suite, code) {
  if (code === 2) return 2;
  const { run } = readTap(readFileSync(path.join(reports, `${suite.protocol}.tap`), 'utf8'));
  const baseline = JSON.parse(readFileSync(path.join(root, suite.baseline), 'utf8')).deviations;
  const failed = run.cases.filter((c) => c.verdict === 'fail').map((c) => c.id).sort();
  const known = Object.keys(baseline).filter((id) => id.startsWith(`${suite.protocol}.`)).sort();
  if (JSON.stringify(failed) !== JSON.stringify(known)) {
    process.stderr.write(`demo: ${suite.protocol}: the failures differ from the known ${suite.server} deviations in ${suite.baseline}\n`);
    return 1;
  }
  if (failed.length > 0) {
    process.stderr.write(`demo: ${suite.server} failed ${failed.length} ${suite.protocol} case(s), each a known deviation from the RFC (see the case's note):\n`);
    for (const id of failed) process.stderr.write(`  ${id}: ${baseline[id]}\n`);
  }
  return 0;
}
