import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { findingCase, type FindingCase } from '../../../src/fuzz/findings/finding-case.js';
import type { Finding } from '../../../src/fuzz/findings/finding.js';
import type { ProtocolAdapter } from '../../../src/script/adapter.js';
import { imapAdapter } from '../../../src/script/adapters/imap-adapter.js';
import { pop3Adapter } from '../../../src/script/adapters/pop3-adapter.js';
import { smtpAdapter } from '../../../src/script/adapters/smtp-adapter.js';
import { loadSuites } from '../../../src/script/discover.js';
import { parseSuite } from '../../../src/script/parse-suite.js';
import { secretRedactor } from '../../../src/script/redact.js';
import type { ScriptCase } from '../../../src/script/script-case.js';
import { decodeEscapes, renderTemplate } from '../../../src/script/template.js';
import { renderTranscript } from '../../../src/script/transcript.js';
import { WireLog } from '../../../src/transport/wire-log.js';

// Findings written as suite cases: they parse and lint, name the finding's rule, send exactly the
// minimal run's client bytes (credentials as variables), and expect what a conforming server says.

const PASSWORD = 's3cret-Pw';
const NAMESPACE = 'mailconform-fuzz-solo';

type Wire = readonly ['C' | 'S', string | Buffer] | readonly ['*', string];

/** A transcript as the fuzzer makes one: the bytes through a wire log, rendered, the password redacted. */
function transcript(sessions: Readonly<Record<string, readonly Wire[]>>): Finding['transcript'] {
  const logs = Object.entries(sessions).map(([name, wire]) => {
    const log = new WireLog();
    for (const [dir, data] of wire) {
      if (dir === '*') log.note(data);
      else log.record(dir === 'C' ? 'out' : 'in', typeof data === 'string' ? Buffer.from(`${data}\r\n`, 'latin1') : data);
    }
    return { name, log };
  });
  const redact = secretRedactor([PASSWORD])!;
  return renderTranscript(logs).map((line) => ({ ...line, text: redact(line.text) }));
}

/** The client bytes of one session's wire, as sent. */
function sentBytes(wire: readonly Wire[]): Buffer {
  return Buffer.concat(wire.filter(([dir]) => dir === 'C').map(([, data]) => (typeof data === 'string' ? Buffer.from(`${data}\r\n`, 'latin1') : data)));
}

function finding(fields: Partial<Finding> & Pick<Finding, 'id' | 'property' | 'protocol' | 'kind' | 'message' | 'transcript'>): Finding {
  return {
    format: 'mailconform-finding/1',
    tool: { name: 'mailconform', version: '0.0.0-test' },
    createdAt: '2024-01-01T00:00:00.000Z',
    target: '127.0.0.1:2525',
    level: 'MUST',
    replay: {
      seed: 1234,
      path: '7:0:1',
      settings: {
        protocol: fields.protocol,
        host: '127.0.0.1',
        port: 2525,
        user: 'alice',
        vars: { client: 'client.mailconform.test', rcpt: 'bob@lab.test' },
        answerTimeoutMs: 2500,
        connectTimeoutMs: 1000,
        allowDestructive: false,
        namespace: NAMESPACE,
        maxCommands: 20,
      },
    },
    input: null,
    shrinks: 4,
    ...fields,
  };
}

/** Parses the exported case as `mailconform run` would, failing the test with the errors if it does not. */
function parse<P>(exported: FindingCase, adapter: ProtocolAdapter<P>): ScriptCase<P> {
  const parsed = parseSuite(exported.text, exported.fileName, adapter);
  assert.ok(parsed.ok, `${exported.text}\n${parsed.ok ? '' : parsed.errors.map((e) => `${e.line}: ${e.message}`).join('\n')}`);
  return parsed.case;
}

/** The bytes the engine sends for the case's client lines (exec-case: template rendered, then C!: escapes decoded or CRLF added). */
function decodeSends<P>(scriptCase: ScriptCase<P>, bindings: ReadonlyMap<string, string>): Buffer[] {
  return scriptCase.steps.flatMap((step) => {
    if (step.kind !== 'send') return [];
    const rendered = renderTemplate(step.template, bindings);
    assert.ok('text' in rendered, `line ${step.loc.line}: ${JSON.stringify(rendered)}`);
    if (!step.raw) return [Buffer.from(`${rendered.text}\r\n`, 'utf8')];
    const bytes = decodeEscapes(rendered.text);
    assert.ok(!('error' in bytes), `line ${step.loc.line}: ${'error' in bytes ? bytes.error : ''}`);
    return [bytes];
  });
}

const BINDINGS = new Map([
  ['client', 'client.mailconform.test'],
  ['rcpt', 'bob@lab.test'],
  ['user', 'alice'],
  ['password', PASSWORD],
  ['mailbox', NAMESPACE],
]);

function body(exported: FindingCase): string[] {
  return exported.text.split('\n\n').slice(1).join('\n\n').trimEnd().split('\n');
}

/** `mailconform lint` on a suites root holding just this case. */
async function lint<P>(exported: FindingCase, adapter: ProtocolAdapter<P>): Promise<void> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'mailconform-finding-case-'));
  await mkdir(path.join(root, path.dirname(exported.fileName)), { recursive: true });
  await writeFile(path.join(root, exported.fileName), exported.text);
  try {
    const loaded = await loadSuites(root, adapter);
    assert.deepEqual(loaded.errors, []);
    assert.equal(loaded.cases.length, 1);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

test('SMTP hang: the owed reply must come within the fuzzer\'s timeout; earlier replies keep their codes', async () => {
  const wire: Wire[] = [
    ['*', 'connected to 127.0.0.1:2525'],
    ['S', '220 mx.lab.test ESMTP'],
    ['C', 'EHLO client.mailconform.test'],
    ['S', '250-mx.lab.test'],
    ['S', '250-PIPELINING'],
    ['S', '250 8BITMIME'],
    ['C', 'HELP'],
    ['*', 'no data from server within 2500 ms'],
  ];
  const exported = findingCase(
    finding({ id: 'smtp-robustness-hang-0123456789', property: 'smtp.robustness', protocol: 'smtp', kind: 'hang', message: 'step 1 (HELP): no answer within 2500 ms', ref: { rfc: 5321, section: '4.2' }, rule: 'reply.timely', transcript: transcript({ 1: wire }) }),
  );
  assert.equal(exported.fileName, 'smtp/rfc5321-fuzz/smtp-robustness-hang-0123456789.smtp');
  const scriptCase = parse(exported, smtpAdapter);
  assert.equal(scriptCase.header.id, 'smtp.rfc5321-fuzz.smtp-robustness-hang-0123456789');
  assert.equal(scriptCase.header.summary, 'step 1 (HELP): no answer within 2500 ms');
  assert.deepEqual(scriptCase.header.ref, { rfc: 5321, section: '4.2' });
  assert.equal(scriptCase.header.level, 'MUST');
  assert.equal(scriptCase.header.timeoutMs, 2500);
  assert.match(scriptCase.header.note ?? '', /mailconform fuzz smtp, property smtp\.robustness, .*\(batch seed 1234, counterexample path 7:0:1\)/);
  assert.deepEqual(body(exported).filter((l) => !l.startsWith('#')), [
    'S: 220 *',
    'C: EHLO ${client}',
    'S*: 250-*',
    'S: 250 *',
    'C: HELP',
    'S*: 2xx|3xx|4xx|5xx-*',
    'S: 2xx|3xx|4xx|5xx *',
  ]);
  assert.deepEqual(Buffer.concat(decodeSends(scriptCase, BINDINGS)), sentBytes(wire));
  await lint(exported, smtpAdapter);
});

test('POP3 model: the case demands the status the rule requires (-ERR for RETR of a deleted message), never the password', async () => {
  const wire: Wire[] = [
    ['S', '+OK POP3 ready <1.2@lab.test>'],
    ['C', 'USER alice'],
    ['S', '+OK'],
    ['C', `PASS ${PASSWORD}`],
    ['S', '+OK logged in'],
    ['C', 'LIST'],
    ['S', '+OK 2 messages'],
    ['S', '1 120'],
    ['S', '2 200'],
    ['S', '.'],
    ['C', 'DELE 1'],
    ['S', '+OK marked'],
    ['C', 'RETR 1'],
    ['S', '+OK 120 octets'],
    ['S', 'Subject: x'],
    ['S', ''],
    ['S', 'body'],
    ['S', '.'],
  ];
  const exported = findingCase(
    finding({
      id: 'pop3-maildrop-model-model-aaaaaaaaaa',
      property: 'pop3.maildrop-model',
      protocol: 'pop3',
      kind: 'model',
      message: '+OK to RETR 1, which is marked as deleted',
      ref: { rfc: 1939, section: '5' },
      rule: 'model.deleted-message',
      expected: '-ERR',
      received: '+OK',
      transcript: transcript({ 1: wire }),
    }),
  );
  assert.ok(!exported.text.includes(PASSWORD), exported.text);
  const scriptCase = parse(exported, pop3Adapter);
  assert.equal(scriptCase.header.id, 'pop3.rfc1939-fuzz.pop3-maildrop-model-model-aaaaaaaaaa');
  assert.match(scriptCase.header.note ?? '', /Rule model\.deleted-message: expected -ERR, received \+OK/);
  assert.match(scriptCase.header.note ?? '', /message numbers here refer to that maildrop/);
  assert.deepEqual(body(exported).filter((l) => !l.startsWith('#')), [
    'S: +OK *',
    'C: USER ${user}',
    'S: +OK *',
    'C: PASS ${password}',
    'S: +OK *',
    'C: LIST',
    'S: +OK *',
    'S*: *',
    'S: .',
    'C: DELE 1',
    'S: +OK *',
    'C: RETR 1',
    'S: -ERR *',
  ]);
  assert.deepEqual(Buffer.concat(decodeSends(scriptCase, BINDINGS)), sentBytes(wire));
  await lint(exported, pop3Adapter);
});

test('IMAP malformed answer: literals on both sides stay whole, the namespace becomes ${mailbox} outside literal data, any well-formed completion passes', async () => {
  const appended = `${NAMESPACE} hi`;
  const wire: Wire[] = [
    ['S', '* OK [CAPABILITY IMAP4rev1] ready'],
    ['C', `p1 LOGIN "alice" "${PASSWORD}"`],
    ['S', 'p1 OK logged in'],
    ['C', `a2 APPEND ${NAMESPACE} {${appended.length}}`],
    ['S', '+ go ahead'],
    ['C', appended],
    ['S', 'a2 OK [APPENDUID 1 1] done'],
    ['C', `a3 SELECT ${NAMESPACE}`],
    ['S', '* FLAGS (\\Seen \\Deleted)'],
    ['S', '* 1 EXISTS'],
    ['S', '* 0 RECENT'],
    ['S', 'a3 OK [READ-WRITE] selected'],
    ['C', 'a4 FETCH 1 BODY[]'],
    ['S', Buffer.from(`* 1 FETCH (BODY[] {${appended.length}}\r\n${appended})\r\n`, 'latin1')],
    ['S', 'a4 OK fetched'],
    ['C', 'a5 NOOP'],
    ['S', 'a5 OKAY done'],
  ];
  const exported = findingCase(
    finding({ id: 'imap-robustness-malformed-bbbbbbbbbb', property: 'imap.robustness', protocol: 'imap', kind: 'malformed', message: 'step 4 (NOOP): bad status', ref: { rfc: 3501, section: '7.1' }, rule: 'resp-cond-state', transcript: transcript({ 1: wire }) }),
  );
  assert.ok(!exported.text.includes(PASSWORD), exported.text);
  const scriptCase = parse(exported, imapAdapter);
  assert.equal(scriptCase.header.id, 'imap.rfc3501-fuzz.imap-robustness-malformed-bbbbbbbbbb');
  const lines = body(exported);
  assert.deepEqual(lines.filter((l) => !l.startsWith('#')), [
    'S: * OK *',
    'C: p1 LOGIN "${user}" ${quoted:password}',
    'S: p1 OK *',
    'C: a2 APPEND ${mailbox} {24}',
    'S: + *',
    `C: ${appended}`,
    'S: a2 OK *',
    'C: a3 SELECT ${mailbox}',
    'S*: * *',
    'S: a3 OK *',
    'C: a4 FETCH 1 BODY[]',
    'S*: * *',
    'S: a4 OK *',
    'C: a5 NOOP',
    'S*: * *',
    'S: a5 OK|NO|BAD *',
  ]);
  assert.match(lines.at(-3)!, /^# The fuzzed server failed here \(malformed\)/);
  assert.deepEqual(Buffer.concat(decodeSends(scriptCase, BINDINGS)), sentBytes(wire));
  await lint(exported, imapAdapter);
});

test('control bytes, 8-bit, "$", bare CR and LF, an unterminated tail and long runs round-trip exactly through C!: lines', async () => {
  const wire: Wire[] = [
    ['S', '220 mx ESMTP'],
    ['C', Buffer.from('MAIL FROM:<a\xe9$b@x>\t\\ ${rcpt}\r\n', 'latin1')],
    ['S', '501 bad address'],
    ['C', Buffer.from(`NOOP\rX\n${'A'.repeat(100)}:::}}}$$$\x00\x00\r\n`, 'latin1')],
    ['S', '500 unrecognized'],
    ['C', Buffer.from('NOOP \r\n', 'latin1')],
    ['S', '250 ok'],
    ['C', Buffer.from('QUI', 'latin1')],
    ['*', 'closed by server'],
  ];
  const exported = findingCase(
    finding({ id: 'smtp-robustness-reset-cccccccccc', property: 'smtp.robustness', protocol: 'smtp', kind: 'reset', message: 'the server closed the connection without a goodbye', ref: { rfc: 5321, section: '3.8' }, level: 'SHOULD', transcript: transcript({ 1: wire }) }),
  );
  const scriptCase = parse(exported, smtpAdapter);
  assert.equal(scriptCase.header.level, 'SHOULD');
  const sends = decodeSends(scriptCase, BINDINGS);
  // Everything the fuzzer sent, then the case's own question: is the server still there?
  assert.deepEqual(Buffer.concat(sends.slice(0, -1)), sentBytes(wire));
  assert.deepEqual(sends.at(-1), Buffer.from('NOOP\r\n'));
  const lines = body(exported);
  assert.ok(lines.includes('C!: MAIL FROM:<a\\xe9\\x24b@x>\\t\\\\ \\x24{rcpt}\\r\\n'), lines.join('\n'));
  assert.ok(lines.includes('C!: NOOP\\rX\\n'), 'a bare LF ends the transcript line, and is sent as it was');
  assert.ok(lines.includes('C!: ${repeat:A:100}:::}}}\\x24\\x24\\x24\\x00\\x00\\r\\n'), lines.join('\n'));
  assert.ok(lines.includes('C!: NOOP \\r\\n'), 'a trailing space is written out, where no editor strips it');
  assert.ok(lines.includes('C!: QUI'), 'an unterminated tail is sent without a line end');
  assert.deepEqual(lines.slice(-3), ['C: NOOP', 'S*: 2xx|3xx|4xx|5xx-*', 'S: 2xx|3xx|4xx|5xx *']);
  await lint(exported, smtpAdapter);
});

test('IMAP model with LOGIN: credentials as ${user} and ${password}, and the EXISTS the rule demands', async () => {
  const wire: Wire[] = [
    ['S', '* OK ready'],
    ['C', `a1 LOGIN "alice" "${PASSWORD}"`],
    ['S', 'a1 OK done'],
    ['C', `a2 CREATE "${NAMESPACE}-model-1"`],
    ['S', 'a2 NO [ALREADYEXISTS] exists'],
    ['C', `a3 SELECT "${NAMESPACE}-model-1"`],
    ['S', '* 1 EXISTS'],
    ['S', 'a3 OK [READ-WRITE] done'],
    ['C', `a4 APPEND "${NAMESPACE}-model-1" {5+}`],
    ['C', 'hello'],
    ['S', 'a4 OK done'],
    ['C', 'a5 NOOP'],
    ['S', 'a5 OK done'],
  ];
  const exported = findingCase(
    finding({
      id: 'imap-mailbox-model-model-dddddddddd',
      property: 'imap.mailbox-model',
      protocol: 'imap',
      kind: 'model',
      message: 'no "* 2 EXISTS" after APPEND and a NOOP, though the mailbox grew to 2',
      ref: { rfc: 3501, section: '7.3.1' },
      rule: 'APPEND.exists',
      expected: '* 2 EXISTS',
      received: 'no EXISTS',
      transcript: transcript({ 1: wire }),
    }),
  );
  assert.ok(!exported.text.includes(PASSWORD), exported.text);
  const scriptCase = parse(exported, imapAdapter);
  const lines = body(exported).filter((l) => !l.startsWith('#'));
  assert.equal(lines[1], 'C: a1 LOGIN "${user}" ${quoted:password}');
  assert.equal(lines[4], 'S: a2 OK|NO *', 'CREATE may find the name taken or free: the case runs in a fresh mailbox');
  assert.deepEqual(lines.slice(-4), ['C: a5 NOOP', 'S: * 2 EXISTS', 'S*: * *', 'S: a5 OK|NO|BAD *']);
  assert.deepEqual(Buffer.concat(decodeSends(scriptCase, BINDINGS)), sentBytes(wire));
  await lint(exported, imapAdapter);
});

test('a model expectation no pattern can state: any well-formed answer, and a note that says the case cannot tell', () => {
  const exported = findingCase(
    finding({
      id: 'smtp-envelope-model-model-eeeeeeeeee',
      property: 'smtp.envelope-model',
      protocol: 'smtp',
      kind: 'model',
      message: 'VRFY before EHLO answered 503',
      ref: { rfc: 5321, section: '4.1.4' },
      level: 'SHOULD',
      rule: 'commands-before-EHLO',
      expected: 'a VRFY reply (250, 251, 252, 550, ...), not 503',
      received: '503',
      transcript: transcript({ 1: [['S', '220 mx'], ['C', 'VRFY bob'], ['S', '503 say hello first']] }),
    }),
  );
  const scriptCase = parse(exported, smtpAdapter);
  assert.match(scriptCase.header.note ?? '', /is no pattern/);
  assert.deepEqual(body(exported).filter((l) => !l.startsWith('#')).slice(-2), ['S*: 2xx|3xx|4xx|5xx-*', 'S: 2xx|3xx|4xx|5xx *']);
});

test('an SMTP model code list: the demanded codes, and 421 which may answer any command', () => {
  const exported = findingCase(
    finding({
      id: 'smtp-envelope-model-model-ffffffffff',
      property: 'smtp.envelope-model',
      protocol: 'smtp',
      kind: 'model',
      message: 'RCPT with no MAIL accepted in this transaction answered 250',
      ref: { rfc: 5321, section: '3.3' },
      rule: 'RCPT.before-MAIL',
      expected: '503',
      received: '250',
      transcript: transcript({ 1: [['S', '220 mx'], ['C', 'EHLO client.mailconform.test'], ['S', '250 mx'], ['C', 'RCPT TO:<bob@lab.test>'], ['S', '250 2.1.5 Ok']] }),
    }),
  );
  parse(exported, smtpAdapter);
  assert.deepEqual(body(exported).slice(-4), ['C: RCPT TO:<${rcpt}>', '# The fuzzed server failed here (model): the answer the rule demands.', 'S*: 503|421-*', 'S: 503|421 *']);
});

test('a dead server: the fuzzed session replayed, then a fresh session must be greeted and answer NOOP', async () => {
  const exported = findingCase(
    finding({
      id: 'pop3-robustness-dead-gggggggggg',
      property: 'pop3.robustness',
      protocol: 'pop3',
      kind: 'dead',
      message: 'after this input the server no longer answers a new connection: connection refused',
      ref: { rfc: 1939, section: '3' },
      transcript: transcript({
        1: [['S', '+OK ready'], ['C', 'QUIT'], ['S', '+OK bye'], ['*', 'closed by server']],
        live: [['*', 'connect to 127.0.0.1:2110 failed: ECONNREFUSED']],
      }),
    }),
  );
  parse(exported, pop3Adapter);
  assert.deepEqual(body(exported).filter((l) => !l.startsWith('#')), [
    '@session 1',
    'S: +OK *',
    'C: QUIT',
    'S: +OK *',
    '@expect-close',
    '@session live',
    'S: +OK|-ERR *',
    'S*: *',
    'S?: .',
    'C: NOOP',
    'S: +OK|-ERR *',
    'S*: *',
    'S?: .',
  ]);
  await lint(exported, pop3Adapter);
});

test('an over-long client line the transcript shortened is completed from the robustness input', () => {
  const long = Buffer.from(`NOOP ${'x'.repeat(5000)}\r\n`, 'latin1');
  const wire: Wire[] = [['S', '220 mx'], ['C', 'EHLO client.mailconform.test'], ['S', '250 mx'], ['C', long]];
  const fields = { id: 'smtp-robustness-hang-hhhhhhhhhh', property: 'smtp.robustness', protocol: 'smtp' as const, kind: 'hang' as const, message: 'no answer', ref: { rfc: 5321, section: '4.2' }, transcript: transcript({ 1: wire }) };
  assert.ok(fields.transcript.some((l) => l.text.includes('more bytes')), 'the transcript shortens the line');

  const input = { start: 'greeted', steps: [{ label: 'NOOP (over-long token)', base64: long.toString('base64'), cuts: [3], abandoned: false }] };
  const recovered = findingCase(finding({ ...fields, input }));
  const scriptCase = parse(recovered, smtpAdapter);
  assert.deepEqual(Buffer.concat(decodeSends(scriptCase, BINDINGS)), sentBytes(wire));
  assert.ok(body(recovered).includes('C: NOOP ${repeat:x:5000}'));
  assert.match(scriptCase.header.note ?? '', /split some writes/);

  const unrecoverable = findingCase(finding(fields));
  const partial = parse(unrecoverable, smtpAdapter);
  assert.match(partial.header.note ?? '', /stops before it and does not reproduce the fault/);
  assert.ok(!body(unrecoverable).some((l) => l.startsWith('C: NOOP')));
});

test('a finding without a ref takes its property\'s', () => {
  const exported = findingCase(
    finding({ id: 'pop3-robustness-hang-iiiiiiiiii', property: 'pop3.robustness', protocol: 'pop3', kind: 'hang', message: 'no answer', transcript: transcript({ 1: [['S', '+OK ready'], ['C', 'CAPA']] }) }),
  );
  assert.equal(parse(exported, pop3Adapter).header.ref.rfc, 1939);
  assert.equal(exported.fileName, 'pop3/rfc1939-fuzz/pop3-robustness-hang-iiiiiiiiii.pop3');
});

test('IMAP pipelined commands that hang: a completion must come, whichever command it completes', async () => {
  const wire: Wire[] = [['S', '* OK ready'], ['C', Buffer.from('f1 CHECK\r\nf2 NOOP\r\n', 'latin1')]];
  const exported = findingCase(
    finding({ id: 'imap-robustness-hang-jjjjjjjjjj', property: 'imap.robustness', protocol: 'imap', kind: 'hang', message: 'step 1 (pipelined: CHECK; NOOP): no answer', ref: { rfc: 3501, section: '2.2.2' }, transcript: transcript({ 1: wire }) }),
  );
  parse(exported, imapAdapter);
  assert.deepEqual(body(exported).filter((l) => !l.startsWith('#')).slice(-3), ['C: f2 NOOP', 'S*: * *', 'S: ${tag.1.1} OK|NO|BAD *']);
  await lint(exported, imapAdapter);
});

test('an IMAP model FLAGS expectation: a FETCH with at least those flags', () => {
  const exported = findingCase(
    finding({
      id: 'imap-mailbox-model-model-kkkkkkkkkk',
      property: 'imap.mailbox-model',
      protocol: 'imap',
      kind: 'model',
      message: 'message 1: FLAGS () of UID 1, the model holds (\\Flagged)',
      ref: { rfc: 3501, section: '6.3.11' },
      expected: 'FLAGS (\\Flagged)',
      received: 'FLAGS ()',
      transcript: transcript({ 1: [['S', '* OK ready'], ['C', 'a8 FETCH 1 (UID FLAGS)'], ['S', '* 1 FETCH (UID 1 FLAGS ())'], ['S', 'a8 OK done']] }),
    }),
  );
  parse(exported, imapAdapter);
  assert.deepEqual(body(exported).slice(-3), ['S: * * FETCH (FLAGS (\\Flagged *) *)', 'S*: * *', 'S: a8 OK|NO|BAD *']);
});

test('a hang after some answers came: the case keeps them and waits for the rest (a POP3 body, a pipelined SMTP reply)', () => {
  const pop3 = findingCase(
    finding({
      id: 'pop3-robustness-hang-llllllllll',
      property: 'pop3.robustness',
      protocol: 'pop3',
      kind: 'hang',
      message: 'step 1 (UIDL): no answer',
      ref: { rfc: 1939, section: '3' },
      transcript: transcript({ 1: [['S', '+OK ready'], ['C', 'CAPA'], ['S', '+OK capabilities'], ['S', 'TOP']] }),
    }),
  );
  parse(pop3, pop3Adapter);
  assert.deepEqual(body(pop3).filter((l) => !l.startsWith('#')).slice(-4), ['C: CAPA', 'S: +OK *', 'S*: *', 'S: .']);

  const smtp = findingCase(
    finding({
      id: 'smtp-robustness-hang-mmmmmmmmmm',
      property: 'smtp.robustness',
      protocol: 'smtp',
      kind: 'hang',
      message: 'step 1 (pipelined: NOOP; HELP): no answer',
      ref: { rfc: 5321, section: '4.2' },
      transcript: transcript({ 1: [['S', '220 mx'], ['C', Buffer.from('NOOP\r\nHELP\r\n')], ['S', '250 ok']] }),
    }),
  );
  parse(smtp, smtpAdapter);
  assert.deepEqual(body(smtp).filter((l) => !l.startsWith('#')).slice(-5), ['C: NOOP', 'C: HELP', 'S: 250 *', 'S*: 2xx|3xx|4xx|5xx-*', 'S: 2xx|3xx|4xx|5xx *']);
});

test('an outcome read back over another protocol (smtp.delivery\'s pop3 session) is left out, with a note', async () => {
  const smtp: Wire[] = [
    ['S', '220 mx'],
    ['C', 'EHLO client.mailconform.test'],
    ['S', '250 mx'],
    ['C', 'MAIL FROM:<>'],
    ['S', '250 ok'],
    ['C', 'RCPT TO:<bob@lab.test>'],
    ['S', '250 ok'],
    ['C', 'DATA'],
    ['S', '354 go'],
    ['C', Buffer.from('Subject: x\r\n\r\n..\r\n.\r\n', 'latin1')],
    ['S', '250 queued'],
    ['C', 'QUIT'],
    ['S', '221 bye'],
  ];
  const exported = findingCase(
    finding({
      id: 'smtp-delivery-model-nnnnnnnnnn',
      property: 'smtp.delivery',
      protocol: 'smtp',
      kind: 'model',
      message: 'body line 1 arrived as "" instead of "."',
      ref: { rfc: 5321, section: '4.5.2' },
      expected: '.',
      received: '',
      transcript: transcript({ smtp, pop3: [['S', '+OK'], ['C', 'USER bob'], ['S', '+OK'], ['C', `PASS ${PASSWORD}`], ['S', '+OK']] }),
    }),
  );
  assert.ok(!exported.text.includes('USER'), exported.text);
  const scriptCase = parse(exported, smtpAdapter);
  assert.match(scriptCase.header.note ?? '', /checked the outcome over POP3/);
  assert.deepEqual(Buffer.concat(decodeSends(scriptCase, BINDINGS)), sentBytes(smtp));
  await lint(exported, smtpAdapter);
});
