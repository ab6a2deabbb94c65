import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { freePort } from '../../src/lab/free-port.js';
import { startFaultServer, type FaultServer } from '../helpers/fault-server.js';
import { runCli, type CliResult } from '../helpers/run-cli.js';

const servers: FaultServer[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
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
