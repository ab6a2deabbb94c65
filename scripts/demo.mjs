#!/usr/bin/env node
// `npm run demo`: from a fresh clone, install what is missing, start real servers sandboxed on
// loopback, run every suite against them, and say where the reports are. Plain JS on purpose:
// it runs before the TypeScript is built.
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
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
step('checking the servers (Postfix)', 'bash', [path.join(root, 'scripts', 'install-servers.sh')]);

const { startPostfix, postfixUnavailableReason } = await import(path.join(root, 'dist/src/lab/postfix.js'));
const unavailable = postfixUnavailableReason();
if (unavailable) {
  process.stderr.write(`demo: ${unavailable}\n`);
  process.exit(2);
}

mkdirSync(reports, { recursive: true });
process.stderr.write('demo: starting Postfix on 127.0.0.1 (private instance in a temp dir)\n');
const postfix = await startPostfix();
let runExit = 2;
try {
  const [alice, bob] = postfix.mailboxes;
  runExit = await runSuite('smtp', postfix.port, ['--rcpt', alice.address, '--rcpt2', bob.address]);
} finally {
  await postfix.stop();
}
process.stderr.write(`\ndemo: reports in ${path.relative(process.cwd(), reports) || '.'}/: smtp.tap (the record), smtp.xml (JUnit)\n`);
process.stderr.write('demo: re-derive JUnit from TAP with: node bin/mailconform.js report reports/smtp.tap --junit reports/smtp-from-tap.xml\n');
process.exit(await explainOutcome(runExit));

/**
 * The run exits 1 when the server fails cases, and Debian's Postfix does fail some: true deviations,
 * documented in each case's note and listed in test/baselines/. The demo succeeds when the failures
 * are exactly those; anything else (a new failure, a fixed one, a tool error) fails it.
 */
async function explainOutcome(code) {
  if (code === 2) return 2;
  const { readTap } = await import(path.join(root, 'dist/src/report/tap-reader.js'));
  const { run } = readTap(readFileSync(path.join(reports, 'smtp.tap'), 'utf8'));
  const baseline = JSON.parse(readFileSync(path.join(root, 'test/baselines/postfix-3.7.json'), 'utf8')).deviations;
  const failed = run.cases.filter((c) => c.verdict === 'fail').map((c) => c.id).sort();
  const known = Object.keys(baseline).sort();
  if (JSON.stringify(failed) === JSON.stringify(known)) {
    process.stderr.write(`demo: Postfix failed ${failed.length} case(s), each a known deviation from the RFC (see the case's note):\n`);
    for (const id of failed) process.stderr.write(`  ${id}: ${baseline[id]}\n`);
    return 0;
  }
  process.stderr.write(`demo: the failures differ from the known Postfix deviations in test/baselines/postfix-3.7.json\n`);
  return 1;
}

function runSuite(protocol, port, extra) {
  const args = [
    path.join(root, 'bin', 'mailconform.js'), 'run', protocol, '--host', '127.0.0.1', '--port', String(port),
    '--tap', path.join(reports, `${protocol}.tap`), '--junit', path.join(reports, `${protocol}.xml`), ...extra,
  ];
  process.stderr.write(`demo: mailconform ${args.slice(1).join(' ').replaceAll(root + '/', '')}\n`);
  return new Promise((resolve) => {
    // TAP goes to reports/<protocol>.tap; the console gets the human summary.
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('close', (code) => resolve(code ?? 2));
  });
}
