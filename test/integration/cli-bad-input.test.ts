import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Finding } from '../../src/fuzz/findings/finding.js';
import { dovecotUnavailableReason, startDovecot, type DovecotLab } from '../../src/lab/dovecot.js';
import { freePort } from '../../src/lab/free-port.js';
import { smtpLike, startFaultServer, type FaultServer } from '../helpers/fault-server.js';
import { runCli, type CliResult } from '../helpers/run-cli.js';

const servers: FaultServer[] = [];
const noDovecot = dovecotUnavailableReason();
const RIGHT_PASSWORD = 'right-Pw-4d2c';
const WRONG_PASSWORD = 'wrong-Pw-91ab';
let lab: DovecotLab | undefined;
let dir: string;

before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mailconform-bad-input-'));
  // No failure delay: each refused login would otherwise take Dovecot's 2 s.
  if (!noDovecot) lab = await startDovecot({ users: [{ name: 'alice', password: RIGHT_PASSWORD }], authPenalty: false, authFailureDelay: false, tls: true });
});

after(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await lab?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** One line on stderr, starting with the tool's name, and no stack trace. */
function assertOneLineError(result: CliResult, pattern: RegExp): void {
  const lines = result.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `expected one line, got:\n${result.stderr}`);
  assert.match(lines[0]!, /^mailconform: /);
  assert.match(lines[0]!, pattern);
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
}

test('an unknown flag is a usage error: exit 2, one line', async () => {
  const result = await runCli(['run', 'smtp', '--host', '127.0.0.1', '--frobnicate']);
  assert.equal(result.code, 2);
  assertOneLineError(result, /Unknown argument: frobnicate/);
});

test('a missing --host is a usage error: exit 2, one line', async () => {
  const result = await runCli(['run', 'smtp']);
  assert.equal(result.code, 2);
  assertOneLineError(result, /Missing required argument: host/);
});

test('an unknown protocol and a bad --shard are usage errors', async () => {
  assert.equal((await runCli(['run', 'gopher', '--host', 'x'])).code, 2);
  const shard = await runCli(['run', 'smtp', '--host', '127.0.0.1', '--shard', '5/4']);
  assert.equal(shard.code, 2);
  assertOneLineError(shard, /--shard must be i\/n/);
});

test('a refused port: exit 2, one line naming the target and what to try', async () => {
  const port = await freePort();
  const result = await runCli(['run', 'smtp', '--host', '127.0.0.1', '--port', String(port)]);
  assert.equal(result.code, 2);
  assertOneLineError(result, new RegExp(`connection refused by 127\\.0\\.0\\.1:${port} — is the server running`));
  assert.equal(result.stdout, '', 'no TAP when nothing could run');
});

test('POP3 cases share one maildrop: --concurrency above 1 is lowered, with a note', async () => {
  const port = await freePort();
  const result = await runCli(['run', 'pop3', '--host', '127.0.0.1', '--port', String(port), '--concurrency', '4']);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /^note: --concurrency 4 lowered to 1: pop3 cases share the account's maildrop/m);
});

test('a server that never greets: exit 2, one line, bounded by --timeout', async () => {
  const server = await startFaultServer({});
  servers.push(server);
  const started = Date.now();
  const result = await runCli(['run', 'smtp', '--host', '127.0.0.1', '--port', String(server.port), '--timeout', '700']);
  assert.equal(result.code, 2);
  assertOneLineError(result, /sent nothing for 700 ms/);
  assert.ok(Date.now() - started < 20_000);
});

test('a server that sends garbage: failed cases with located violations, exit 1', async () => {
  const server = await startFaultServer({
    onConnect: (socket) => socket.write('HTTP/1.1 400 Bad Request\r\n'),
    onLine: (_line, socket) => socket.write('HTTP/1.1 400 Bad Request\r\n'),
  });
  servers.push(server);
  const result = await runCli(['run', 'smtp', '--host', '127.0.0.1', '--port', String(server.port), '--timeout', '700', '--only', 'quit']);
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stdout, /^not ok 1 - smtp\.rfc5321\.quit/m);
  assert.match(result.stdout, /rule: Reply-code\.digits/);
  assert.doesNotMatch(result.stderr, /\n\s+at /);
});

test('lint and list work on the shipped suites', async () => {
  const lint = await runCli(['lint']);
  assert.equal(lint.code, 0, lint.stdout);
  const list = await runCli(['list', 'smtp']);
  assert.equal(list.code, 0);
  assert.match(list.stdout, /^smtp\.rfc5321\.quit\s+MUST\s+RFC 5321 §4\.1\.1\.10\s+QUIT/m);
});

/**
 * A finding as `mailconform fuzz imap` saves it, trimmed to what `replay` reads: the pre-flight
 * check stops the replay before the property runs, so its input never matters here.
 */
async function writeImapFinding(name: string, port: number, user?: string): Promise<string> {
  const finding = {
    format: 'mailconform-finding/1',
    id: name,
    property: 'imap.robustness',
    protocol: 'imap',
    kind: 'hang',
    message: 'no answer',
    transcript: [],
    replay: {
      seed: 1,
      path: '0',
      settings: { protocol: 'imap', host: '127.0.0.1', port, ...(user !== undefined ? { user } : {}), vars: {}, answerTimeoutMs: 2000, connectTimeoutMs: 2000, allowDestructive: false, namespace: 'mailconform-fuzz-solo', maxCommands: 4 },
    } satisfies Finding['replay'],
  };
  const file = path.join(dir, `${name}.json`);
  await writeFile(file, JSON.stringify(finding));
  return file;
}

/** Every command that talks to a server, pointed at host:port (replay through a saved finding). */
async function targetCommands(host: string, port: number): Promise<string[][]> {
  const finding = await writeImapFinding(`replay-${port}`, port);
  const at = ['--host', host, '--port', String(port)];
  return [
    ['run', 'smtp', ...at],
    ['run', 'pop3', ...at],
    ['run', 'imap', ...at],
    ['fuzz', 'smtp', ...at, '--runs', '2', '--findings', path.join(dir, 'never')],
    ['fuzz', 'pop3', ...at, '--runs', '2', '--findings', path.join(dir, 'never')],
    ['fuzz', 'imap', ...at, '--runs', '2', '--findings', path.join(dir, 'never')],
    ['replay', finding, ...at],
  ];
}

/** Runs the commands at once; each must exit 2 with one line matching pattern, nothing on stdout. */
async function assertEachFailsInOneLine(commands: readonly string[][], pattern: RegExp, env: Readonly<Record<string, string>> = {}): Promise<CliResult[]> {
  const results = await Promise.all(commands.map((args) => runCli(args, 30_000, env)));
  results.forEach((result, i) => {
    const label = commands[i]!.join(' ');
    assert.equal(result.code, 2, `${label}: ${result.stderr}`);
    assert.equal(result.stdout, '', `${label}: no TAP when nothing could run`);
    assert.doesNotThrow(() => assertOneLineError(result, pattern), `${label}: ${result.stderr}`);
  });
  return results;
}

test('a host name that does not resolve: exit 2, one line naming the host and saying to check it (run, fuzz, replay)', async () => {
  await assertEachFailsInOneLine(await targetCommands('nosuch.invalid', 25), /host not found: nosuch\.invalid:25 — check the host name/);
});

test('a server that accepts and closes without a byte: exit 2, one line saying nothing can be tested and where to look', async () => {
  const server = await startFaultServer({ onConnect: (socket) => socket.end() });
  servers.push(server);
  const pattern = new RegExp(`127\\.0\\.0\\.1:${server.port} closed the connection before its greeting, so nothing can be tested — check that this is the server's (SMTP|POP3|IMAP) port, and see the server's log`);
  await assertEachFailsInOneLine(await targetCommands('127.0.0.1', server.port), pattern);
});

test('a server that accepts and resets the connection: exit 2, one line naming the target and what to try', async () => {
  const server = await startFaultServer({ onConnect: (socket) => socket.resetAndDestroy() });
  servers.push(server);
  const pattern = new RegExp(`127\\.0\\.0\\.1:${server.port} reset the connection before its greeting, so nothing can be tested — check that this is the server's (SMTP|POP3|IMAP) port`);
  await assertEachFailsInOneLine(await targetCommands('127.0.0.1', server.port), pattern);
});

test('a server that refuses service in its greeting (IMAP BYE, POP3 -ERR, SMTP 554): exit 2, one line with its text', async () => {
  const greetings = { smtp: '554 5.3.2 no service for you\r\n', pop3: '-ERR [SYS/TEMP] too busy\r\n', imap: '* BYE too many connections\r\n' } as const;
  const commands: string[][] = [];
  for (const [protocol, greeting] of Object.entries(greetings)) {
    const server = await startFaultServer({ onConnect: (socket) => socket.end(greeting) });
    servers.push(server);
    commands.push(['run', protocol, '--host', '127.0.0.1', '--port', String(server.port)], ['fuzz', protocol, '--host', '127.0.0.1', '--port', String(server.port), '--runs', '2', '--findings', path.join(dir, 'never')]);
  }
  const results = await assertEachFailsInOneLine(commands, /127\.0\.0\.1:\d+ refused service at its greeting: .* — nothing can be tested; the server's log says why/);
  assert.match(results[0]!.stderr, /554 5\.3\.2 no service for you/);
  assert.match(results[2]!.stderr, /-ERR \[SYS\/TEMP\] too busy/);
  assert.match(results[4]!.stderr, /\* BYE too many connections/);
});

test('a wrong password: exit 2, one line "login as alice at host:port refused: <server text> — check …", no cases, no password (run, fuzz, replay)', { skip: noDovecot }, async () => {
  const account = ['--user', 'alice', '--password-env', 'MC_PW'];
  const imap = ['--host', '127.0.0.1', '--port', String(lab!.imapPort), ...account];
  const pop3 = ['--host', '127.0.0.1', '--port', String(lab!.pop3Port), ...account];
  const never = ['--findings', path.join(dir, 'never'), '--runs', '2'];
  const finding = await writeImapFinding('replay-login', lab!.imapPort, 'alice');
  const commands = [['run', 'imap', ...imap], ['run', 'pop3', ...pop3], ['fuzz', 'imap', ...imap, ...never], ['fuzz', 'pop3', ...pop3, ...never], ['replay', finding, '--password-env', 'MC_PW']];
  const results = await assertEachFailsInOneLine(commands, /login as alice at 127\.0\.0\.1:\d+ refused: (NO|-ERR) .*Authentication failed\.? — check --user and --password-env$/, { MC_PW: WRONG_PASSWORD });
  for (const r of results) assert.ok(!(r.stderr + r.stdout).includes(WRONG_PASSWORD), 'the password is never printed');
  assert.match(results[0]!.stderr, new RegExp(`at 127\\.0\\.0\\.1:${lab!.imapPort} refused: NO \\[AUTHENTICATIONFAILED\\]`));
  assert.match(results[1]!.stderr, new RegExp(`at 127\\.0\\.0\\.1:${lab!.pop3Port} refused: -ERR \\[AUTH\\]`));
  assert.ok(!existsSync(path.join(dir, 'never')), 'fuzz wrote no finding');

  // The right password passes the same pre-flight check: the run goes on to its cases.
  const good = await runCli(['run', 'imap', ...imap, '--only', 'imap.rfc3501.any-noop-authenticated'], 60_000, { MC_PW: RIGHT_PASSWORD });
  assert.equal(good.code, 0, good.stderr);
  assert.match(good.stdout, /^ok 1 - imap\.rfc3501\.any-noop-authenticated/m);
});

test('fuzz smtp --deliver-pop3 checks the linked mailbox\'s login too', { skip: noDovecot }, async () => {
  const smtp = await startFaultServer(smtpLike());
  servers.push(smtp);
  const r = await runCli(['fuzz', 'smtp', '--host', '127.0.0.1', '--port', String(smtp.port), '--rcpt', 'alice@example.test', '--deliver-pop3', `127.0.0.1:${lab!.pop3Port}`,
    '--user', 'alice', '--password-env', 'MC_PW', '--runs', '2', '--findings', path.join(dir, 'never')], 30_000, { MC_PW: WRONG_PASSWORD });
  assert.equal(r.code, 2, r.stderr);
  assertOneLineError(r, new RegExp(`--deliver-pop3: login as alice at 127\\.0\\.0\\.1:${lab!.pop3Port} refused: -ERR`));
});

test('TLS failures: a certificate the tool was not told to trust, and --tls on a plaintext port: exit 2, one line saying what to try', { skip: noDovecot }, async () => {
  const { imapPort, imapsPort, certFile } = lab!;
  const account = ['--user', 'alice', '--password-env', 'MC_PW'];
  const env = { MC_PW: RIGHT_PASSWORD };
  const untrusted = await runCli(['run', 'imap', '--host', '127.0.0.1', '--tls', '--port', String(imapsPort), ...account], 30_000, env);
  assert.equal(untrusted.code, 2);
  assertOneLineError(untrusted, new RegExp(`TLS handshake with 127\\.0\\.0\\.1:${imapsPort} failed: self-signed certificate — give the server's CA .* with --ca FILE`));
  assert.equal(untrusted.stdout, '', 'no cases when nothing can be tested');
  const plaintext = await runCli(['run', 'imap', '--host', '127.0.0.1', '--tls', '--port', String(imapPort), ...account], 30_000, env);
  assert.equal(plaintext.code, 2);
  assertOneLineError(plaintext, new RegExp(`TLS handshake with 127\\.0\\.0\\.1:${imapPort} failed: .* — does this port speak TLS from the first byte\\?`));
  // Trusted, the same target works: one case over implicit TLS, and the report says what was negotiated.
  const trusted = await runCli(['run', 'imap', '--host', '127.0.0.1', '--tls', '--port', String(imapsPort), '--ca', certFile!, ...account, '--only', 'any-noop-not-authenticated'], 30_000, env);
  assert.equal(trusted.code, 0, trusted.stderr);
  assert.match(trusted.stdout, /"tls":"TLSv1\.[23] [A-Z0-9_-]+, certificate for localhost verified"/);
  const badCa = await runCli(['run', 'imap', '--host', '127.0.0.1', '--tls', '--ca', path.join(dir, 'nosuch.pem')], 30_000, env);
  assert.equal(badCa.code, 2);
  assertOneLineError(badCa, /--ca .*nosuch\.pem: cannot read it/);
});

test('--debug adds a stack trace to an internal error only, never to a target or login problem', async () => {
  const server = await startFaultServer(smtpLike());
  const closer = await startFaultServer({ onConnect: (socket) => socket.end() });
  servers.push(server, closer);
  // --suites naming a file is an error no check anticipates: it reaches main as a plain Error.
  const internal = ['run', 'smtp', '--host', '127.0.0.1', '--port', String(server.port), '--suites', path.join(dir, 'not-a-dir.json')];
  await writeFile(path.join(dir, 'not-a-dir.json'), '{}');
  const plain = await runCli(internal);
  assert.equal(plain.code, 2);
  assertOneLineError(plain, /ENOTDIR/);
  const debug = await runCli([...internal, '--debug']);
  assert.equal(debug.code, 2);
  assert.match(debug.stderr, /^mailconform: .*ENOTDIR.*\n.*\n\s+at /);

  const expected = [
    ['run', 'imap', '--host', 'nosuch.invalid', '--debug'],
    ['fuzz', 'pop3', '--host', '127.0.0.1', '--port', String(closer.port), '--debug', '--findings', path.join(dir, 'never')],
    ['run', 'smtp', '--host', '127.0.0.1', '--port', String(await freePort()), '--debug'],
  ];
  for (const r of await Promise.all(expected.map((args) => runCli(args, 30_000)))) {
    assert.equal(r.code, 2, r.stderr);
    assertOneLineError(r, /./);
  }
});
