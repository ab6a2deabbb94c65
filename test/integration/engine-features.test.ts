import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, test } from 'node:test';
import type { CaseResult } from '../../src/report/result.js';
import { startFaultServer, smtpLike, type FaultServer, type FaultServerScript } from '../helpers/fault-server.js';
import { runSingleCase, runSuites } from '../helpers/run-suite.js';
import { writeTempSuites } from '../helpers/temp-suites.js';

// Engine features that the RFC 5321 suite uses lightly: unordered groups, several sessions,
// optional lines, pipelining, fixtures, captures, and the close checks.

const servers: FaultServer[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

async function runCase(body: string, script: FaultServerScript, setup?: (root: string) => Promise<void>): Promise<CaseResult> {
  const root = await writeTempSuites({ 'smtp/rfc5321/case.smtp': body });
  await setup?.(root);
  const server = await startFaultServer(script);
  servers.push(server);
  return runSingleCase('smtp', root, server.port, { vars: new Map([['rcpt', 'alice@fault.example.test']]) });
}

const EHLO_SHUFFLED = smtpLike({ EHLO: '250-fault.example.test\r\n250-SIZE 100\r\n250-PIPELINING\r\n250 8BITMIME\r\n' });

test('@unordered accepts the lines in any order, and fails when one is missing', async () => {
  const ok = await runCase('S: 220 *\nC: EHLO x\nS: 250-*\n@unordered\nS: 250-PIPELINING\nS: 250-SIZE *\n@end\nS: 250 8BITMIME\nC: QUIT\nS: 221 *\n', EHLO_SHUFFLED);
  assert.equal(ok.verdict, 'pass', ok.reason);
  const missing = await runCase('S: 220 *\nC: EHLO x\nS: 250-*\n@unordered\nS: 250-PIPELINING\nS: 250-DSN\n@end\nC: QUIT\nS: 221 *\n', EHLO_SHUFFLED);
  assert.equal(missing.verdict, 'fail');
  assert.match(missing.failures[0]!.message, /expected one of \[250-PIPELINING \| 250-DSN\] \(any order\), got 250-SIZE 100/);
});

test('S? and S* take lines only while they match; S+ needs at least one', async () => {
  const ok = await runCase('S: 220 *\nC: EHLO x\nS?: 250-nothing-like-this\nS+: 250-*\nS*: 250-*\nS: 250 *\nC: QUIT\nS: 221 *\n', EHLO_SHUFFLED);
  assert.equal(ok.verdict, 'pass', ok.reason);
  const none = await runCase('S: 220 *\nC: HELO x\nS+: 250-*\nS: 250 *\nC: QUIT\nS: 221 *\n', smtpLike());
  assert.equal(none.verdict, 'fail');
  assert.match(none.failures[0]!.message, /a final line where a continuation line/);
});

test('an optional line is not taken when the server closed instead; a required one fails there', async () => {
  const closes = smtpLike({ NOOP: (socket) => socket.end() });
  const optional = await runCase('S: 220 *\nC: NOOP\nS?: 250 *\nS*: 251 *\n@expect-close\n', closes);
  assert.equal(optional.verdict, 'pass', optional.reason);
  const required = await runCase('S: 220 *\nC: NOOP\nS?: 251 *\nS: 250 *\n@expect-close\n', closes);
  assert.equal(required.verdict, 'fail');
  assert.equal(required.failures[0]!.rule, 'ERR_TRANSPORT_CLOSED');
});

test('two sessions interleave, each with its own transcript lines; captures carry across sessions', async () => {
  const body = '@session a\nS: 220 ${name} *\n@session b\nS: 220 ${name} *\nC: NOOP\nS: 250 *\n@session a\nC: QUIT\nS: 221 *\n@expect-close\n@session b\nC: QUIT\nS: 221 *\n';
  const result = await runCase(body, smtpLike());
  assert.equal(result.verdict, 'pass', result.reason);
  assert.deepEqual([...new Set(result.transcript.map((l) => l.session))].sort(), ['a', 'b']);
  assert.ok(result.transcript.some((l) => l.session === 'b' && l.dir === 'C' && l.text === 'NOOP'));
});

test('@pipeline sends the lines in one write and the replies are matched in order', async () => {
  const writes: string[] = [];
  const script = smtpLike();
  const result = await runCase('S: 220 *\nC: EHLO x\nS*: 250-*\nS: 250 *\n@pipeline\nC: MAIL FROM:<a@b>\nC: RCPT TO:<${rcpt}>\nC: NOOP\n@end\nS: 250 2.1.0 *\nS: 250 2.1.5 *\nS: 250 2.0.0 *\nC: QUIT\nS: 221 *\n', {
    onConnect: (socket) => {
      socket.on('data', (d: Buffer) => writes.push(d.toString()));
      script.onConnect?.(socket);
    },
    onLine: (line, socket) => script.onLine?.(line, socket),
  });
  assert.equal(result.verdict, 'pass', result.reason);
  assert.ok(writes.includes('MAIL FROM:<a@b>\r\nRCPT TO:<alice@fault.example.test>\r\nNOOP\r\n'), JSON.stringify(writes));
});

test('@send-fixture dot-stuffs the message, fills variables and converts LF to CRLF', async () => {
  let received = '';
  let inData = false;
  const script = smtpLike({ DATA: '354 go\r\n' });
  const result = await runCase(
    'S: 220 *\nC: HELO x\nS: 250 *\nC: MAIL FROM:<a@b>\nS: 250 *\nC: RCPT TO:<${rcpt}>\nS: 250 *\nC: DATA\nS: 354 *\n@send-fixture m.eml\nS: 250 *\nC: QUIT\nS: 221 *\n',
    {
      onConnect: (socket) => script.onConnect?.(socket),
      onLine: (line, socket) => {
        if (inData || line.startsWith('To:')) {
          inData = line !== '.';
          received += `${line}\n`;
          if (line === '.') socket.write('250 queued\r\n');
          return;
        }
        script.onLine?.(line, socket);
      },
    },
    async (root) => writeFile(path.join(root, 'm.eml'), 'To: <${rcpt}>\n\n.hidden\n..\n.\nend\n'),
  );
  assert.equal(result.verdict, 'pass', result.reason);
  assert.equal(received, 'To: <alice@fault.example.test>\n\n..hidden\n...\n..\nend\n.\n');
});

test('@expect-close fails when the server keeps the connection open, and when it talks instead', async () => {
  const open = await runCase('S: 220 *\nC: QUIT\nS: 221 *\n@expect-close\n', smtpLike({ QUIT: '221 bye\r\n' }));
  assert.equal(open.verdict, 'fail');
  assert.match(open.failures[0]!.message, /close the connection within 1000 ms; it stayed open/);
  const chatty = await runCase('S: 220 *\nC: QUIT\nS: 221 *\n@expect-close\n', smtpLike({ QUIT: (s) => s.end('221 bye\r\n250 extra\r\n') }));
  assert.equal(chatty.verdict, 'fail');
  assert.match(chatty.failures[0]!.message, /expected the server to close the connection, got 250 extra/);
});

test('a missing fixture is a suite error found before anything is sent', async () => {
  const root = await writeTempSuites({ 'smtp/rfc5321/case.smtp': 'S: 220 *\n@send-fixture nope.eml\n' });
  const outcome = await runSuites('smtp', root, 1);
  assert.ok(outcome.kind === 'suite-errors');
  assert.deepEqual(outcome.errors, [{ file: 'smtp/rfc5321/case.smtp', line: 8, message: `fixture nope.eml not found in ${root}` }]);
});

test('variables used only inside a fixture make the case skip, not error, when the run lacks them', async () => {
  const result = await runCase('S: 220 *\n@send-fixture m.eml\n', smtpLike(), async (root) => writeFile(path.join(root, 'm.eml'), 'To: <${someone}>\n\nhi\n'));
  assert.equal(result.verdict, 'skip');
  assert.match(result.reason ?? '', /needs \$\{someone\}/);
});

test('--concurrency runs cases at once and still reports them in case order', async () => {
  const root = await writeTempSuites({
    'smtp/rfc5321/a-slow.smtp': 'S: 220 *\nC: NOOP slow\nS: 250 *\nC: QUIT\nS: 221 *\n',
    'smtp/rfc5321/b-fast.smtp': 'S: 220 *\nC: NOOP\nS: 250 *\nC: QUIT\nS: 221 *\n',
  });
  const script = smtpLike({ NOOP: (socket) => setTimeout(() => socket.write('250 ok\r\n'), 300) });
  const server = await startFaultServer({
    onConnect: (socket) => script.onConnect?.(socket),
    onLine: (line, socket) => (line === 'NOOP' ? socket.write('250 ok\r\n') : script.onLine?.(line, socket)),
  });
  servers.push(server);
  const order: string[] = [];
  const started = Date.now();
  const outcome = await runSuites('smtp', root, server.port, { concurrency: 2, onResult: (r) => order.push(r.id) });
  assert.ok(outcome.kind === 'done');
  assert.deepEqual(order, ['smtp.rfc5321.a-slow', 'smtp.rfc5321.b-fast']);
  assert.ok(outcome.results.every((r) => r.verdict === 'pass'), JSON.stringify(outcome.results.map((r) => r.reason)));
  assert.ok(Date.now() - started < 5000);
});
