import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse, type TestCase, type TestSuite, type TestSuites } from 'junit2json';
import { renderJunit, writeJunitFile } from '../../../src/report/junit-writer.js';
import { buildCase, buildSampleRun, SAMPLE_INFO } from '../../helpers/sample-run.js';

async function parseSuites(xml: string): Promise<TestSuite[]> {
  const parsed = (await parse(xml)) as TestSuites | null | undefined;
  assert.ok(parsed !== null && parsed !== undefined, 'parses as JUnit');
  return parsed.testsuite ?? [];
}

function allCases(suites: readonly TestSuite[]): TestCase[] {
  return suites.flatMap((s) => s.testcase ?? []);
}

describe('renderJunit', () => {
  it('writes one testsuite per suite folder with the right counts', async () => {
    const suites = await parseSuites(renderJunit(buildSampleRun()));
    assert.deepEqual(
      suites.map((s) => [s.name, s.tests, s.failures, s.errors, s.skipped]),
      [
        ['smtp/rfc5321', 4, 2, 0, 0],
        ['smtp/rfc3207-starttls', 2, 0, 1, 1],
      ],
    );
  });

  it('names each testcase uniquely, with protocol.folder as classname and time in seconds', async () => {
    const run = buildSampleRun();
    const duplicate = buildCase({ id: 'smtp.rfc5321.noop', summary: 'NOOP gets 250', level: 'MAY' });
    const cases = allCases(await parseSuites(renderJunit({ ...run, cases: [...run.cases, duplicate] })));
    const names = cases.map((c) => c.name);
    assert.equal(new Set(names).size, names.length);
    assert.ok(names.includes('smtp.rfc5321.noop: NOOP gets 250 (2)'));
    assert.deepEqual(new Set(cases.map((c) => c.classname)), new Set(['smtp.rfc5321', 'smtp.rfc3207-starttls']));
    assert.equal(cases[0]?.time, 0.01225);
  });

  it('gives a failure a one-line message with the RFC section and the details in its body', async () => {
    const cases = allCases(await parseSuites(renderJunit(buildSampleRun())));
    const failed = cases.find((c) => c.name?.startsWith('smtp.rfc5321.rcpt-before-mail'));
    const failure = failed?.failure?.[0];
    assert.equal(failure?.message, 'RFC 5321 §4.1.4 MUST: expected 503 reply to RCPT before MAIL, got 250');
    assert.equal(failure?.type, 'MUST');
    assert.match(failure?.inner ?? '', /at smtp\/rfc5321\/rcpt-before-mail\.smtp:7\n\s+expected: 503\n\s+received: 250 2\.1\.5 Ok/);
    const twoSessions = cases.find((c) => c.name?.startsWith('smtp.rfc5321.two-sessions'));
    assert.match(twoSessions?.failure?.[0]?.inner ?? '', /2\) RFC 5321 §4\.2 MUST: Reply-code must be three digits\n\s+at .*\n\s+rule: Reply-code/);
  });

  it('puts the transcript in system-out, with session names when a case has several', async () => {
    const cases = allCases(await parseSuites(renderJunit(buildSampleRun())));
    const out = (id: string): string => cases.find((c) => c.name?.startsWith(id))?.['system-out']?.join('') ?? '';
    assert.equal(out('smtp.rfc5321.rcpt-before-mail'), 'S: 220 mx.example ESMTP\nC: RCPT TO:<a@b.example>\nS: 250 2.1.5 Ok');
    assert.equal(out('smtp.rfc5321.two-sessions'), '[1] C: MAIL FROM:<a@b.example>\n[second] C: RCPT TO:<c@d.example>\n[second] S: 250 OK');
  });

  it('marks a skip with <skipped> and its reason in system-out, an error with <error>', async () => {
    const cases = allCases(await parseSuites(renderJunit(buildSampleRun())));
    const skipped = cases.find((c) => c.name?.startsWith('smtp.rfc3207.starttls-twice'));
    assert.equal(skipped?.skipped?.length, 1);
    assert.equal(skipped?.['system-out']?.join(''), 'skipped: server does not advertise STARTTLS');
    const errored = cases.find((c) => c.name?.startsWith('smtp.rfc3207.starttls-basic'));
    assert.equal(errored?.error?.[0]?.message, 'RFC 3207 §4 MUST: ERR_TRANSPORT_TIMEOUT: no reply within 5000 ms');
  });

  it('carries the run facts as testsuite properties', async () => {
    const [suite] = await parseSuites(renderJunit(buildSampleRun()));
    const properties = new Map((suite?.properties ?? []).map((p) => [p.name, String(p.value)]));
    assert.equal(properties.get('tool'), 'mailconform');
    assert.equal(properties.get('toolVersion'), '0.1.0');
    assert.equal(properties.get('target'), '127.0.0.1:2525');
    assert.equal(properties.get('protocol'), 'smtp');
    assert.equal(properties.get('startedAt'), SAMPLE_INFO.startedAt);
    assert.equal(properties.get('greeting'), '220 mx.example ESMTP ready');
    assert.equal(properties.get('ehlo'), 'PIPELINING SIZE 10240000 STARTTLS 8BITMIME');
  });

  it('writes a parseable report whatever strings the cases hold', async () => {
    const run = buildSampleRun({ nasty: true });
    const cases = allCases(await parseSuites(renderJunit(run)));
    assert.equal(cases.length, run.cases.length);
  });

  it('writes the report to a file, creating its directories', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mailconform-junit-'));
    try {
      const path = join(dir, 'a', 'b', 'junit.xml');
      await writeJunitFile(buildSampleRun(), path);
      assert.equal(await readFile(path, 'utf8'), renderJunit(buildSampleRun()));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
