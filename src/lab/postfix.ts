import { existsSync, readFileSync, rmSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { placeLabCert, type TlsCertFiles } from './tls-cert.js';
import {
  accountIds, describeResult, pidAlive, runCommand, signalQuietly, sleep, sleepSync, tailFile, untraversableAncestor, waitForGreeting, waitForPidExit,
} from './process-util.js';

export interface LabMailbox { readonly user: string; readonly address: string; readonly maildir: string; }
export interface DeliveredMessage { readonly file: string; readonly bytes: Buffer; }
export interface PostfixLab {
  readonly host: string;
  readonly port: number;
  readonly domain: string;
  readonly hostname: string;
  readonly mailboxes: readonly LabMailbox[];
  readonly dir: string;
  /** Pid of this instance's master daemon (for diagnostics and tests of stop()). */
  readonly masterPid: number;
  /** With `tls`: the implicit-TLS submission port (RFC 8314 §3.3, what 465 is); STARTTLS is offered on `port`. */
  readonly smtpsPort?: number;
  /** With `tls`: the server's certificate in PEM, the one anchor a client must trust (it is self-signed). */
  readonly certPem?: string;
  /** Messages delivered to a user's Maildir (new/ and cur/), oldest first. */
  readDelivered(user: string): Promise<DeliveredMessage[]>;
  /** Polls (bounded by timeoutMs, default 10 s) until a delivered message satisfies the predicate; rejects with a clear Error on timeout. */
  waitForDelivery(user: string, predicate: (m: DeliveredMessage) => boolean, timeoutMs?: number): Promise<DeliveredMessage>;
  /** The tail of the instance's maillog, for diagnostics. */
  logTail(lines?: number): Promise<string>;
  /** Idempotent; stops only this instance's master, removes the temp dir unless KEEP_LAB_DIR=1. */
  stop(): Promise<void>;
}
export interface PostfixLabOptions {
  domain?: string;
  users?: readonly string[];
  port?: number;
  /**
   * Deliver to Maildirs that exist already, e.g. a Dovecot lab's (user → Maildir path; the user is
   * added to `users`), so that what Postfix delivers is read back over POP3/IMAP. Deliveries from the
   * lab's root-owned alias table run as default_privs: `owner` (the account that owns those Maildirs,
   * e.g. "mail"; never root). The lab's own Maildirs are then owned by it too.
   */
  linkedMaildirs?: { readonly owner: string; readonly maildirs: Readonly<Record<string, string>> };
  /**
   * STARTTLS on `port` (smtpd_tls_security_level = may, RFC 3207) and an implicit-TLS smtpd on `smtpsPort`
   * (smtpd_tls_wrappermode). `true`: a fresh self-signed certificate for 127.0.0.1, ::1 and localhost; or the files
   * of one made elsewhere (e.g. a Dovecot lab's certFile/keyFile). The key must be readable by root.
   * @defaultValue off (no TLS, as before)
   */
  tls?: true | TlsCertFiles;
  /**
   * SMTP AUTH (RFC 4954) checked by Dovecot, the usual pairing: `smtpd_sasl_type = dovecot` on a Dovecot lab's
   * authSocketPath (absolute: the lab's smtpd runs unchrooted). The mechanisms are whatever Dovecot offers.
   */
  sasl?: {
    readonly dovecotAuthSocket: string;
    /**
     * smtpd_tls_auth_only: AUTH only after STARTTLS (and on smtpsPort), so no password crosses in clear.
     * @defaultValue true with `tls`; without TLS it is always false (else AUTH would never be offered)
     */
    readonly tlsAuthOnly?: boolean;
  };
}

const HOST = '127.0.0.1';
const POSTFIX = '/usr/sbin/postfix';
const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 10_000;

/** Why Postfix can't be started here, or undefined if it can. One line, says what to install. */
export function postfixUnavailableReason(): string | undefined {
  if (process.platform !== 'linux') return `the Postfix lab needs Linux (this is ${process.platform})`;
  if (!existsSync(POSTFIX)) return `Postfix is not installed (${POSTFIX} missing): install the Debian package postfix, e.g. sudo bash scripts/install-servers.sh`;
  if (process.getuid?.() !== 0) return 'the Postfix lab must run as root (postfix start needs it); Postfix itself is installed';
  return undefined;
}

/** One live instance, as the process-exit hook needs it (plain data, no async). */
interface LiveEntry { readonly dir: string; readonly queue: string; pid: number | undefined; }
const live = new Set<LiveEntry>();
let exitHooked = false;

const keepDir = (): boolean => process.env['KEEP_LAB_DIR'] === '1';

/** True if pid is the master of the instance whose queue is `queue` (guards against pid reuse). */
function isOurMaster(pid: number, queue: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(`queue_directory=${queue}`);
  } catch {
    return pidAlive(pid); // no /proc: trust the pid file
  }
}

/** Last-resort cleanup when the test process exits without stopping its labs: synchronous only. */
function stopAllSync(): void {
  const ours = [...live].flatMap((e) => (e.pid !== undefined && pidAlive(e.pid) && isOurMaster(e.pid, e.queue) ? [e.pid] : []));
  for (const pid of ours) signalQuietly(pid, 'SIGTERM');
  const deadline = Date.now() + 3000;
  while (ours.some(pidAlive) && Date.now() < deadline) sleepSync(50);
  for (const pid of ours.filter(pidAlive)) signalQuietly(-pid, 'SIGKILL'); // master is its own process group leader
  if (!keepDir()) for (const e of live) rmSync(e.dir, { recursive: true, force: true });
  live.clear();
}

function hookExit(): void {
  if (exitHooked) return;
  exitHooked = true;
  process.on('exit', stopAllSync);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      stopAllSync();
      process.kill(process.pid, sig); // our listener is gone now, so this takes the default action
    });
  }
}

async function readMasterPid(queue: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt((await readFile(join(queue, 'pid', 'master.pid'), 'utf8')).trim(), 10);
    return Number.isInteger(pid) && pid > 1 ? pid : undefined;
  } catch {
    return undefined;
  }
}

async function stopEntry(entry: LiveEntry): Promise<void> {
  const pid = entry.pid ?? (await readMasterPid(entry.queue));
  if (pid !== undefined && pidAlive(pid) && isOurMaster(pid, entry.queue)) {
    signalQuietly(pid, 'SIGTERM'); // what `postfix stop` does, minus its unreliable wait
    if (!(await waitForPidExit(pid, STOP_TIMEOUT_MS))) {
      signalQuietly(-pid, 'SIGKILL');
      if (!(await waitForPidExit(pid, 3000))) throw new Error(`Postfix master ${pid} (${entry.dir}) would not die`);
    }
  }
  live.delete(entry);
  if (!keepDir()) await rm(entry.dir, { recursive: true, force: true });
}

/** The TLS and SASL part of main.cf; empty when neither is asked for, so the default lab is unchanged. */
function securityCf(cert: TlsCertFiles | undefined, sasl: PostfixLabOptions['sasl']): string {
  const tls = cert === undefined ? '' : `smtpd_tls_cert_file = ${cert.certFile}
smtpd_tls_key_file = ${cert.keyFile}
# Offer STARTTLS, don't require it (RFC 3207 §4: a publicly-referenced server must not require it).
smtpd_tls_security_level = may
smtpd_tls_loglevel = 1
`;
  const saslCf = sasl === undefined ? '' : `smtpd_sasl_auth_enable = yes
smtpd_sasl_type = dovecot
smtpd_sasl_path = ${sasl.dovecotAuthSocket}
smtpd_tls_auth_only = ${cert !== undefined && sasl.tlsAuthOnly !== false ? 'yes' : 'no'}
`;
  return tls + saslCf;
}

function mainCf(p: { queue: string; data: string; logDir: string; etc: string; domain: string; hostname: string; deliveryOwner: string }): string {
  return `# Private lab instance; everything not set here is Postfix's built-in default.
compatibility_level = 3.6
queue_directory = ${p.queue}
data_directory = ${p.data}
maillog_file = ${p.logDir}/maillog
maillog_file_prefixes = ${p.logDir}
myhostname = ${p.hostname}
mydomain = ${p.domain}
myorigin = $mydomain
mydestination = $mydomain
inet_interfaces = ${HOST}
inet_protocols = ipv4
mynetworks = ${HOST}/32
# No relaying at all, not even for mynetworks (the test client is on loopback).
relay_domains =
smtpd_relay_restrictions = reject_unauth_destination
default_transport = error:no delivery outside ${p.domain} in this lab
relay_transport = error:no relay in this lab
smtp_dns_support_level = disabled
smtpd_peername_lookup = no
# Only the lab's users exist: no passwd lookups, no system mailboxes.
alias_maps = texthash:${p.etc}/aliases
alias_database =
local_recipient_maps = $alias_maps
# File and Maildir deliveries from the root-owned alias table run as this account (local(8) DELIVERY RIGHTS).
default_privs = ${p.deliveryOwner}
`;
}

function masterCf(port: number, smtpsPort: number | undefined): string {
  // Debian's stock services, unchrooted (the chroot would lack our temp paths and the Dovecot socket), plus postlog for maillog_file.
  const tls = smtpsPort === undefined ? [] : [
    `${HOST}:${smtpsPort} inet n - n - - smtpd`,
    '  -o syslog_name=postfix/smtps',
    '  -o smtpd_tls_wrappermode=yes',
    '  -o smtpd_tls_security_level=encrypt',
    'tlsmgr unix - - n 1000? 1 tlsmgr',
  ];
  return [
    `${HOST}:${port} inet n - n - - smtpd`,
    ...tls,
    'pickup unix n - n 60 1 pickup',
    'cleanup unix n - n - 0 cleanup',
    'qmgr unix n - n 300 1 qmgr',
    'rewrite unix - - n - - trivial-rewrite',
    'bounce unix - - n - 0 bounce',
    'defer unix - - n - 0 bounce',
    'trace unix - - n - 0 bounce',
    'verify unix - - n - 1 verify',
    'flush unix n - n 1000? 0 flush',
    'proxymap unix - - n - - proxymap',
    'proxywrite unix - - n - 1 proxymap',
    'showq unix n - n - - showq',
    'error unix - - n - - error',
    'retry unix - - n - - error',
    'discard unix - - n - - discard',
    'local unix - n n - - local',
    'anvil unix - - n - 1 anvil',
    'scache unix - - n - 1 scache',
    'postlog unix-dgram n - n - 1 postlogd',
    '',
  ].join('\n');
}

class Lab implements PostfixLab {
  readonly host = HOST;
  readonly smtpsPort?: number;
  readonly certPem?: string;
  private stopping: Promise<void> | undefined;

  constructor(
    readonly port: number,
    readonly domain: string,
    readonly hostname: string,
    readonly mailboxes: readonly LabMailbox[],
    readonly dir: string,
    readonly masterPid: number,
    private readonly entry: LiveEntry,
    optional: Pick<PostfixLab, 'smtpsPort' | 'certPem'>,
  ) {
    Object.assign(this, optional);
  }

  private mailbox(user: string): LabMailbox {
    const box = this.mailboxes.find((m) => m.user === user);
    if (!box) throw new Error(`no lab mailbox for ${JSON.stringify(user)} (have ${this.mailboxes.map((m) => m.user).join(', ')})`);
    return box;
  }

  async readDelivered(user: string): Promise<DeliveredMessage[]> {
    const { maildir } = this.mailbox(user);
    const found: { file: string; bytes: Buffer; mtime: number; name: string }[] = [];
    for (const sub of ['new', 'cur']) {
      for (const name of await readdir(join(maildir, sub)).catch(() => [] as string[])) {
        if (name.startsWith('.')) continue;
        const file = join(maildir, sub, name);
        try {
          const [st, bytes] = await Promise.all([stat(file), readFile(file)]);
          found.push({ file, bytes, mtime: st.mtimeMs, name });
        } catch {
          // Moved new/ -> cur/ by a reader between readdir and read; the next poll sees it.
        }
      }
    }
    found.sort((a, b) => a.mtime - b.mtime || a.name.localeCompare(b.name));
    return found.map(({ file, bytes }) => ({ file, bytes }));
  }

  async waitForDelivery(user: string, predicate: (m: DeliveredMessage) => boolean, timeoutMs = 10_000): Promise<DeliveredMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const messages = await this.readDelivered(user);
      const hit = messages.find(predicate);
      if (hit) return hit;
      if (Date.now() >= deadline) {
        throw new Error(
          `no message matching the predicate was delivered to ${user} within ${timeoutMs} ms ` +
            `(${messages.length} delivered); maillog tail:\n${await this.logTail(20)}`,
        );
      }
      await sleep(100);
    }
  }

  logTail(lines = 50): Promise<string> {
    return tailFile(join(this.dir, 'log', 'maillog'), lines);
  }

  stop(): Promise<void> {
    this.stopping ??= stopEntry(this.entry);
    return this.stopping;
  }
}

/** Starts a private Postfix on 127.0.0.1; see PostfixLab. Requires root and the postfix package. */
export async function startPostfix(options: PostfixLabOptions = {}): Promise<PostfixLab> {
  const reason = postfixUnavailableReason();
  if (reason) throw new Error(reason);
  const domain = options.domain ?? 'example.test';
  const linked = options.linkedMaildirs?.maildirs ?? {};
  const users = [...new Set([...(options.users ?? ['alice', 'bob']), ...Object.keys(linked)])];
  if (!/^[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?$/i.test(domain)) throw new Error(`bad lab domain ${JSON.stringify(domain)}`);
  if (users.length === 0 || new Set(users).size !== users.length) throw new Error('lab users must be non-empty and distinct');
  for (const u of users) if (!/^[a-z0-9][a-z0-9._-]*$/i.test(u)) throw new Error(`bad lab user ${JSON.stringify(u)}`);
  const delivery: Delivery = { owner: options.linkedMaildirs?.owner ?? 'nobody', linked };
  // postconf(5): "DO NOT SPECIFY A PRIVILEGED USER OR THE POSTFIX OWNER".
  if (['root', 'postfix'].includes(delivery.owner)) throw new Error(`linkedMaildirs.owner must be an unprivileged account, not ${delivery.owner}`);
  for (const [u, dir] of Object.entries(linked)) if (!dir.startsWith('/') || /[\s,"]/.test(dir)) throw new Error(`linked Maildir of ${u} must be an absolute path without spaces, commas or quotes (an alias table value)`);
  const socket = options.sasl?.dovecotAuthSocket;
  if (socket !== undefined && (!socket.startsWith('/') || /\s/.test(socket))) throw new Error(`sasl.dovecotAuthSocket must be an absolute path without spaces: ${JSON.stringify(socket)}`);
  const blocked = untraversableAncestor(tmpdir());
  if (blocked) throw new Error(`${blocked} is not searchable by others, so Postfix (user postfix/nobody) cannot reach a lab under ${tmpdir()}; set TMPDIR`);
  for (let attempt = 1; ; attempt++) {
    try {
      const security: Security = { tls: options.tls, sasl: options.sasl, smtpsPort: options.tls ? await freePort(HOST) : undefined };
      return await startOnce(domain, users, delivery, options.port ?? (await freePort(HOST)), security);
    } catch (e) {
      // Another process may grab a free port before master binds it: pick another (unless fixed).
      const raced = options.port === undefined && attempt < 3 && /Address already in use/.test((e as Error).message);
      if (!raced) throw e;
    }
  }
}

/** Who local(8) delivers as, and the users whose Maildirs exist already. */
interface Delivery { readonly owner: string; readonly linked: Readonly<Record<string, string>>; }
/** The opt-in TLS and SASL settings, with the implicit-TLS port picked for this attempt. */
interface Security { readonly tls: PostfixLabOptions['tls']; readonly sasl: PostfixLabOptions['sasl']; readonly smtpsPort: number | undefined; }

async function startOnce(domain: string, users: readonly string[], delivery: Delivery, port: number, security: Security): Promise<PostfixLab> {
  const hostname = `mail.${domain}`;
  const ids = await accountIds(['postfix', delivery.owner]);
  const owner = ids.get(delivery.owner);
  if (owner?.uid === 0) throw new Error(`linkedMaildirs.owner ${delivery.owner} is uid 0: deliveries must not run as root`);

  const dir = await mkdtemp(join(tmpdir(), 'mailconform-postfix-'));
  const [etc, queue, data, logDir, mail] = ['etc', 'queue', 'data', 'log', 'mail'].map((d) => join(dir, d)) as [string, string, string, string, string];
  const entry: LiveEntry = { dir, queue, pid: undefined };
  live.add(entry);
  hookExit();
  const mailboxes = users.map((user) => ({ user, address: `${user}@${domain}`, maildir: delivery.linked[user] ?? join(mail, user) }));
  try {
    await chmod(dir, 0o755); // postfix and nobody must traverse it
    for (const d of [etc, queue, logDir, mail]) await mkdir(d, { mode: 0o755 });
    await mkdir(data, { mode: 0o700 });
    const pf = ids.get('postfix');
    if (pf) await chown(data, pf.uid, pf.gid);
    // Deliveries from a root-owned alias table run as default_privs (nobody, or the linked Maildirs' owner).
    for (const box of mailboxes.filter((b) => delivery.linked[b.user] === undefined)) {
      for (const sub of ['', 'tmp', 'new', 'cur']) {
        await mkdir(join(box.maildir, sub), { recursive: true, mode: 0o700 });
        if (owner) await chown(join(box.maildir, sub), owner.uid, owner.gid);
      }
    }
    // Trailing slash = Maildir delivery. RFC 5321 §4.5.1: postmaster must be deliverable.
    const aliases = mailboxes.map((b) => `${b.user} ${b.maildir}/`);
    if (!users.includes('postmaster')) aliases.push(`postmaster ${mailboxes[0]?.maildir ?? ''}/`);
    await writeFile(join(etc, 'aliases'), `${aliases.join('\n')}\n`);
    const cert = security.tls === undefined ? undefined : await placeLabCert(join(dir, 'tls'), security.tls === true ? undefined : security.tls);
    const main = mainCf({ queue, data, logDir, etc, domain, hostname, deliveryOwner: delivery.owner }) + securityCf(cert, security.sasl);
    await writeFile(join(etc, 'main.cf'), main);
    await writeFile(join(etc, 'master.cf'), masterCf(port, security.smtpsPort));

    const r = await runCommand(POSTFIX, ['-c', etc, 'start'], { timeoutMs: START_TIMEOUT_MS });
    entry.pid = await readMasterPid(queue);
    if (r.code !== 0) throw new Error(describeResult('postfix start', r));
    if (entry.pid === undefined) throw new Error('postfix start wrote no master.pid');
    await waitForGreeting(HOST, port, START_TIMEOUT_MS);
    // smtpd loads the certificate per connection: one handshake shows it loads.
    if (security.smtpsPort !== undefined) await waitForGreeting(HOST, security.smtpsPort, START_TIMEOUT_MS, true);
    const optional = security.smtpsPort !== undefined && cert ? { smtpsPort: security.smtpsPort, certPem: cert.certPem } : {};
    return new Lab(port, domain, hostname, mailboxes, dir, entry.pid, entry, optional);
  } catch (e) {
    const tail = await tailFile(join(logDir, 'maillog'), 30);
    await stopEntry(entry).catch(() => undefined);
    const where = keepDir() ? `kept in ${dir}` : `${dir}, removed`;
    throw new Error(`Postfix lab failed to start on ${HOST}:${port}: ${(e as Error).message}\n--- maillog tail (${where}) ---\n${tail}`, { cause: e });
  }
}
