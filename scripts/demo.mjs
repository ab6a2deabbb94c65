#!/usr/bin/env node
// `npm run demo`: from a fresh clone, install what is missing, start real servers sandboxed on
// loopback, run every suite against them, and say where the reports are. Plain JS on purpose:
// it runs before the TypeScript is built.
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
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
let exitCode = 2;
try {
  const [alice, bob] = postfix.mailboxes;
  exitCode = await runSuite('smtp', postfix.port, ['--rcpt', alice.address, '--rcpt2', bob.address]);
} finally {
  await postfix.stop();
}
process.stderr.write(`\ndemo: reports in ${path.relative(process.cwd(), reports) || '.'}/: smtp.tap (the record), smtp.xml (JUnit)\n`);
process.stderr.write('demo: re-derive JUnit from TAP with: node bin/mailconform.js report reports/smtp.tap --junit reports/smtp-from-tap.xml\n');
process.exit(exitCode);

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
