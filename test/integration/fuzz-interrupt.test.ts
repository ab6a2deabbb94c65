import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { parse as parseJunit } from 'junit2json';
import { Parser } from 'tap-parser';
import { readFinding } from '../../src/fuzz/findings/read-finding.js';
import { postfixUnavailableReason, startPostfix, type PostfixLab } from '../../src/lab/postfix.js';
import { findFault } from '../helpers/fault-proxy/faults.js';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy/proxy.js';
import { startCli } from '../helpers/run-cli.js';

// A long campaign stopped from outside: Ctrl-C (SIGINT) ends it after the current run with exit
// 130, valid partial TAP and JUnit, and every finding kept; SIGKILL gives it no chance to clean up,
// yet every finding the console already reported is on disk, whole.

const noPostfix = postfixUnavailableReason();
let postfix: PostfixLab | undefined;
let proxy: FaultProxy | undefined;
let out: string;

before(async () => {
  if (noPostfix) return;
  postfix = await startPostfix();
  proxy = await startFaultProxy({ upstream: { host: '127.0.0.1', port: postfix.port }, fault: findFault('smtp.rcpt-before-mail') });
  out = await mkdtemp(path.join(os.tmpdir(), 'mailconform-interrupt-'));
});

after(async () => {
  await proxy?.stop();
  await postfix?.stop();
});

/** A campaign far longer than the test: only a signal ends it. */
function longCampaign(dir: string): ReturnType<typeof startCli> {
  return startCli(['fuzz', 'smtp', '--host', proxy!.host, '--port', String(proxy!.port), '--rcpt', postfix!.mailboxes[0]!.address, '--runs', '1000000', '--duration', '10m', '--seed', '5',
    '--findings', path.join(dir, 'findings'), '--junit', path.join(dir, 'fuzz.xml'), '--tap', path.join(dir, 'fuzz.tap')], 120_000);
}

const SAVED = /^ {2}saved (\S+\.json)$/m;

test('SIGINT: exit 130, the finding kept, partial TAP and JUnit valid and showing it', { skip: noPostfix, timeout: 150_000 }, async () => {
  const dir = path.join(out, 'sigint');
  const cli = longCampaign(dir);
  const stderr = await cli.stderrMatches(SAVED, 90_000);
  cli.child.kill('SIGINT');
  const r = await cli.result;
  assert.equal(r.code, 130, r.stderr);
  assert.match(r.stderr, /interrupted/);
  assert.match(r.stderr, /ended: interrupted/);

  const saved = SAVED.exec(stderr)![1]!;
  const finding = await readFinding(saved);
  assert.equal(finding.property, 'smtp.envelope-model');
  const index = (await readFile(path.join(dir, 'findings', 'index.jsonl'), 'utf8')).trim().split('\n');
  assert.ok(index.length >= 1);

  const junit = await parseJunit(await readFile(path.join(dir, 'fuzz.xml'), 'utf8'));
  assert.ok((junit?.failures ?? 0) >= 1, 'the finding is a JUnit failure');
  const tap = await readFile(path.join(dir, 'fuzz.tap'), 'utf8');
  assert.equal(tap, r.stdout, 'the TAP file is what was streamed');
  const parsed = await new Promise<{ ok: boolean; plan: { end: number } }>((resolve) => {
    const parser = new Parser((results) => resolve(results as unknown as { ok: boolean; plan: { end: number } }));
    parser.end(tap);
  });
  assert.equal(parsed.ok, false, 'the TAP stream is complete and reports the failure');
  assert.ok(parsed.plan.end >= 1);
});

test('SIGKILL: every finding reported on the console is on disk and readable', { skip: noPostfix, timeout: 150_000 }, async () => {
  const dir = path.join(out, 'sigkill');
  const cli = longCampaign(dir);
  const stderr = await cli.stderrMatches(SAVED, 90_000);
  cli.child.kill('SIGKILL');
  const r = await cli.result;
  assert.equal(r.signal, 'SIGKILL');
  const reported = [...r.stderr.matchAll(new RegExp(SAVED.source, 'gm'))].map((m) => m[1]!);
  assert.ok(reported.length >= 1 && stderr.length <= r.stderr.length);
  for (const file of reported) {
    const finding = await readFinding(file);
    assert.ok(finding.transcript.length > 0, `${file} is whole`);
  }
  const onDisk = (await readdir(path.join(dir, 'findings'))).filter((f) => f.endsWith('.json'));
  assert.ok(onDisk.length >= reported.length);
  assert.ok(!onDisk.some((f) => f.includes('.tmp')), 'no half-written file is left under a finding name');
});
