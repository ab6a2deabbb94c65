import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, rmSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { freePort } from './free-port.js';
import { placeLabCert, type TlsCertFiles } from './tls-cert.js';
import {
  accountIds, describeResult, groupAlive, pidAlive, runCommand, signalQuietly, sleepSync, tailFile, untraversableAncestor, waitForBanner, waitForGroupExit, waitForPidExit,
} from './process-util.js';

export interface DovecotUser { readonly name: string; readonly password: string; readonly maildir: string; }
export interface DovecotLab {
  readonly host: string;
  readonly imapPort: number;
  readonly pop3Port: number;
  readonly users: readonly DovecotUser[];
  readonly dir: string;
  readonly configFile: string;
  /** Pid of this instance's master process (for diagnostics and tests of stop()). */
  readonly masterPid: number;
  /** With `tls`: the implicit-TLS ports (RFC 8314 §3.3: what 993 and 995 are); STARTTLS/STLS are on imapPort/pop3Port. */
  readonly imapsPort?: number;
  readonly pop3sPort?: number;
  /** With `tls`: the server's certificate in PEM, the one anchor a client must trust (it is self-signed). */
  readonly certPem?: string;
  /** With `tls`: the certificate and key files (the key root-only), e.g. for a Postfix lab to serve the same ones. */
  readonly certFile?: string;
  readonly keyFile?: string;
  /** With `authSocket`: Dovecot's SASL auth socket, for Postfix (`smtpd_sasl_type = dovecot`, `smtpd_sasl_path`). */
  readonly authSocketPath?: string;
  /** Puts a message into a user's INBOX through Dovecot itself (doveadm save), so POP3/IMAP see it at once. Dovecot
   *  stores LF line ends (mail_save_crlf = no) and serves CRLF: seed CRLF text to get it back byte for byte. */
  seed(user: string, message: Buffer): Promise<void>;
  /** The shell command a tool can run to seed a message for `user` from stdin (for mailconform's --seed-command). */
  seedCommand(user: string): string;
  /** Runs doveadm against this instance (e.g. ['fetch','-u','alice','uid text','all']), `input` on its stdin (e.g. for save -m MAILBOX); returns stdout; throws with stderr on failure. */
  doveadm(args: readonly string[], input?: Buffer): Promise<string>;
  /** The tail of the instance's log (plus anything the master wrote to stdout/stderr), for diagnostics. */
  logTail(lines?: number): Promise<string>;
  /** Idempotent; stops only this instance's master (and its children), removes the temp dir unless KEEP_LAB_DIR=1. */
  stop(): Promise<void>;
}
export interface DovecotLabOptions {
  users?: ReadonlyArray<{ name: string; password?: string }>;
  /** Also offer APOP (RFC 1939 §7): the POP3 greeting then carries a `<timestamp>` challenge. */
  apop?: boolean;
  /** Dovecot's per-IP auth penalty (on by default, as in Dovecot): after failed logins from 127.0.0.1, every
   *  later login, good or bad, waits 2, 4, 8, then 15 s. Turn it off for suites that test failed logins. */
  authPenalty?: boolean;
  /** Dovecot answers a failed login only after auth_failure_delay (2 s). Off for fuzz tests that use short answer timeouts. */
  authFailureDelay?: boolean;
  /**
   * TLS: `ssl = yes` (STARTTLS on IMAP, STLS on POP3, on the plain ports) plus imaps and pop3s listeners on two more
   * free ports. `true`: a fresh self-signed certificate for 127.0.0.1, ::1 and localhost (see tls-cert.ts); or the
   * files of one made elsewhere (e.g. generateSelfSignedCert with WRONG_NAME_ALT_NAMES). The key must be readable by root.
   * @defaultValue off (`ssl = no`, as before)
   */
  tls?: true | TlsCertFiles;
  /**
   * `'tls-only'` sets disable_plaintext_auth = yes: LOGIN, USER/PASS and the plaintext SASL mechanisms are refused
   * before TLS (IMAP then advertises LOGINDISABLED, RFC 3501 §6.2.3). Dovecot counts a connection whose source and
   * destination IP are the same as secure, so a client sees this only from another loopback address (e.g. 127.0.0.2).
   * @defaultValue 'always'
   */
  plaintextAuth?: 'always' | 'tls-only';
  /** Also offer SASL CRAM-MD5 (RFC 2195; the passwd-file keeps passwords in {PLAIN}, which it needs). */
  cramMd5?: boolean;
  /** Also listen on an auth-client socket in the lab's dir (mode 0666: Postfix's smtpd asks it as user postfix); see authSocketPath. */
  authSocket?: boolean;
}

const HOST = '127.0.0.1';
const DOVECOT = '/usr/sbin/dovecot';
const DOVEADM = '/usr/bin/doveadm';
// Owns the Maildirs: a system account every Debian has (base-passwd), unlike a lab-made user.
const MAIL_OWNER = 'mail';
const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 10_000;

/** Why Dovecot can't be started here, or undefined if it can. One line, says what to install. */
export function dovecotUnavailableReason(): string | undefined {
  if (process.platform !== 'linux') return `the Dovecot lab needs Linux (this is ${process.platform})`;
  const missing = [DOVECOT, DOVEADM, '/usr/lib/dovecot/imap', '/usr/lib/dovecot/pop3'].filter((f) => !existsSync(f));
  if (missing.length > 0) return `Dovecot is not installed (${missing.join(', ')} missing): install the Debian packages dovecot-core dovecot-imapd dovecot-pop3d, e.g. sudo bash scripts/install-servers.sh`;
  if (process.getuid?.() !== 0) return 'the Dovecot lab must run as root (the master drops privileges per service); Dovecot itself is installed';
  return undefined;
}

/** One live instance, as the process-exit hook needs it (plain data, no async). */
interface LiveEntry { readonly dir: string; pid: number | undefined; exited: boolean; }
const live = new Set<LiveEntry>();
const keepDir = (): boolean => process.env['KEEP_LAB_DIR'] === '1';

/** The master is our own child: its pid is ours until Node has reaped it (and then `exited` is set). */
const masterRunning = (e: LiveEntry): e is LiveEntry & { pid: number } => e.pid !== undefined && !e.exited && pidAlive(e.pid);

/** Last-resort cleanup when the test process exits without stopping its labs: synchronous only. */
function stopAllSync(): void {
  const ours = [...live].flatMap((e) => (masterRunning(e) ? [e.pid] : []));
  for (const pid of ours) signalQuietly(pid, 'SIGTERM');
  const deadline = Date.now() + 3000;
  while (ours.some(groupAlive) && Date.now() < deadline) sleepSync(50);
  for (const pid of ours.filter(groupAlive)) signalQuietly(-pid, 'SIGKILL'); // spawned detached: the group is the instance
  if (!keepDir()) for (const e of live) rmSync(e.dir, { recursive: true, force: true });
  live.clear();
}

function hookExit(): void {
  if (process.listeners('exit').includes(stopAllSync)) return;
  process.on('exit', stopAllSync);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      stopAllSync();
      process.kill(process.pid, sig); // our listener is gone now, so this takes the default action
    });
  }
}

async function stopEntry(entry: LiveEntry): Promise<void> {
  if (masterRunning(entry)) {
    const { pid } = entry;
    signalQuietly(pid, 'SIGTERM'); // the master stops its services, closes the listeners and exits (~1 s)
    // A login process still starting up (waiting for the dying auth) keeps the master waiting ~5 s more.
    if (!(await waitForPidExit(pid, 2000))) signalQuietly(-pid, 'SIGTERM');
    if (!(await waitForPidExit(pid, STOP_TIMEOUT_MS))) signalQuietly(-pid, 'SIGKILL');
    // Login/mail processes may outlive the master briefly; while any does, nobody else can own this pgid.
    if (!(await waitForGroupExit(pid, 3000))) signalQuietly(-pid, 'SIGKILL');
    if (!(await waitForGroupExit(pid, 3000))) throw new Error(`Dovecot master ${pid} (${entry.dir}) or its children would not die`);
  }
  live.delete(entry);
  if (!keepDir()) await rm(entry.dir, { recursive: true, force: true });
}

interface ConfParams {
  dir: string; instance: string; imapPort: number; pop3Port: number; apop: boolean; authPenalty: boolean; authFailureDelay: boolean;
  /** Implicit-TLS ports; undefined = no TLS at all. */
  tlsPorts: { imaps: number; pop3s: number } | undefined;
  plaintextAuth: 'always' | 'tls-only'; cramMd5: boolean; authSocket: boolean;
}

/** Where the lab keeps the certificate it generates, and its auth socket (relative names are in base_dir). */
const TLS_SUBDIR = 'tls';
const AUTH_SOCKET = 'auth-postfix';

/** Plain-text listener on the lab port; the implicit-TLS one (imaps/pop3s) on `tlsPort`, or off. */
const loginService = (proto: string, port: number, tlsPort: number | undefined): string => `service ${proto}-login {
  inet_listener ${proto} {
    address = ${HOST}
    port = ${port}
  }
  inet_listener ${proto}s {
${tlsPort === undefined ? '    port = 0' : `    address = ${HOST}
    port = ${tlsPort}
    ssl = yes`}
  }
}`;

/** ssl and the cert (`<` = read the file: the master does, as root); ssl_dh unset, since the key is EC (ECDHE only). */
const sslConf = (p: ConfParams): string => (p.tlsPorts === undefined ? 'ssl = no' : `ssl = yes
ssl_cert = <${p.dir}/${TLS_SUBDIR}/server.crt
ssl_key = <${p.dir}/${TLS_SUBDIR}/server.key`);

const authSocketConf = `# For Postfix's smtpd (runs as postfix): any local user may ask, which is fine for a throwaway lab's users.
service auth {
  unix_listener ${AUTH_SOCKET} {
    mode = 0666
  }
}
`;

function dovecotConf(p: ConfParams): string {
  return `# Private lab instance; everything not set here is Dovecot's built-in default.
instance_name = ${p.instance}
protocols = imap pop3
listen = ${HOST}
base_dir = ${p.dir}/run
state_dir = ${p.dir}/state
log_path = ${p.dir}/dovecot.log
${sslConf(p)}
disable_plaintext_auth = ${p.plaintextAuth === 'tls-only' ? 'yes' : 'no'}
auth_mechanisms = plain login${p.cramMd5 ? ' cram-md5' : ''}${p.apop ? ' apop' : ''}
mail_location = maildir:~/Maildir
# The mail owner is a system account, below the default first_valid_uid/gid (500).
first_valid_uid = 1
first_valid_gid = 1
pop3_uidl_format = %08Xu%08Xv
default_login_user = dovenull
default_internal_user = dovecot
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%n ${p.dir}/passwd
}
userdb {
  driver = static
  args = uid=${MAIL_OWNER} gid=${MAIL_OWNER} home=${p.dir}/mail/%n
}
namespace inbox {
  inbox = yes
  separator = /
}
${loginService('imap', p.imapPort, p.tlsPorts?.imaps)}
${loginService('pop3', p.pop3Port, p.tlsPorts?.pop3s)}
${p.authSocket ? authSocketConf : ''}${p.authFailureDelay ? '' : 'auth_failure_delay = 0\n'}${p.authPenalty ? '' : `# No auth penalty (the documented way to switch it off); the 2 s auth_failure_delay stays.
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
`}`;
}

/** The log's tail, plus what the master printed itself (config and listen errors before its log is up). */
async function labLogTail(dir: string, lines: number): Promise<string> {
  const log = await tailFile(join(dir, 'dovecot.log'), lines);
  const out = (await readFile(join(dir, 'master.out'), 'utf8').catch(() => '')).trim();
  return out ? `${log}\n--- master stdout/stderr ---\n${out}` : log;
}

/** Single-quotes for /bin/sh. */
const shq = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** The lab fields that only some options fill in. */
type OptionalFields = Pick<DovecotLab, 'imapsPort' | 'pop3sPort' | 'certPem' | 'certFile' | 'keyFile' | 'authSocketPath'>;

class Lab implements DovecotLab {
  readonly host = HOST;
  readonly imapsPort?: number;
  readonly pop3sPort?: number;
  readonly certPem?: string;
  readonly certFile?: string;
  readonly keyFile?: string;
  readonly authSocketPath?: string;
  private stopping: Promise<void> | undefined;

  constructor(
    readonly imapPort: number, readonly pop3Port: number, readonly users: readonly DovecotUser[],
    readonly dir: string, readonly configFile: string, readonly masterPid: number, private readonly entry: LiveEntry,
    optional: OptionalFields,
  ) {
    Object.assign(this, optional);
  }

  private user(name: string): DovecotUser {
    const u = this.users.find((x) => x.name === name);
    if (!u) throw new Error(`no lab user ${JSON.stringify(name)} (have ${this.users.map((x) => x.name).join(', ')})`);
    return u;
  }

  async doveadm(args: readonly string[], input?: Buffer): Promise<string> {
    const r = await runCommand(DOVEADM, ['-c', this.configFile, ...args], { timeoutMs: 20_000, ...(input ? { input } : {}) });
    if (r.code !== 0) throw new Error(describeResult(`doveadm ${args.join(' ')}`, r));
    return r.stdout;
  }

  async seed(user: string, message: Buffer): Promise<void> {
    await this.doveadm(['save', '-u', this.user(user).name], message);
  }

  seedCommand(user: string): string {
    this.user(user);
    return `${DOVEADM} -c ${shq(this.configFile)} save -u ${shq(user)}`;
  }

  logTail(lines = 50): Promise<string> {
    return labLogTail(this.dir, lines);
  }

  stop(): Promise<void> {
    this.stopping ??= stopEntry(this.entry);
    return this.stopping;
  }
}

function checkUsers(options: DovecotLabOptions): { name: string; password: string }[] {
  const users = (options.users ?? [{ name: 'alice' }, { name: 'bob' }]).map((u) => ({ name: u.name, password: u.password ?? randomBytes(12).toString('base64url') }));
  if (users.length === 0 || new Set(users.map((u) => u.name.toLowerCase())).size !== users.length) throw new Error('lab users must be non-empty and distinct');
  for (const u of users) {
    // Dovecot lowercases login names (auth_username_format = %Lu), so only lowercase names can log in.
    if (!/^[a-z0-9][a-z0-9._-]*$/.test(u.name)) throw new Error(`bad lab user ${JSON.stringify(u.name)}`);
    // passwd-file is colon-separated, one entry per line.
    if (u.password === '' || /[:\r\n\0]/.test(u.password)) throw new Error(`bad lab password for ${u.name} (empty, or has ':' or a line break)`);
  }
  return users;
}

/** Starts a private Dovecot (IMAP and POP3) on 127.0.0.1; see DovecotLab. Requires root and the Dovecot packages. */
export async function startDovecot(options: DovecotLabOptions = {}): Promise<DovecotLab> {
  const reason = dovecotUnavailableReason();
  if (reason) throw new Error(reason);
  const users = checkUsers(options);
  const blocked = untraversableAncestor(tmpdir());
  if (blocked) throw new Error(`${blocked} is not searchable by others, so Dovecot (users dovecot, ${MAIL_OWNER}) cannot reach a lab under ${tmpdir()}; set TMPDIR`);
  for (let attempt = 1; ; attempt++) {
    try {
      const conf = {
        apop: options.apop === true, authPenalty: options.authPenalty !== false, authFailureDelay: options.authFailureDelay !== false,
        imapPort: await freePort(HOST), pop3Port: await freePort(HOST),
        tlsPorts: options.tls ? { imaps: await freePort(HOST), pop3s: await freePort(HOST) } : undefined,
        plaintextAuth: options.plaintextAuth ?? 'always', cramMd5: options.cramMd5 === true, authSocket: options.authSocket === true,
      };
      return await startOnce(users, conf, options.tls === true ? undefined : options.tls);
    } catch (e) {
      // Another process may grab a free port before the master binds it: pick others.
      if (!(attempt < 3 && /Address already in use/.test((e as Error).message))) throw e;
    }
  }
}

async function startOnce(
  users: readonly { name: string; password: string }[],
  conf: Omit<ConfParams, 'dir' | 'instance'>,
  givenCert: TlsCertFiles | undefined,
): Promise<DovecotLab> {
  const { imapPort, pop3Port } = conf;
  const ids = await accountIds([MAIL_OWNER, 'dovecot', 'dovenull']); // throws if one is missing
  const [owner, dovecotGid] = [ids.get(MAIL_OWNER) ?? { uid: -1, gid: -1 }, ids.get('dovecot')?.gid ?? -1];
  const dir = await mkdtemp(join(tmpdir(), 'mailconform-dovecot-'));
  const configFile = join(dir, 'dovecot.conf');
  const entry: LiveEntry = { dir, pid: undefined, exited: false };
  live.add(entry);
  hookExit();
  const labUsers = users.map((u) => ({ ...u, maildir: join(dir, 'mail', u.name, 'Maildir') }));
  let child: ChildProcess | undefined;
  const giveUp = new AbortController();
  try {
    await chmod(dir, 0o755); // the mail owner must traverse it to reach mail/
    await mkdir(join(dir, 'mail'), { mode: 0o700 });
    await chown(join(dir, 'mail'), owner.uid, owner.gid);
    for (const u of labUsers) {
      for (const sub of ['..', '.', 'cur', 'new', 'tmp']) { // '..' is the home directory
        await mkdir(join(u.maildir, sub), { recursive: true, mode: 0o700 });
        await chown(join(u.maildir, sub), owner.uid, owner.gid);
      }
    }
    // The auth process runs as dovecot and reads this file itself.
    const passwd = join(dir, 'passwd');
    await writeFile(passwd, labUsers.map((u) => `${u.name}:{PLAIN}${u.password}::::::\n`).join(''), { mode: 0o640 });
    await chown(passwd, 0, dovecotGid);
    const cert = conf.tlsPorts === undefined ? undefined : await placeLabCert(join(dir, TLS_SUBDIR), givenCert);
    const instance = `mailconform-${basename(dir).slice('mailconform-dovecot-'.length)}`;
    await writeFile(configFile, dovecotConf({ ...conf, dir, instance }));

    // Foreground master as our child, in its own process group (detached) so the group is the instance.
    const out = openSync(join(dir, 'master.out'), 'a');
    child = spawn(DOVECOT, ['-F', '-c', configFile], { detached: true, stdio: ['ignore', out, out] }); // failures arrive as 'error'
    closeSync(out);
    child.unref(); // a forgotten lab must not keep the test process alive; the exit hook stops it
    const spawned = child;
    const exited = new Promise<never>((_, reject) => {
      spawned.once('error', reject);
      spawned.once('exit', (code, signal) => {
        entry.exited = true;
        reject(new Error(`dovecot master exited early (${signal ?? `code ${String(code)}`})`));
      });
    });
    exited.catch(() => undefined); // only observed while starting
    entry.pid = spawned.pid;
    if (entry.pid === undefined) await exited;
    const imapUp = waitForBanner(HOST, imapPort, START_TIMEOUT_MS, /^\* OK/, 'a LOGOUT\r\n', giveUp.signal);
    const pop3Up = waitForBanner(HOST, pop3Port, START_TIMEOUT_MS, /^\+OK/, 'QUIT\r\n', giveUp.signal);
    // The login processes load the certificate only when a TLS client comes: one handshake shows it loads.
    const tlsUp = conf.tlsPorts && waitForBanner(HOST, conf.tlsPorts.imaps, START_TIMEOUT_MS, /^\* OK/, 'a LOGOUT\r\n', giveUp.signal, true);
    await Promise.race([exited, Promise.all([imapUp, pop3Up, tlsUp])]).finally(() => giveUp.abort()); // no polling after a failure
    return new Lab(imapPort, pop3Port, labUsers, dir, configFile, entry.pid ?? 0, entry, {
      ...(conf.tlsPorts && cert ? { imapsPort: conf.tlsPorts.imaps, pop3sPort: conf.tlsPorts.pop3s, ...cert } : {}),
      ...(conf.authSocket ? { authSocketPath: join(dir, 'run', AUTH_SOCKET) } : {}),
    });
  } catch (e) {
    if (child?.pid !== undefined) await waitForPidExit(child.pid, 200); // let an early exit finish writing its reason
    const tail = await labLogTail(dir, 30);
    await stopEntry(entry).catch(() => undefined);
    const where = `${dir}${keepDir() ? ', kept' : ', removed'}`;
    throw new Error(`Dovecot lab failed to start (IMAP ${HOST}:${imapPort}, POP3 ${HOST}:${pop3Port}): ${(e as Error).message}\n--- log tail (${where}) ---\n${tail}`, { cause: e });
  }
}
