import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import type { Finding } from '../../../src/fuzz/findings/finding.js';
import { FindingStore } from '../../../src/fuzz/findings/finding-store.js';

// The store writes each finding as JSON and as a suite case under <dir>/<protocol>/rfcNNNN-fuzz/,
// so the findings directory is a suites root for `mailconform run --suites` and `lint --suites`.

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mailconform-store-'));
  dirs.push(dir);
  return dir;
}
after(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

function finding(id: string, property: string): Finding {
  return {
    format: 'mailconform-finding/1',
    id,
    tool: { name: 'mailconform', version: '0.0.0-test' },
    createdAt: '2024-01-01T00:00:00.000Z',
    property,
    protocol: 'smtp',
    target: '127.0.0.1:2525',
    kind: 'hang',
    message: 'no answer to HELP',
    level: 'MUST',
    replay: {
      seed: 1,
      path: '0',
      settings: { protocol: 'smtp', host: '127.0.0.1', port: 2525, vars: {}, answerTimeoutMs: 1000, connectTimeoutMs: 1000, allowDestructive: false, namespace: 'ns', maxCommands: 5 },
    },
    input: null,
    shrinks: 0,
    transcript: [
      { session: '1', dir: 'S', text: '220 mx', atMs: 0 },
      { session: '1', dir: 'C', text: 'HELP', atMs: 1 },
    ],
  };
}

test('saves <id>.json, the case under <protocol>/rfcNNNN-fuzz/, and an index line naming both', async () => {
  const dir = await tempDir();
  const saved = await new FindingStore(dir).save(finding('smtp-robustness-hang-1', 'smtp.robustness'));
  assert.equal(saved.json, path.join(dir, 'smtp-robustness-hang-1.json'));
  assert.equal(saved.caseFile, path.join(dir, 'smtp/rfc5321-fuzz/smtp-robustness-hang-1.smtp'));
  assert.match(await readFile(saved.caseFile!, 'utf8'), /^id: smtp\.rfc5321-fuzz\.smtp-robustness-hang-1$/m);
  assert.equal((JSON.parse(await readFile(saved.json, 'utf8')) as Finding).id, 'smtp-robustness-hang-1');
  const index = JSON.parse((await readFile(path.join(dir, 'index.jsonl'), 'utf8')).trim()) as { caseFile?: string };
  assert.equal(index.caseFile, 'smtp/rfc5321-fuzz/smtp-robustness-hang-1.smtp');
  assert.deepEqual((await readdir(path.dirname(saved.caseFile!))).filter((f) => f.endsWith('.tmp')), [], 'no temp file left behind');
});

test('a finding that cannot become a case is still saved, with the reason', async () => {
  const dir = await tempDir();
  // No ref, and a property no registry knows: no RFC folder for the case.
  const saved = await new FindingStore(dir).save(finding('smtp-gone-hang-2', 'smtp.no-such-property'));
  assert.equal(saved.caseFile, undefined);
  assert.match(saved.caseError ?? '', /names no RFC section/);
  assert.ok((await readdir(dir)).includes('smtp-gone-hang-2.json'));
});
