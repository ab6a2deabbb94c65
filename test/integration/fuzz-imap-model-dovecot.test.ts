import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { dovecotUnavailableReason, startDovecot, type DovecotLab } from '../../src/lab/dovecot.js';
import { isFuzzFailure } from '../../src/fuzz/fuzz-failure.js';
import type { FuzzSettings, FuzzStats } from '../../src/fuzz/fuzz-property.js';
import { AppendCommand } from '../../src/fuzz/models/imap-append.js';
import { SearchCommand } from '../../src/fuzz/models/imap-search.js';
import { replayPathOf } from '../../src/fuzz/models/replay-path.js';
import { imapMailboxModel as property, type ImapModelCommands } from '../../src/fuzz/properties/imap-mailbox-model.js';
import { describeFuzzError, runSeeded } from '../helpers/fuzz-campaign.js';

// The IMAP mailbox model against a real Dovecot: it must find nothing (a finding here is a false
// positive of the model, or a Dovecot deviation to document), be deterministic per seed, replay a
// shrunk counterexample from {seed, path, replayPath}, and leave no mailbox behind.

const unavailable = /^(1|true)$/i.test(process.env['CI'] ?? '') ? undefined : dovecotUnavailableReason();
const SEED = 20240607;
const NAMESPACE = 'mailconform-fuzz-t';

let lab: DovecotLab;
let settings: FuzzSettings;

before(async () => {
  if (unavailable) return;
  lab = await startDovecot({ users: [{ name: 'alice', password: 'model-pw' }], authPenalty: false });
  settings = {
    protocol: 'imap', endpoint: { host: '127.0.0.1', port: lab.imapPort }, user: 'alice', password: 'model-pw', vars: new Map(),
    answerTimeoutMs: 5000, connectTimeoutMs: 5000, allowDestructive: false, namespace: NAMESPACE, maxCommands: 12,
  };
});

after(async () => {
  await lab?.stop();
});

/** Mailboxes of alice's that the fuzzer made (there must be none once runs are over). */
async function leftovers(): Promise<string[]> {
  return (await lab.doveadm(['mailbox', 'list', '-u', 'alice'])).split('\n').filter((n) => n.startsWith(NAMESPACE));
}

test('Dovecot keeps every model invariant over 80 seeded runs', { skip: unavailable, timeout: 60_000 }, async () => {
  const run = await runSeeded(property, settings, SEED, 80);
  assert.equal(run.failed, false, run.explanation);
  assert.ok(run.commands >= 200, `only ${run.commands} model commands ran`);
  console.log(`# imap.mailbox-model: ${run.numRuns} runs, ${run.commands} model commands in ${run.elapsedMs} ms (${((run.commands * 1000) / run.elapsedMs).toFixed(0)} commands/s)`);
  assert.deepEqual(await leftovers(), []);
});

test('the same seed generates the same commands', { skip: unavailable }, () => {
  const sample = (): string[][] => fc.sample(property.arbitrary(settings), { seed: SEED, numRuns: 30 }).map((cmds) => [...cmds].map(String));
  const first = sample();
  assert.deepEqual(sample(), first);
  assert.ok(first.some((cmds) => cmds.length > 3), 'samples hold real sequences');
  assert.notDeepEqual(fc.sample(property.arbitrary(settings), { seed: SEED + 1, numRuns: 30 }).map((cmds) => [...cmds].map(String)), first);
});

test('a shrunk counterexample replays from seed, path and replayPath', { skip: unavailable, timeout: 90_000 }, async () => {
  const stats: FuzzStats = { commands: 0 };
  // A toy "bug": any run in which two APPENDs and a STORE ran fails (after the real checks passed).
  const toy = async (cmds: ImapModelCommands): Promise<void> => {
    await property.run(cmds, settings, stats);
    const ran = property.describeInput(cmds) as string[];
    if (ran.filter((c) => c.startsWith('APPEND')).length >= 2 && ran.some((c) => /^(UID )?STORE /.test(c))) throw new Error(`toy failure after ${ran.join(', ')}`);
  };
  const found = await fc.check(fc.asyncProperty(property.arbitrary(settings), toy), { seed: SEED, numRuns: 100 });
  assert.equal(found.failed, true, 'the toy bug is found');
  assert.match(String(found.errorInstance), /toy failure/, describeFuzzError(found.errorInstance));
  const minimal = property.describeInput(found.counterexample![0]) as string[];
  // UID STORE is valid in an empty mailbox too (§6.4.8: missing UIDs are ignored), so it may come first.
  assert.deepEqual(minimal.map((c) => (c.startsWith('UID STORE') ? 'STORE' : c.split(' ')[0])).sort(), ['APPEND', 'APPEND', 'STORE'], `shrunk to two APPENDs and a STORE: ${minimal.join(', ')}`);

  const replayPath = replayPathOf(found.counterexample);
  assert.ok(replayPath, `replayPath in ${String(found.counterexample![0])}`);
  const replayed = await fc.check(fc.asyncProperty(property.arbitrary(settings, { replayPath }), toy), { seed: found.seed, path: found.counterexamplePath!, numRuns: 1 });
  assert.equal(replayed.failed, true);
  assert.deepEqual(property.describeInput(replayed.counterexample![0]), minimal);
  assert.deepEqual(await leftovers(), []);
});

/**
 * A true Dovecot deviation the model found (Dovecot 2.3.19.1): with one message flagged \Seen only,
 * `SEARCH OR UNDELETED UNSEEN`, `SEARCH OR NOT DELETED NOT SEEN` and `SEARCH NOT (FLAGGED SEEN)` all
 * answer "* SEARCH" — as if OR of negated flags were AND (NOT DELETED AND NOT SEEN), and NOT of a
 * flag list were NOT of each. RFC 3501 §6.4.4: OR matches "Messages that match either search key",
 * NOT "Messages that do not match the specified search key", and a parenthesized list is "the
 * intersection (AND function)". Plain UNDELETED, NOT FLAGGED and OR with one positive flag are right.
 * Other seeds of the property find it (minimal counterexample: APPEND (\Seen), then such a SEARCH);
 * this test pins it, and fails once Dovecot answers "* SEARCH 1" (then drop it).
 */
test('the model finds Dovecot 2.3\'s SEARCH of OR over negated flags (RFC 3501 §6.4.4)', { skip: unavailable, timeout: 30_000 }, async () => {
  const message = Buffer.from('From: a@mailconform.test\r\nSubject: seen\r\n\r\nbody\r\n', 'latin1');
  const undeleted = { kind: 'flag', flag: '\\Deleted', set: false } as const;
  const unseen = { kind: 'flag', flag: '\\Seen', set: false } as const;
  const commands = [new AppendCommand(message, ['\\Seen'], undefined), new SearchCommand(false, { kind: 'or', left: undeleted, right: unseen })];
  const failure = await property.run(commands, settings, { commands: 0 }).then(() => undefined, (err: unknown) => err);
  assert.ok(isFuzzFailure(failure), `expected the deviation, got ${String(failure)}`);
  assert.equal(failure.evidence.rule, 'search.result');
  assert.deepEqual(failure.evidence.ref, { rfc: 3501, section: '6.4.4' });
  assert.equal(failure.evidence.expected, '* SEARCH 1');
  assert.equal(failure.evidence.received, '* SEARCH');
  assert.deepEqual(await leftovers(), []);
});
