import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import type { FuzzEndpoint, FuzzSettings } from '../../src/fuzz/fuzz-property.js';
import { startDovecot, type DovecotLab } from '../../src/lab/dovecot.js';
import { startPostfix, type PostfixLab } from '../../src/lab/postfix.js';
import type { Protocol } from '../../src/report/result.js';

/** The clean servers the faults sit in front of, with what suites and fuzzers need to use them. */
export interface DetectionServer {
  readonly protocol: Protocol;
  /** Where the real server listens (the proxy's upstream). */
  readonly port: number;
  /** Suite variables (secrets included: the runner redacts them). */
  readonly vars: ReadonlyMap<string, string>;
  readonly seedCommand?: string;
  /** Case ids the clean server fails: its documented deviations (test/baselines). */
  readonly deviations: ReadonlySet<string>;
  fuzzSettings(endpoint: FuzzEndpoint): FuzzSettings;
}

export interface DetectionLab {
  readonly servers: Readonly<Record<Protocol, DetectionServer>>;
  stop(): Promise<void>;
}

const PASSWORD = 'detect-Pw-5';
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const SUITES_DIR = path.join(ROOT, 'suites');
export const FIXTURES_DIR = path.join(ROOT, 'fixtures');

function deviations(file: string, protocol: Protocol): ReadonlySet<string> {
  const { deviations: all } = JSON.parse(readFileSync(path.join(ROOT, 'test/baselines', file), 'utf8')) as { deviations: Record<string, string> };
  return new Set(Object.keys(all).filter((id) => id.startsWith(`${protocol}.`)));
}

/** Short answer timeouts: hang faults are waited out at every shrink step. Dovecot's failed-login delay is off for that reason. */
function fuzzSettings(protocol: Protocol, endpoint: FuzzEndpoint, vars: ReadonlyMap<string, string>, seedCommand: string | undefined): FuzzSettings {
  const account = protocol === 'smtp' ? {} : { user: vars.get('user')!, password: PASSWORD };
  return {
    protocol,
    endpoint,
    ...account,
    vars: new Map([...vars].filter(([name]) => name !== 'user' && name !== 'password')),
    answerTimeoutMs: 1500,
    connectTimeoutMs: 3000,
    allowDestructive: false,
    namespace: 'mailconform-detect',
    maxCommands: 10,
    ...(seedCommand !== undefined ? { seedCommand } : {}),
  };
}

/** Starts Postfix and one Dovecot (POP3 with APOP, and IMAP) on 127.0.0.1 in temp dirs. */
export async function startDetectionLab(): Promise<DetectionLab> {
  let postfix: PostfixLab | undefined;
  let dovecot: DovecotLab | undefined;
  try {
    postfix = await startPostfix();
    dovecot = await startDovecot({ users: [{ name: 'alice', password: PASSWORD }, { name: 'bob' }], apop: true, authPenalty: false, authFailureDelay: false });
  } catch (err) {
    await postfix?.stop();
    throw err;
  }
  const smtpVars = new Map([['rcpt', postfix.mailboxes[0]!.address], ['rcpt2', postfix.mailboxes[1]!.address]]);
  const accountVars = new Map([['user', 'alice'], ['password', PASSWORD]]);
  const seedCommand = dovecot.seedCommand('alice');
  const server = (protocol: Protocol, port: number, vars: ReadonlyMap<string, string>, baseline: string, seed?: string): DetectionServer => ({
    protocol,
    port,
    vars,
    ...(seed !== undefined ? { seedCommand: seed } : {}),
    deviations: deviations(baseline, protocol),
    fuzzSettings: (endpoint) => fuzzSettings(protocol, endpoint, vars, seed),
  });
  const lab = { postfix, dovecot };
  return {
    servers: {
      smtp: server('smtp', postfix.port, smtpVars, 'postfix-3.7.json'),
      pop3: server('pop3', dovecot.pop3Port, accountVars, 'dovecot-2.3.json', seedCommand),
      imap: server('imap', dovecot.imapPort, accountVars, 'dovecot-2.3.json'),
    },
    stop: async () => {
      await lab.postfix.stop();
      await lab.dovecot.stop();
    },
  };
}
