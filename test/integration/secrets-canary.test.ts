import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { dovecotUnavailableReason, startDovecot, type DovecotLab } from '../../src/lab/dovecot.js';
import { REDACTED } from '../../src/script/redact.js';
import { findFault } from '../helpers/fault-proxy/faults.js';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy/proxy.js';
import { runCli, type CliResult } from '../helpers/run-cli.js';

// A canary password goes through every command that logs in (run, fuzz with findings, replay, the
// exported finding cases run as a suite), with --debug on; then every byte the tool wrote or
// printed is searched for the password in each form it can take on the wire or in a file.

const USER = 'alice';
// `"` and `\` make IMAP quote it (RFC 3501 §4.3) and JSON, YAML and transcripts escape it; the two
// halves are distinctive enough to be searched for alone, whatever escaping joined them.
const HEAD = 'Canary-7f3a9e';
const TAIL = '5b1d-end';
const CANARY = `${HEAD}"pw\\${TAIL}`;
const ENV = { MC_CANARY_PW: CANARY };
const ACCOUNT = ['--user', USER, '--password-env', 'MC_CANARY_PW'];

const unavailable = dovecotUnavailableReason();
let lab: DovecotLab;
let out: string;
/** Every process's stdout and stderr, by command line. */
const printed: { name: string; bytes: Buffer }[] = [];

before(async () => {
  if (unavailable) return;
  // APOP on, so the APOP cases run and their digest input (timestamp + password) is exercised.
  lab = await startDovecot({ users: [{ name: USER, password: CANARY }], apop: true, authPenalty: false, authFailureDelay: false });
  await lab.seed(USER, Buffer.from('From: someone@example.test\r\nSubject: own mail\r\n\r\nhello\r\n'));
  out = await mkdtemp(path.join(os.tmpdir(), 'mailconform-canary-'));
});

after(async () => {
  await lab?.stop();
  if (out && process.env['KEEP_CANARY_DIR'] !== '1') await rm(out, { recursive: true, force: true });
});

/** Runs the CLI and keeps what it printed for the search. */
async function cli(args: readonly string[], timeoutMs: number): Promise<CliResult> {
  const result = await runCli(['--debug', ...args], timeoutMs, ENV);
  const name = args.join(' ');
  printed.push({ name: `stdout of ${name}`, bytes: Buffer.from(result.stdout) }, { name: `stderr of ${name}`, bytes: Buffer.from(result.stderr) });
  return result;
}

/**
 * Runs `fuzz` through a proxy that breaks one rule, so findings (JSON, index, exported case) are
 * written, and replays the first one. Returns the findings directory.
 */
async function fuzzThroughFault(protocol: 'imap' | 'pop3', fault: string, property: string, upstreamPort: number): Promise<string> {
  const dir = path.join(out, `fuzz-${protocol}`);
  const findings = path.join(dir, 'findings');
  const proxy: FaultProxy = await startFaultProxy({ upstream: { host: '127.0.0.1', port: upstreamPort }, fault: findFault(fault) });
  try {
    const fuzz = await cli(['fuzz', protocol, '--host', proxy.host, '--port', String(proxy.port), ...ACCOUNT, '--seed-command', lab.seedCommand(USER), '--property', property,
      '--seed', '3', '--runs', '200', '--timeout', '3000', '--findings', findings, '--junit', path.join(dir, 'fuzz.xml'), '--tap', path.join(dir, 'fuzz.tap')], 180_000);
    assert.equal(fuzz.code, 1, `fuzz ${protocol} through ${fault} finds it\n${fuzz.stderr}`);
    const json = (await readdir(findings)).filter((f) => f.endsWith('.json'));
    assert.ok(json.length > 0, fuzz.stderr);
    const replay = await cli(['replay', path.join(findings, json[0]!), '--password-env', 'MC_CANARY_PW', '--port', String(proxy.port)], 60_000);
    assert.equal(replay.code, 1, `the finding reproduces\n${replay.stdout}${replay.stderr}`);
    // The exported cases run as a suite: ${password} is filled in and must be redacted again.
    const asSuite = await cli(['run', protocol, '--suites', findings, '--host', proxy.host, '--port', String(proxy.port), ...ACCOUNT, '--seed-command', lab.seedCommand(USER),
      '--tap', path.join(dir, 'cases.tap'), '--junit', path.join(dir, 'cases.xml')], 120_000);
    assert.ok(asSuite.code === 0 || asSuite.code === 1, asSuite.stderr);
  } finally {
    await proxy.stop();
  }
  return findings;
}

/** Each form the password can take in a file or on the wire, named for the failure message. */
function secretForms(user: string, password: string): { form: string; bytes: Buffer }[] {
  const pw = Buffer.from(password, 'utf8');
  const b64 = (bytes: Buffer): string => bytes.toString('base64');
  const backslashed = (text: string): string => text.replace(/[\\"]/g, '\\$&');
  const forms: [string, string][] = [
    ['the password', password],
    ['its first half', HEAD],
    ['its second half', TAIL],
    ['IMAP-quoted (also its JSON form)', backslashed(password)],
    ['IMAP-quoted, escaped again (a transcript line in JSON)', backslashed(backslashed(password))],
    ['hex', pw.toString('hex')],
    ['HEX', pw.toString('hex').toUpperCase()],
    ['base64', b64(pw)],
    ['base64 of \\0user\\0password (SASL PLAIN)', b64(Buffer.concat([Buffer.from(`\0${user}\0`), pw]))],
    ['base64 of user\\0password', b64(Buffer.concat([Buffer.from(`${user}\0`), pw]))],
    ['APOP digest input without the timestamp (<…>password)', `>${password}`],
  ];
  // Base64 of any stream holding the password: the groups that only its bytes fill, at each of the three alignments.
  for (const shift of [0, 1, 2]) {
    const encoded = b64(Buffer.concat([Buffer.alloc(shift), pw]));
    const start = shift === 0 ? 0 : 4;
    const end = Math.floor((shift + pw.length) / 3) * 4;
    forms.push([`base64 inside a larger encoding (offset ${shift} mod 3)`, encoded.slice(start, end)]);
  }
  return forms.map(([form, text]) => ({ form, bytes: Buffer.from(text, 'utf8') }));
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(entries.map((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name)) : Promise.resolve(e.isFile() ? [path.join(dir, e.name)] : []))));
  return nested.flat();
}

test('a canary password appears in no report, finding, case file, replay or console output, in any form', { skip: unavailable, timeout: 900_000 }, async (t) => {
  const started = Date.now();
  const imap = ['--host', '127.0.0.1', '--port', String(lab.imapPort), ...ACCOUNT];
  const pop3 = ['--host', '127.0.0.1', '--port', String(lab.pop3Port), ...ACCOUNT, '--seed-command', lab.seedCommand(USER)];
  // The IMAP suites send the password as ${quoted:password}: a canary with `"` and `\` in it still logs in.
  const runImap = await cli(['run', 'imap', ...imap, '--tap', path.join(out, 'run/imap.tap'), '--junit', path.join(out, 'run/imap.xml')], 300_000);
  const runPop3 = await cli(['run', 'pop3', ...pop3, '--tap', path.join(out, 'run/pop3.tap'), '--junit', path.join(out, 'run/pop3.xml')], 300_000);
  for (const r of [runImap, runPop3]) assert.ok(r.code === 0 || r.code === 1, `the suites ran\n${r.stderr}`);
  const imapPassed = runImap.stdout.match(/^ok \d+ /gm)?.length ?? 0;
  assert.ok(imapPassed >= 200, `the IMAP cases log in with this password (${imapPassed} passed)\n${runImap.stderr}`);
  const imapFindings = await fuzzThroughFault('imap', 'imap.lose-flag', 'mailbox-model', lab.imapPort);
  const pop3Findings = await fuzzThroughFault('pop3', 'pop3.stat-off-by-one', 'maildrop-model', lab.pop3Port);
  t.diagnostic(`commands ran in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  // Not vacuous: every kind of output exists and is searched.
  const files = await listFiles(out);
  const read = new Map(await Promise.all(files.map(async (f) => [f, await readFile(f)] as const)));
  const text = (file: string): string => read.get(path.join(out, file))?.toString('utf8') ?? assert.fail(`${file} was not written; files: ${files.join(', ')}`);
  for (const file of files) assert.ok((await stat(file)).size > 0, `${file} is empty`);

  const leaks: string[] = [];
  const sources = [...[...read].map(([file, bytes]) => ({ name: path.relative(out, file), bytes })), ...printed];
  for (const { form, bytes: needle } of secretForms(USER, CANARY)) {
    for (const { name, bytes } of sources) {
      const at = bytes.indexOf(needle);
      if (at !== -1) leaks.push(`${name}: ${form} at byte ${at}: …${bytes.subarray(Math.max(0, at - 60), at + needle.length + 20).toString('latin1')}…`);
    }
  }
  assert.deepEqual(leaks, [], `the canary password leaked:\n${leaks.join('\n')}`);
  assert.ok(sources.length >= 20, `searched ${sources.length} outputs`);

  // And shows the redaction where a login was sent: the password was there to leak.
  const stars = REDACTED.replace(/\*/g, '\\*');
  assert.match(text('run/imap.tap'), new RegExp(`LOGIN "?${USER}"? "?${stars}"?`), 'the IMAP TAP shows LOGIN with the password redacted');
  assert.match(text('run/imap.xml'), new RegExp(`LOGIN .*${stars}`));
  assert.match(text('run/pop3.tap'), new RegExp(`PASS ${stars}`), 'the POP3 TAP shows PASS redacted');
  assert.match(text('run/pop3.tap'), new RegExp(`APOP ${USER} ${stars}`), 'and the APOP digest redacted');
  assert.match(text('run/pop3.xml'), new RegExp(`PASS ${stars}`));
  for (const [protocol, dir, login] of [['imap', imapFindings, /LOGIN .*\*\*\*/], ['pop3', pop3Findings, /PASS \*\*\*/]] as const) {
    const findingFiles = files.filter((f) => f.startsWith(dir + path.sep));
    const json = findingFiles.filter((f) => f.endsWith('.json'));
    const cases = findingFiles.filter((f) => f.endsWith(`.${protocol}`));
    assert.ok(json.length > 0 && cases.length > 0 && findingFiles.some((f) => f.endsWith('index.jsonl')), `${protocol}: findings, index and case files written: ${findingFiles.join(', ')}`);
    assert.ok(json.some((f) => login.test(read.get(f)!.toString('utf8'))), `${protocol}: a finding's transcript shows the login redacted`);
    assert.ok(cases.some((f) => /\$\{(quoted:)?password\}/.test(read.get(f)!.toString('utf8'))), `${protocol}: an exported case sends \${password}, not the password`);
  }
});
