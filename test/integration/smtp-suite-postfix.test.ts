import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { parse as parseJunit } from 'junit2json';
import { Parser } from 'tap-parser';
import { startDovecot, type DovecotLab } from '../../src/lab/dovecot.js';
import { startPostfix, type PostfixLab } from '../../src/lab/postfix.js';
import { readTap } from '../../src/report/tap-reader.js';
import type { RunResult } from '../../src/report/result.js';
import { smtpAdapter } from '../../src/script/adapters/smtp-adapter.js';
import { loadSuites } from '../../src/script/discover.js';
import { assertCasesCiteTheirFolder } from '../helpers/suite-citations.js';
import { runCli, type CliResult } from '../helpers/run-cli.js';

// The whole RFC 5321 suite against a real Postfix, through the CLI as a user runs it.

const SUITES = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../../suites');
const FIXTURES = path.resolve(SUITES, '../fixtures');
const BASELINE = path.resolve(SUITES, '../test/baselines/postfix-3.7.json');
const SASL_PASSWORD = 'sasl-Pw "quoted" \\ 7';

let lab: PostfixLab;
let dovecot: DovecotLab;
let out: string;
let cli: CliResult;
let run: RunResult;

before(async () => {
  // STARTTLS and SMTP AUTH as deployed: SASL through Dovecot's auth socket, AUTH offered in clear
  // too (Postfix's own default, smtpd_tls_auth_only = no), so the AUTH cases also run without TLS.
  dovecot = await startDovecot({ users: [{ name: 'sasl-user', password: SASL_PASSWORD }], authSocket: true, cramMd5: true });
  lab = await startPostfix({ tls: true, sasl: { dovecotAuthSocket: dovecot.authSocketPath!, tlsAuthOnly: false } });
  out = await mkdtemp(path.join(os.tmpdir(), 'mailconform-smtp-run-'));
  const caFile = path.join(out, 'lab-ca.pem');
  await writeFile(caFile, lab.certPem!);
  const [alice, bob] = lab.mailboxes;
  cli = await runCli(
    ['run', 'smtp', '--host', lab.host, '--port', String(lab.port), '--ca', caFile, '--user', 'sasl-user', '--password-env', 'MC_SASL_PW', '--rcpt', alice!.address, '--rcpt2', bob!.address, '--junit', path.join(out, 'smtp.xml'), '--tap', path.join(out, 'smtp.tap')],
    240_000,
    { MC_SASL_PW: SASL_PASSWORD },
  );
  run = readTap(cli.stdout).run;
});

after(async () => {
  await lab?.stop();
  await dovecot?.stop();
});

test('every SMTP case passes against Postfix (STARTTLS and SASL on), except the documented deviations', async () => {
  const baseline = JSON.parse(await readFile(BASELINE, 'utf8')) as { deviations: Record<string, string> };
  const failed = run.cases.filter((c) => c.verdict === 'fail' || c.verdict === 'error');
  assert.deepEqual(failed.map((c) => c.id).sort(), Object.keys(baseline.deviations).sort(), failed.map((c) => `${c.id}: ${c.reason}`).join('\n'));
  assert.ok(failed.every((c) => c.verdict === 'fail'), 'no case errors');
  assert.equal(cli.code, failed.length > 0 ? 1 : 0, cli.stderr);
  for (const c of failed) {
    // Evidence: the rule, the suite line, expected vs received, and the transcript.
    const first = c.failures[0]!;
    assert.ok(first.ref && first.expected !== undefined && first.received !== undefined, `${c.id}: ${JSON.stringify(first)}`);
    assert.ok(c.transcript.some((l) => l.dir === 'S'));
    const text = await readFile(path.join(SUITES, c.file), 'utf8');
    assert.match(text, /^note: .*Known deviation: Postfix/m, `${c.id} documents the deviation in its note`);
  }
  const skipped = run.cases.filter((c) => c.verdict === 'skip');
  for (const c of skipped) assert.match(c.reason ?? '', /^server does not advertise /, `${c.id} skipped: ${c.reason}`);
});

test('without --rcpt/--domain the delivery cases are skipped with the flag to set, never failed', async () => {
  const result = await runCli(['run', 'smtp', '--host', lab.host, '--port', String(lab.port), '--only', 'mail-transaction', '--only', 'postmaster-with-domain']);
  const { run: bare } = readTap(result.stdout);
  assert.deepEqual(bare.cases.map((c) => [c.id, c.verdict]), [['smtp.rfc5321.mail-transaction', 'skip'], ['smtp.rfc5321.postmaster-with-domain', 'skip']]);
  assert.match(bare.cases[0]!.reason ?? '', /set --rcpt/);
  assert.match(bare.cases[1]!.reason ?? '', /set --domain/);
  assert.equal(result.code, 0);
});

test('the suite has at least 40 cases, each citing a section of its folder\'s RFC and a level', async () => {
  const { cases, errors } = await loadSuites(SUITES, smtpAdapter);
  assert.deepEqual(errors, []);
  assert.ok(cases.length >= 40, `${cases.length} cases`);
  assert.equal(run.cases.length, cases.length);
  assertCasesCiteTheirFolder(cases);
});

test('the TAP stream parses with tap-parser without errors, one test point per case', async () => {
  const parser = new Parser();
  const failures: unknown[] = [];
  parser.on('extra', (line: string) => failures.push(line));
  const done = new Promise<{ ok: boolean; count: number; fail: number; plan: { end: number }; failures: unknown[] }>((resolve) => parser.on('complete', resolve));
  parser.end(cli.stdout);
  const final = await done;
  assert.deepEqual(failures, []);
  assert.equal(final.count, run.cases.length);
  assert.equal(final.fail, run.cases.filter((c) => c.verdict === 'fail' || c.verdict === 'error').length);
  assert.equal(final.plan.end, run.cases.length);
  assert.equal(await readFile(path.join(out, 'smtp.tap'), 'utf8'), cli.stdout, '--tap saves exactly the stream');
});

test('the JUnit file parses with junit2json with the expected counts and properties', async () => {
  const xml = await readFile(path.join(out, 'smtp.xml'), 'utf8');
  const junit = await parseJunit(xml);
  assert.ok(junit && 'testsuite' in junit && Array.isArray(junit.testsuite));
  // One testsuite per suite folder (smtp/rfc5321, smtp/rfc3207, …), classname protocol.folder.
  const suites = junit.testsuite!;
  const folders = [...new Set(run.cases.map((c) => c.suite))];
  assert.equal(suites.length, folders.length);
  const total = (pick: (suite: (typeof suites)[number]) => number | undefined): number => suites.reduce((n, suite) => n + (pick(suite) ?? 0), 0);
  assert.equal(total((suite) => suite.tests), run.cases.length);
  assert.equal(total((suite) => suite.failures), run.cases.filter((c) => c.verdict === 'fail').length);
  assert.equal(total((suite) => suite.errors), 0);
  assert.equal(total((suite) => suite.skipped), run.cases.filter((c) => c.verdict === 'skip').length);
  const testcases = suites.flatMap((suite) => suite.testcase ?? []);
  const names = testcases.map((t) => t.name);
  assert.equal(new Set(names).size, names.length, 'testcase names are unique');
  for (const suite of suites) assert.ok(suite.testcase!.every((t) => t.classname === suite.testcase![0]!.classname && /^smtp\.rfc\d+/.test(t.classname ?? '')), suite.name);
  const suite = suites.find((s) => s.testcase?.[0]?.classname === 'smtp.rfc5321')!;
  const props = JSON.stringify(suite.properties ?? []);
  assert.match(props, /greeting/);
  assert.match(props, /PIPELINING/);
});

test('report re-derives the same JUnit counts from the saved TAP', async () => {
  const again = path.join(out, 'again.xml');
  const result = await runCli(['report', path.join(out, 'smtp.tap'), '--junit', again]);
  assert.equal(result.code, 0, result.stderr);
  const [a, b] = await Promise.all([readFile(path.join(out, 'smtp.xml'), 'utf8'), readFile(again, 'utf8')]);
  const [ja, jb] = await Promise.all([parseJunit(a), parseJunit(b)]);
  assert.deepEqual(summarise(jb), summarise(ja));
});

test('transparency end to end (RFC 5321 §4.5.2): every fixture body is delivered byte for byte, dot lines included', async () => {
  const { cases } = await loadSuites(SUITES, smtpAdapter);
  const senders = cases.filter((c) => c.fixtures.length > 0);
  assert.ok(senders.length > 0, 'some case sends a fixture');
  assert.ok(senders.some((c) => c.fixtures.includes('messages/dot-lines.eml')), 'the dot-lines fixture is sent');
  const problems: string[] = [];
  let checked = 0;
  for (const scriptCase of senders) {
    const result = run.cases.find((r) => r.id === scriptCase.header.id)!;
    const messageIds = result.transcript.filter((l) => l.dir === 'C').map((l) => /^Message-ID: (<[^>]+>)$/i.exec(l.text)?.[1]).filter((m): m is string => m !== undefined);
    assert.ok(messageIds.length > 0, `${scriptCase.header.id}: its fixture carries a Message-ID header`);
    const fixtureBody = bodyOf(await readFile(path.join(FIXTURES, scriptCase.fixtures[0]!), 'utf8'));
    // A case may also send hand-written messages; the fixture's must be among those delivered, intact.
    const bodies: string[] = [];
    for (const messageId of messageIds) {
      const arrived = (user: string) => lab.waitForDelivery(user, (m) => m.bytes.includes(messageId), 10_000);
      const delivered = await Promise.any(lab.mailboxes.map((m) => arrived(m.user))).catch(() => undefined);
      if (!delivered) problems.push(`${scriptCase.header.id}: ${messageId} was not delivered`);
      else bodies.push(bodyOf(delivered.bytes.toString('utf8')));
    }
    if (bodies.includes(fixtureBody)) checked++;
    else problems.push(`${scriptCase.header.id}: no delivered body equals ${scriptCase.fixtures[0]}'s:\n${bodies.join('\n---\n')}`);
  }
  assert.deepEqual(problems, []);
  assert.ok(checked >= senders.length);
});

/** The body after the header/body separator, with LF line ends (Maildir stores LF). */
function bodyOf(message: string): string {
  const normalised = message.replace(/\r\n/g, '\n');
  const split = normalised.indexOf('\n\n');
  return split === -1 ? '' : normalised.slice(split + 2);
}

function summarise(junit: Awaited<ReturnType<typeof parseJunit>>): unknown {
  if (!junit || !('testsuite' in junit)) return undefined;
  return junit.testsuite?.map((s) => ({ name: s.name, tests: s.tests, failures: s.failures, errors: s.errors, skipped: s.skipped, cases: s.testcase?.map((t) => [t.name, t.classname]) }));
}
