import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import type { FuzzEndpoint, FuzzSettings } from '../../src/fuzz/fuzz-property.js';
import type { TlsSettings } from '../../src/transport/connection.js';
import { startDovecot } from '../../src/lab/dovecot.js';
import { startPostfix, type PostfixLab } from '../../src/lab/postfix.js';
import type { Protocol } from '../../src/report/result.js';
import type { ProxyTlsIdentity } from '../helpers/fault-proxy/terminate-tls.js';

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
  /** The client's certificate checks (--ca with the lab certificate), for STARTTLS/STLS in the cases. */
  readonly tls: TlsSettings;
  /** The lab certificate for faults that terminate TLS: in memory for the proxy, as files for the proxy process. */
  readonly proxyTls: ProxyTlsIdentity & { readonly certFile: string; readonly keyFile: string };
  fuzzSettings(endpoint: FuzzEndpoint): FuzzSettings;
  /**
   * Empties what earlier runs left on the lab account (a fault that breaks a case's cleanup leaves
   * its messages and mailboxes behind), straight through the server, not the proxy. The account is
   * the lab's own: nothing on it is anybody's mail.
   */
  tidy(): Promise<void>;
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
function fuzzSettings(protocol: Protocol, endpoint: FuzzEndpoint, vars: ReadonlyMap<string, string>, seedCommand: string | undefined, linked: FuzzSettings['linked']): FuzzSettings {
  const account = protocol === 'smtp' ? {} : { user: vars.get('user')!, password: PASSWORD };
  return {
    protocol,
    endpoint,
    ...account,
    vars: new Map([...vars].filter(([name]) => name !== 'user' && name !== 'password')),
    ...(linked !== undefined ? { linked } : {}),
    answerTimeoutMs: 1500,
    connectTimeoutMs: 3000,
    allowDestructive: false,
    namespace: 'mailconform-detect',
    maxCommands: 10,
    ...(seedCommand !== undefined ? { seedCommand } : {}),
  };
}

/**
 * Starts one Dovecot (POP3 with APOP, and IMAP) and a Postfix on 127.0.0.1 in temp dirs. Postfix
 * delivers alice's mail into the Maildir Dovecot serves, for smtp.delivery; the SMTP suites mail
 * bob and carol, so the POP3 cases never see their messages. As the suite tests run them: STARTTLS
 * and STLS on, one certificate for both servers (so one CA trusts all three protocols), SMTP AUTH
 * through Dovecot's auth socket as alice, offered in clear too.
 */
export async function startDetectionLab(): Promise<DetectionLab> {
  const dovecot = await startDovecot({
    users: [{ name: 'alice', password: PASSWORD }, { name: 'bob' }],
    apop: true,
    authPenalty: false,
    authFailureDelay: false,
    tls: true,
    cramMd5: true,
    authSocket: true,
  });
  let postfix: PostfixLab;
  try {
    postfix = await startPostfix({
      users: ['bob', 'carol'],
      linkedMaildirs: { owner: 'mail', maildirs: { alice: dovecot.users[0]!.maildir } },
      tls: { certFile: dovecot.certFile!, keyFile: dovecot.keyFile! },
      sasl: { dovecotAuthSocket: dovecot.authSocketPath!, tlsAuthOnly: false },
    });
  } catch (err) {
    await dovecot.stop();
    throw err;
  }
  const address = (user: string): string => postfix.mailboxes.find((m) => m.user === user)!.address;
  const tls: TlsSettings = { verify: true, ca: [Buffer.from(dovecot.certPem!)] };
  const proxyTls = { cert: dovecot.certPem!, key: readFileSync(dovecot.keyFile!), certFile: dovecot.certFile!, keyFile: dovecot.keyFile! };
  const smtpVars = new Map([['rcpt', address('bob')], ['rcpt2', address('carol')], ['user', 'alice'], ['password', PASSWORD]]);
  // smtp.delivery sends to alice and reads her mail back over POP3.
  const linked: FuzzSettings['linked'] = { protocol: 'pop3', endpoint: { host: dovecot.host, port: dovecot.pop3Port }, user: 'alice', password: PASSWORD, deliveryTimeoutMs: 5000 };
  const accountVars = new Map([['user', 'alice'], ['password', PASSWORD]]);
  const seedCommand = dovecot.seedCommand('alice');
  const tidyAccount = async (): Promise<void> => {
    const extra = (await dovecot.doveadm(['mailbox', 'list', '-u', 'alice'])).split('\n').map((n) => n.trim()).filter((n) => n !== '' && n !== 'INBOX');
    // Deepest first, so a parent is empty when its turn comes.
    // A parent listed only for its children is gone with them: "doesn't exist" is then fine.
    for (const name of extra.sort((a, b) => b.length - a.length)) {
      await dovecot.doveadm(['mailbox', 'delete', '-u', 'alice', '-s', name]).catch((e: unknown) => {
        if (!/doesn't exist/.test((e as Error).message)) throw e;
      });
    }
    await dovecot.doveadm(['expunge', '-u', 'alice', 'mailbox', 'INBOX', 'all']);
  };
  const server = (protocol: Protocol, port: number, vars: ReadonlyMap<string, string>, baseline: string, seed?: string): DetectionServer => ({
    tidy: protocol === 'smtp' ? () => Promise.resolve() : tidyAccount,
    protocol,
    port,
    vars,
    ...(seed !== undefined ? { seedCommand: seed } : {}),
    deviations: deviations(baseline, protocol),
    tls,
    proxyTls,
    fuzzSettings: (endpoint) => {
      const settings = fuzzSettings(protocol, endpoint, vars, seed, protocol === 'smtp' ? linked : undefined);
      return protocol === 'smtp' ? { ...settings, vars: new Map([...settings.vars, ['rcpt', address('alice')]]) } : settings;
    },
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
