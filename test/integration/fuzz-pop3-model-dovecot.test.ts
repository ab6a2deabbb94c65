import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { dovecotUnavailableReason, startDovecot, type DovecotLab } from '../../src/lab/dovecot.js';
import { isFuzzFailure } from '../../src/fuzz/fuzz-failure.js';
import { replayPathOf } from '../../src/fuzz/models/replay-path.js';
import type { FuzzSettings } from '../../src/fuzz/fuzz-property.js';
import { pop3MaildropModelProperty as prop } from '../../src/fuzz/properties/pop3-maildrop-model.js';
import { startFaultServer } from '../helpers/fault-server.js';
import { snapshotMaildrop, type MessageSnapshot } from '../helpers/pop3-snapshot.js';
import { runSeeded } from '../helpers/fuzz-campaign.js';

// pop3.maildrop-model against a real Dovecot, on an account that holds the user's own mail: no
// finding, bounded in time, and the user's messages byte-identical afterwards with no tool mail left.
// And against a deliberately faulty POP3 server, the fault found.

const unavailable = /^(1|true)$/i.test(process.env['CI'] ?? '') ? undefined : dovecotUnavailableReason();
const PASSWORD = 'alice-model-pw';
const SEED = 1939;
const BUDGET_MS = 30_000;
const USERS_MAIL = [
  'From: someone@example.test\r\nSubject: own mail 1\r\n\r\nhello\r\n',
  'From: someone@example.test\r\nSubject: own mail 2, with dots\r\n\r\n.leading dot\r\n.\r\n..\r\nend\r\n',
  'From: someone@example.test\r\nSubject: own mail 3\r\n\r\n' + 'line of text\r\n'.repeat(50),
];

let lab: DovecotLab;
let settings: FuzzSettings;
let before1: MessageSnapshot[];

before(async () => {
  if (unavailable) return;
  lab = await startDovecot({ users: [{ name: 'alice', password: PASSWORD }], authPenalty: false });
  for (const message of USERS_MAIL) await lab.seed('alice', Buffer.from(message));
  before1 = await snapshotMaildrop(lab.pop3Port, 'alice', PASSWORD);
  settings = {
    protocol: 'pop3', endpoint: { host: lab.host, port: lab.pop3Port }, user: 'alice', password: PASSWORD, vars: new Map(),
    answerTimeoutMs: 5000, connectTimeoutMs: 5000, allowDestructive: false, namespace: 'mailconform-fuzz-t', maxCommands: 12, seedCommand: lab.seedCommand('alice'),
  };
});

after(async () => {
  await lab?.stop();
});

test('the maildrop model finds nothing wrong with Dovecot in 20 runs, within 30 s', { skip: unavailable }, async () => {
  const run = await runSeeded(prop, settings, SEED, 20);
  assert.equal(run.failed, false, run.explanation);
  assert.ok(run.elapsedMs < BUDGET_MS, `${run.elapsedMs} ms`);
  assert.ok(run.commands > 20, `${run.commands} model commands`);
  console.log(`pop3.maildrop-model: 20 runs, ${run.commands} commands in ${run.elapsedMs} ms (${Math.round((run.commands * 1000) / run.elapsedMs)} commands/s)`);
});

test('the user\'s own messages are untouched and no seeded message is left', { skip: unavailable }, async () => {
  const after1 = await snapshotMaildrop(lab.pop3Port, 'alice', PASSWORD);
  assert.deepEqual(after1, before1);
  assert.ok(after1.every((m) => !m.seededByTool));
});

test('the same seed generates the same command strings', { skip: unavailable }, () => {
  const sample = (): unknown[] => fc.sample(prop.arbitrary(settings), { seed: SEED, numRuns: 5 }).map((i) => prop.describeInput(i));
  const first = sample();
  assert.deepEqual(sample(), first);
  assert.ok(JSON.stringify(first).includes('DELE'), 'DELE is generated');
});

test('DELE never names the user\'s own messages unless destructive runs are allowed', { skip: unavailable }, () => {
  const inputs = fc.sample(prop.arbitrary(settings), { seed: SEED, numRuns: 200 });
  const lines = inputs.flatMap((i) => [...i.commands].map(String));
  assert.ok(lines.some((l) => l.startsWith('DELE seeded')));
  assert.ok(!lines.some((l) => l.startsWith('DELE own')));
  const destructive = fc.sample(prop.arbitrary({ ...settings, allowDestructive: true }), { seed: SEED, numRuns: 200 });
  assert.ok(destructive.flatMap((i) => [...i.commands].map(String)).some((l) => l.startsWith('DELE own')));
});

test('without a seed command or an account the property says why it cannot run', () => {
  const base = { protocol: 'pop3', endpoint: { host: '127.0.0.1', port: 1 }, vars: new Map(), answerTimeoutMs: 1, connectTimeoutMs: 1, allowDestructive: false, namespace: 'n', maxCommands: 1 } as const;
  assert.match(prop.unavailableReason!({ ...base, user: 'u', password: 'p' }) ?? '', /--seed-command/);
  assert.match(prop.unavailableReason!({ ...base, seedCommand: 'true' }) ?? '', /account/);
  assert.equal(prop.unavailableReason!({ ...base, user: 'u', password: 'p', seedCommand: 'true' }), undefined);
});

/**
 * A tiny POP3 server over a directory of messages (the seed command writes files there) whose QUIT
 * forgets to remove the messages marked as deleted: RFC 1939 §6 broken, everything else right.
 */
async function startForgetfulPop3(dir: string): Promise<{ port: number; close(): Promise<void> }> {
  const sessions = new WeakMap<net.Socket, Array<{ uid: string; lines: string[]; deleted: boolean }>>();
  const ok = (socket: net.Socket, text: string, body?: string[]): void => {
    socket.write(`+OK ${text}\r\n${body ? body.map((l) => (l.startsWith('.') ? `.${l}` : l) + '\r\n').join('') + '.\r\n' : ''}`);
  };
  const size = (m: { lines: string[] }): number => m.lines.reduce((n, l) => n + l.length + 2, 0);
  return startFaultServer({
    onConnect: (socket) => ok(socket, 'ready'),
    onLine: (line, socket) => {
      const [verb = '', a, b] = line.split(' ');
      const drop = sessions.get(socket) ?? [];
      const numbered = a !== undefined && ['LIST', 'UIDL', 'RETR', 'TOP', 'DELE'].includes(verb.toUpperCase());
      const msg = numbered ? drop[Number(a) - 1] : undefined;
      const live = drop.filter((m) => !m.deleted);
      if (numbered && (msg === undefined || msg.deleted)) return void socket.write('-ERR no such message\r\n');
      switch (verb.toUpperCase()) {
        case 'USER': return ok(socket, 'user');
        case 'PASS':
          void readdir(dir).then(async (names) => {
            const files = await Promise.all(names.sort().map(async (uid) => ({ uid, lines: (await readFile(path.join(dir, uid), 'latin1')).split('\r\n').slice(0, -1), deleted: false })));
            sessions.set(socket, files);
            ok(socket, 'logged in');
          });
          return;
        case 'STAT': return ok(socket, `${live.length} ${live.reduce((n, m) => n + size(m), 0)}`);
        case 'LIST': return msg ? ok(socket, `${a} ${size(msg)}`) : ok(socket, 'list', drop.flatMap((m, i) => (m.deleted ? [] : [`${i + 1} ${size(m)}`])));
        case 'UIDL': return msg ? ok(socket, `${a} ${msg.uid}`) : ok(socket, 'uidl', drop.flatMap((m, i) => (m.deleted ? [] : [`${i + 1} ${m.uid}`])));
        case 'RETR': return ok(socket, 'message', msg!.lines);
        case 'TOP': return ok(socket, 'top', msg!.lines.slice(0, msg!.lines.indexOf('') + 1 + Number(b)));
        case 'DELE': msg!.deleted = true; return ok(socket, 'deleted');
        case 'RSET': drop.forEach((m) => (m.deleted = false)); return ok(socket, 'reset');
        case 'NOOP': return ok(socket, '');
        case 'QUIT': ok(socket, 'bye (nothing removed)'); socket.end(); return;
        default: socket.write('-ERR unknown\r\n');
      }
    },
  });
}

test('catches a server whose QUIT keeps the messages marked as deleted (RFC 1939 §6)', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mailconform-forgetful-'));
  const server = await startForgetfulPop3(dir);
  try {
    const faulty: FuzzSettings = {
      protocol: 'pop3', endpoint: { host: '127.0.0.1', port: server.port }, user: 'u', password: 'p', vars: new Map(), answerTimeoutMs: 2000, connectTimeoutMs: 2000,
      allowDestructive: false, namespace: 'forgetful', maxCommands: 12, seedCommand: `cat > ${dir}/$(date +%s%N)`,
    };
    const result = await fc.check(fc.asyncProperty(prop.arbitrary(faulty), (input) => prop.run(input, faulty, { commands: 0 })), { seed: SEED, numRuns: 100 });
    assert.ok(result.failed && isFuzzFailure(result.errorInstance), String(result.errorInstance));
    assert.equal(result.errorInstance.evidence.rule, 'UPDATE.removes-deleted');
    const commands = (prop.describeInput(result.counterexample![0]) as { commands: string[] }).commands;
    assert.deepEqual(commands, ['DELE seeded[0]', 'QUIT+reconnect']);
    // A replay rebuilds the same shrunk input from {seed, path} and this replayPath.
    const replayPath = replayPathOf(result.counterexample);
    assert.ok(replayPath !== undefined, String(result.counterexample?.[0]));
    const replayed = await fc.check(fc.asyncProperty(prop.arbitrary(faulty, { replayPath }), (input) => prop.run(input, faulty, { commands: 0 })), { seed: SEED, path: result.counterexamplePath!, numRuns: 1 });
    assert.ok(replayed.failed);
    assert.deepEqual((prop.describeInput(replayed.counterexample![0]) as { commands: string[] }).commands, commands);
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
});
