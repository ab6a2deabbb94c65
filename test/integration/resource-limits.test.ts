import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type net from 'node:net';
import { FUZZ_PROTOCOLS } from '../../src/fuzz/fuzz-protocol.js';
import { FuzzSession } from '../../src/fuzz/robustness/fuzz-session.js';
import { WireLog } from '../../src/transport/wire-log.js';
import { ImapClient } from '../../src/protocol/imap/client.js';
import { Pop3Client } from '../../src/protocol/pop3/client.js';
import { SmtpClient } from '../../src/protocol/smtp/client.js';
import { imapAdapter } from '../../src/script/adapters/imap-adapter.js';
import { loadSuites } from '../../src/script/discover.js';
import { execCase } from '../../src/script/exec-case.js';
import { Connection, DEFAULT_TRANSPORT_LIMITS } from '../../src/transport/connection.js';
import { isTransportError, type TransportErrorCode } from '../../src/transport/errors.js';
import { smtpLike, startFaultServer, type FaultServer, type FaultServerScript } from '../helpers/fault-server.js';
import { drip, flood, rssMiB } from '../helpers/hostile-behaviours.js';
import { runCli } from '../helpers/run-cli.js';
import { runSingleCase } from '../helpers/run-suite.js';
import { writeTempSuites } from '../helpers/temp-suites.js';

// Each hostile fixture server attacks one resource; the tool must stop at its own limit, say which
// limit it was, and stay small and quick doing it.

const servers: FaultServer[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

async function serve(script: FaultServerScript): Promise<number> {
  const server = await startFaultServer(script);
  servers.push(server);
  return server.port;
}

/** Awaits `promise`, which must reject with a TransportError of `code` whose message matches. */
async function rejectsWith(promise: Promise<unknown>, code: TransportErrorCode, message: RegExp): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(isTransportError(err), `expected a TransportError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    assert.match(err.message, message);
    return true;
  });
}

const IMAP_GREETING = '* OK [CAPABILITY IMAP4rev1] hostile\r\n';
/** Answers every tagged command with `answer(tag, socket)`. */
function imapServer(answer: (tag: string, socket: net.Socket) => void): FaultServerScript {
  return { onConnect: (s) => s.write(IMAP_GREETING), onLine: (line, s) => answer(line.split(' ')[0] ?? '*', s) };
}

test('a line that never ends stops at the max line length, without buffering the rest', async () => {
  const port = await serve({ onConnect: (s) => flood(s, 'x') });
  const conn = await Connection.open({ host: '127.0.0.1', port, maxLineLength: 4096 });
  try {
    await rejectsWith(conn.readLine(), 'ERR_TRANSPORT_LINE_TOO_LONG', /more than 4096 bytes \(the tool's max line length\)/);
    assert.ok(conn.bufferedBytes < 2 * 1024 * 1024, `buffered ${conn.bufferedBytes} bytes`);
  } finally {
    conn.close();
  }
});

test('a server that floods while nobody reads is held back by flow control, not buffered', async () => {
  const port = await serve({ onConnect: (s) => flood(s, '* OK flood\r\n') });
  const conn = await Connection.open({ host: '127.0.0.1', port });
  try {
    // The server never closes: the wait is bounded by its timeout, and memory by the high-water mark.
    assert.equal(await conn.waitForClose(1500), 'timeout');
    assert.ok(conn.bufferedBytes <= 1024 * 1024 + 256 * 1024, `buffered ${conn.bufferedBytes} bytes`);
    assert.ok((await conn.readLine()).bytes.toString() === '* OK flood', 'reading resumes after the pause');
  } finally {
    conn.close();
  }
});

test('a huge announced literal is refused before a byte of it is read', async () => {
  const port = await serve(imapServer((_tag, s) => s.write('* 1 FETCH (BODY[] {100000000}\r\n') && flood(s, 'y')));
  const client = await ImapClient.connect({ host: '127.0.0.1', port, maxResponseBytes: 8 * 1024 * 1024 });
  try {
    await client.greeting();
    const started = Date.now();
    await rejectsWith(client.command('FETCH 1 BODY[]'), 'ERR_TRANSPORT_RESPONSE_TOO_LARGE', /announced 100000000 more bytes .* over 8388608 bytes \(the tool's max response size\)/);
    assert.ok(Date.now() - started < 2000, 'refused at once, not after reading');
  } finally {
    client.close();
  }
});

test('an untagged flood to one command stops at the max response size, memory bounded', async () => {
  const port = await serve(imapServer((_tag, s) => flood(s, `* OK [ALERT] ${'flood '.repeat(20)}\r\n`)));
  const client = await ImapClient.connect({ host: '127.0.0.1', port, maxResponseBytes: 4 * 1024 * 1024, stepTimeoutMs: 20_000 });
  const before = rssMiB();
  try {
    await client.greeting();
    await rejectsWith(client.command('NOOP'), 'ERR_TRANSPORT_RESPONSE_TOO_LARGE', /sent \d+ bytes in answer to one command, over 4194304 bytes/);
    assert.ok(rssMiB() - before < 200, `RSS grew by ${Math.round(rssMiB() - before)} MiB`);
  } finally {
    client.close();
  }
});

test('an untagged flood of tiny lines stops at the max response lines', async () => {
  const port = await serve(imapServer((_tag, s) => flood(s, '* 1 EXISTS\r\n')));
  const client = await ImapClient.connect({ host: '127.0.0.1', port, maxResponseLines: 20_000, stepTimeoutMs: 20_000 });
  try {
    await client.greeting();
    await rejectsWith(client.command('NOOP'), 'ERR_TRANSPORT_RESPONSE_TOO_LARGE', /more than 20000 lines in answer to one command \(the tool's max response lines\)/);
  } finally {
    client.close();
  }
});

test('an endless POP3 multi-line body stops at the max response size', async () => {
  const port = await serve({
    onConnect: (s) => s.write('+OK hostile\r\n'),
    onLine: (_line, s) => {
      s.write('+OK here it comes\r\n');
      flood(s, 'line of a message that never ends\r\n');
    },
  });
  const client = await Pop3Client.connect({ host: '127.0.0.1', port, maxResponseBytes: 2 * 1024 * 1024, stepTimeoutMs: 20_000 });
  try {
    await client.greeting();
    await rejectsWith(client.retr(1), 'ERR_TRANSPORT_RESPONSE_TOO_LARGE', /over 2097152 bytes/);
  } finally {
    client.close();
  }
});

test('a slow drip of complete lines is cut by the step timeout, naming it', async () => {
  // Each line comes well within the read timeout; only the whole reply never does.
  const port = await serve({ onConnect: (s) => drip(s, '220-a\r\n'.repeat(200), 5) });
  const client = await SmtpClient.connect({ host: '127.0.0.1', port, readTimeoutMs: 5000, stepTimeoutMs: 800 });
  const started = Date.now();
  try {
    await rejectsWith(client.greeting(), 'ERR_TRANSPORT_STEP_TIMEOUT', /did not finish answering within 800 ms \(the tool's step timeout\)/);
    assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms`);
  } finally {
    client.close();
  }
});

test('a line dripped slower than the read timeout says bytes came, just too slowly', async () => {
  const port = await serve({ onConnect: (s) => drip(s, '220 a greeting that takes forever\r\n', 100) });
  const client = await SmtpClient.connect({ host: '127.0.0.1', port, readTimeoutMs: 700 });
  try {
    await rejectsWith(client.greeting(), 'ERR_TRANSPORT_TIMEOUT', /sent only \d+ bytes in 700 ms without completing a line/);
  } finally {
    client.close();
  }
});

test('fuzz: an answer that floods and never completes is a hang naming the limit, not a crash', async () => {
  const port = await serve(imapServer((_tag, s) => flood(s, '* 1 EXISTS\r\n')));
  const session = await FuzzSession.open(FUZZ_PROTOCOLS.imap, { endpoint: { host: '127.0.0.1', port }, log: new WireLog(), connectTimeoutMs: 2000, answerTimeoutMs: 20_000 });
  try {
    assert.deepEqual(await session.awaitAnswers(), { kind: 'answered' }, 'the greeting');
    assert.equal((await session.send(Buffer.from('f1 NOOP\r\n'), [])).kind, 'sent');
    const outcome = await session.awaitAnswers();
    assert.equal(outcome.kind, 'hang');
    assert.match(outcome.kind === 'hang' ? (outcome.limit ?? '') : '', /more than 10000 lines in answer to one command/);
  } finally {
    session.close();
  }
});

const QUIT_CASE = 'S: 220 *\nC: QUIT\nS: 221 *\n';
const EHLO_CASE = 'S: 220 *\nC: EHLO ${client}\nS*: 250-*\nS: 250 *\n';
let suitesRoot: string;
before(async () => {
  suitesRoot = await writeTempSuites({
    'smtp/rfc5321/quit.smtp': `${QUIT_CASE}@expect-close\n`,
    'smtp/rfc5321/ehlo.smtp': EHLO_CASE,
    'smtp/rfc5321/noop.smtp': 'S: 220 *\nC: NOOP\nS*: 250-*\nS: 250 *\n',
    'imap/rfc3501/noop.imap': 'S: * OK *\nC: a NOOP\nS: a OK *\n',
  });
});

test('engine: a server that never closes after QUIT fails the case within the read timeout', async () => {
  const port = await serve({ onConnect: (s) => s.write('220 hostile\r\n'), onLine: (_l, s) => s.write('221 bye, but I stay\r\n') });
  const started = Date.now();
  const result = await runSingleCase('smtp', suitesRoot, port, { only: ['quit'], readTimeoutMs: 800 });
  assert.equal(result.verdict, 'fail');
  assert.match(result.reason ?? '', /close the connection within 800 ms; it stayed open/);
  assert.ok(Date.now() - started < 5000);
});

test('engine: a parser limit (an SMTP reply of over 1000 lines) is an error naming it, not a failure of the server', async () => {
  const port = await serve({ onConnect: (s) => s.write('220 hostile\r\n'), onLine: (_l, s) => flood(s, '250-flood\r\n') });
  const result = await runSingleCase('smtp', suitesRoot, port, { only: ['ehlo'] });
  assert.equal(result.verdict, 'error', result.reason);
  assert.match(result.reason ?? '', /tool limit reached \(limit\.max-reply-lines\): reply still open after 1000 lines/);
});

test('engine: an endless untagged flood is an error naming --max-response, with the transcript capped', async () => {
  const port = await serve({
    onConnect: (s) => s.write(IMAP_GREETING),
    onLine: (line, s) => {
      const [tag, verb] = line.split(' ');
      if (verb?.toUpperCase() === 'NOOP') flood(s, `* OK ${'flood '.repeat(20)}\r\n`);
      else s.write(`* CAPABILITY IMAP4rev1\r\n${tag} OK done\r\n`);
    },
  });
  // The case straight through the engine: the IMAP runner would want an account to make a mailbox in.
  const { cases } = await loadSuites(suitesRoot, imapAdapter);
  const noop = cases.find((c) => c.header.id.endsWith('.noop'));
  assert.ok(noop);
  const result = await execCase(noop, imapAdapter, {
    ...DEFAULT_TRANSPORT_LIMITS,
    maxResponseBytes: 2 * 1024 * 1024,
    host: '127.0.0.1',
    port,
    fixturesDir: suitesRoot,
    bindings: new Map(),
    secretNames: new Set(),
  });
  assert.equal(result.verdict, 'error', result.reason);
  assert.match(result.reason ?? '', /over 2097152 bytes \(the tool's max response size\); raise --max-response if the server is right/);
  assert.ok(result.transcript.some((l) => l.dir === '*' && /wire log limit reached/.test(l.text)), 'the transcript says it was cut');
});

test('CLI: a dripping server ends the run in bounded time, the case naming the step timeout', async () => {
  // Greeting, EHLO and QUIT are normal (the pre-flight check and the probe pass); NOOP's reply drips.
  const port = await serve(
    smtpLike({ NOOP: (s) => drip(s, '250-slow\r\n'.repeat(500), 5), EHLO: '250 hostile.example.test\r\n' }),
  );
  const started = Date.now();
  const result = await runCli(['run', 'smtp', '--host', '127.0.0.1', '--port', String(port), '--suites', suitesRoot, '--only', 'noop', '--step-timeout', '1000'], 30_000);
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stdout, /not ok 1 - smtp\.rfc5321\.noop/);
  assert.match(result.stdout, /did not finish\s+answering within\s+1000 ms \(the tool's step timeout\)/);
  assert.match(result.stdout, /received: an answer still unfinished at the step timeout/);
  assert.ok(Date.now() - started < 15_000, `took ${Date.now() - started} ms`);
});

test('CLI: a bad limit value is a usage error', async () => {
  const result = await runCli(['run', 'smtp', '--host', '127.0.0.1', '--max-response', '0']);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /^mailconform: --max-response must be a positive number \(got 0\)/);
});
