import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { CaseResult } from '../../src/report/result.js';
import { startFaultServer, smtpLike, type FaultServer, type FaultServerScript } from '../helpers/fault-server.js';
import { runSingleCase } from '../helpers/run-suite.js';
import { writeTempSuites } from '../helpers/temp-suites.js';

// Each fault server breaks one rule on purpose; the engine must turn it into a located failure.

const HAPPY = 'S: 220 *\nC: EHLO ${client}\nS*: 250-*\nS: 250 *\nC: NOOP\nS: 250 *\nC: QUIT\nS: 221 *\n';
let suitesRoot: string;
const servers: FaultServer[] = [];

before(async () => {
  suitesRoot = await writeTempSuites({ 'smtp/rfc5321/happy.smtp': HAPPY });
});
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

async function runAgainst(script: FaultServerScript, readTimeoutMs = 1500): Promise<CaseResult> {
  const server = await startFaultServer(script);
  servers.push(server);
  return runSingleCase('smtp', suitesRoot, server.port, { connectTimeoutMs: 2000, readTimeoutMs });
}

test('a well-behaved server passes (the faults below are what makes the other cases fail)', async () => {
  const result = await runAgainst(smtpLike());
  assert.equal(result.verdict, 'pass', result.reason);
});

test('mixed codes in a multiline reply fail with RFC 5321 §4.2.1, located on the offending line', async () => {
  const result = await runAgainst(smtpLike({ EHLO: '250-fault.example.test\r\n251 PIPELINING\r\n' }));
  assert.equal(result.verdict, 'fail');
  const failure = result.failures.find((f) => f.rule === 'Reply-line.same-code');
  assert.ok(failure, JSON.stringify(result.failures));
  assert.deepEqual(failure.ref, { rfc: 5321, section: '4.2.1' });
  assert.equal(failure.received, '251');
});

test('a bare LF line ending fails with the CRLF rule even though the pattern matched', async () => {
  const result = await runAgainst(smtpLike({ NOOP: '250 2.0.0 Ok\n' }));
  assert.equal(result.verdict, 'fail');
  assert.ok(result.failures.some((f) => f.rule === 'CRLF' && f.ref?.section === '2.3.8'), JSON.stringify(result.failures));
  assert.ok(result.transcript.some((l) => l.dir === 'S' && l.text === '250 2.0.0 Ok\\n'), 'the transcript shows the bare LF');
});

test('a wrong reply code fails with expected vs received and the suite file line', async () => {
  const result = await runAgainst(smtpLike({ NOOP: '550 no\r\n' }));
  assert.equal(result.verdict, 'fail');
  const failure = result.failures[0]!;
  assert.equal(failure.expected, '250 *');
  assert.equal(failure.received, '550 no');
  assert.deepEqual(failure.location, { file: 'smtp/rfc5321/happy.smtp', line: 12 });
  assert.match(result.reason ?? '', /^RFC 5321 §4\.2 MUST: expected 250 \*, got 550 no/);
});

test('two replies to one command: the extra one is reported as unsolicited', async () => {
  const result = await runAgainst(smtpLike({ NOOP: '250 ok\r\n250 again\r\n' }));
  assert.equal(result.verdict, 'fail');
  assert.match(result.failures[0]!.message, /server sent a line nobody asked for.*250 again/);
});

test('a reply that never comes is a timeout failure, not a hang', async () => {
  const result = await runAgainst(smtpLike({ NOOP: () => undefined }), 500);
  assert.equal(result.verdict, 'fail');
  assert.equal(result.failures[0]!.rule, 'ERR_TRANSPORT_TIMEOUT');
  assert.equal(result.failures[0]!.received, 'nothing (timeout)');
});

test('a server that closes mid-conversation fails the case with what was left unsent', async () => {
  const result = await runAgainst(smtpLike({ NOOP: (socket) => socket.end('250 Ok') }));
  assert.equal(result.verdict, 'fail');
  assert.match(result.failures.at(-1)!.message, /closed the connection.*unterminated bytes: 250 Ok/);
});

test('garbage instead of a reply is located as grammar violations', async () => {
  const result = await runAgainst(smtpLike({ NOOP: 'HTTP/1.1 400 Bad Request\r\n' }));
  assert.equal(result.verdict, 'fail');
  assert.ok(result.failures.some((f) => f.rule === 'Reply-code.digits'), JSON.stringify(result.failures.map((f) => f.rule)));
});
