import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { dovecotUnavailableReason, startDovecot, type DovecotLab } from '../../src/lab/dovecot.js';
import { postfixUnavailableReason, startPostfix, type PostfixLab } from '../../src/lab/postfix.js';
import { generateSelfSignedCert, tlsCertUnavailableReason, WRONG_NAME_ALT_NAMES } from '../../src/lab/tls-cert.js';

// Raw node:net/node:tls on purpose: these tests check the labs themselves, not the project's clients.
// In CI the installer must have provided the servers and openssl, so a missing one is a failure there, not a skip.
const unavailable = /^(1|true)$/i.test(process.env['CI'] ?? '') ? undefined : dovecotUnavailableReason() ?? postfixUnavailableReason() ?? tlsCertUnavailableReason();
const WAIT_MS = 5000;
const HOST = '127.0.0.1';
// Dovecot counts a connection whose source and destination IP are equal as secure, so tls-only auth shows only from elsewhere.
const OTHER_LOOPBACK = '127.0.0.2';
const PASSWORD = 'tls-lab-pw';

/** A line-oriented view of a socket: `read` returns the text up to the first match of `until`. */
class Wire {
  private text = '';
  private wake = (): void => undefined;
  private ended = false;
  private readonly onData = (b: Buffer): void => {
    this.text += b.toString('latin1');
    this.wake();
  };

  constructor(readonly socket: net.Socket) {
    socket.on('data', this.onData);
    socket.on('error', () => undefined); // surfaces as a closed socket in read()
    socket.once('close', () => {
      this.ended = true;
      this.wake();
    });
  }

  async read(until: RegExp): Promise<string> {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const m = until.exec(this.text);
      if (m) {
        const out = this.text.slice(0, m.index + m[0].length);
        this.text = this.text.slice(out.length);
        return out;
      }
      const left = deadline - Date.now();
      if (this.ended || left <= 0) throw new Error(`${this.ended ? 'closed' : 'timed out'} waiting for ${String(until)}; got ${JSON.stringify(this.text)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /** Writes a line; reads up to the tagged reply (IMAP `a …`), else `until`, else one line. */
  send(line: string, until?: RegExp): Promise<string> {
    this.socket.write(`${line}\r\n`, 'latin1');
    const tag = /^([a-z]) /.exec(line)?.[1];
    return this.read(until ?? (tag ? new RegExp(`^${tag} [A-Z]+ .*\r\n`, 'm') : /\r\n/));
  }

  /** After the server's go-ahead: TLS over the same socket. Bytes already buffered would have been sent in clear (RFC 3207 §4). */
  async upgrade(options: tls.ConnectionOptions = {}): Promise<Wire> {
    assert.equal(this.text, '', 'nothing may follow the STARTTLS go-ahead in clear');
    this.socket.off('data', this.onData);
    const secure = tls.connect({ ...options, socket: this.socket });
    await once(secure, 'secureConnect', { signal: AbortSignal.timeout(WAIT_MS) });
    return new Wire(secure);
  }

  close(): void {
    this.socket.destroy();
  }
}

async function dialPlain(port: number, localAddress?: string): Promise<Wire> {
  const socket = net.connect({ host: HOST, port, ...(localAddress ? { localAddress } : {}) });
  await once(socket, 'connect', { signal: AbortSignal.timeout(WAIT_MS) });
  return new Wire(socket);
}

/** Implicit TLS; rejects with the verification error (e.g. DEPTH_ZERO_SELF_SIGNED_CERT) if the handshake fails. */
async function dialTls(port: number, options: tls.ConnectionOptions): Promise<Wire> {
  const socket = tls.connect({ host: HOST, port, ...options });
  try {
    await once(socket, 'secureConnect', { signal: AbortSignal.timeout(WAIT_MS) });
  } catch (e) {
    socket.destroy();
    throw e;
  }
  return new Wire(socket);
}

/** The error code of a failed handshake, or 'verified'. */
async function handshake(port: number, options: tls.ConnectionOptions): Promise<string> {
  try {
    (await dialTls(port, options)).close();
    return 'verified';
  } catch (e) {
    return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
  }
}

/** Runs `fn` on a wire and closes it whatever happens. */
async function using<T>(wire: Promise<Wire>, fn: (w: Wire) => Promise<T>): Promise<T> {
  const w = await wire;
  try {
    return await fn(w);
  } finally {
    w.close();
  }
}

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
const capabilities = (text: string): string[] => /CAPABILITY ([^\]\r\n]*)/.exec(text)?.[1]?.split(' ') ?? assert.fail(`no CAPABILITY in ${JSON.stringify(text)}`);
const ehloKeywords = (text: string): string[] => text.split('\r\n').slice(1).filter(Boolean).map((l) => l.slice(4));
const POP3_MULTILINE = /\r\n\.\r\n/;
const EHLO_END = /^250 .*\r\n/m;

let dovecot: DovecotLab;
let postfix: PostfixLab;
let postfixAuthInClear: PostfixLab;
let certDir: string;

before(async () => {
  if (unavailable) return;
  dovecot = await startDovecot({
    users: [{ name: 'alice', password: PASSWORD }], tls: true, plaintextAuth: 'tls-only', cramMd5: true, authSocket: true, authPenalty: false, authFailureDelay: false,
  });
  const sasl = { dovecotAuthSocket: dovecot.authSocketPath ?? assert.fail('no authSocketPath') };
  [postfix, postfixAuthInClear] = await Promise.all([
    startPostfix({ tls: true, sasl }),
    startPostfix({ tls: true, sasl: { ...sasl, tlsAuthOnly: false } }),
  ]);
  certDir = await mkdtemp(join(tmpdir(), 'mailconform-tls-test-'));
});

after(async () => {
  await Promise.all([postfix?.stop(), postfixAuthInClear?.stop()]);
  await dovecot?.stop();
  if (certDir) await rm(certDir, { recursive: true, force: true });
});

test('Dovecot imaps and pop3s verify against certPem by name and by IP, and not without it', { skip: unavailable, timeout: 30_000 }, async () => {
  const ca = dovecot.certPem ?? assert.fail('no certPem');
  const imaps = dovecot.imapsPort ?? assert.fail('no imapsPort');
  const pop3s = dovecot.pop3sPort ?? assert.fail('no pop3sPort');
  assert.equal(new Set([dovecot.imapPort, dovecot.pop3Port, imaps, pop3s]).size, 4);
  assert.equal(await handshake(imaps, { ca, servername: 'localhost' }), 'verified');
  assert.equal(await handshake(imaps, { ca }), 'verified', 'host 127.0.0.1 matches the IP SAN');
  assert.equal(await handshake(pop3s, { ca, servername: 'localhost' }), 'verified');
  assert.equal(await handshake(imaps, { servername: 'localhost' }), 'DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed: untrusted without the CA');
  assert.equal(await handshake(pop3s, {}), 'DEPTH_ZERO_SELF_SIGNED_CERT');

  await using(dialTls(imaps, { ca, servername: 'localhost' }), async (w) => {
    const caps = capabilities(await w.read(/\r\n/));
    assert.ok(!caps.includes('STARTTLS') && !caps.includes('LOGINDISABLED'), caps.join(' '));
    assert.ok(['AUTH=PLAIN', 'AUTH=LOGIN', 'AUTH=CRAM-MD5'].every((c) => caps.includes(c)), caps.join(' '));
    // RFC 4959 SASL-IR: the initial response on the command line.
    assert.match(await w.send(`a AUTHENTICATE PLAIN ${b64('\0alice\0' + PASSWORD)}`), /^a OK /m);
  });
  await using(dialTls(imaps, { ca, servername: 'localhost' }), async (w) => {
    await w.read(/\r\n/);
    assert.match(await w.send(`a AUTHENTICATE PLAIN ${b64('\0alice\0wrong')}`), /^a NO /m);
  });

  await using(dialTls(pop3s, { ca, servername: 'localhost' }), async (w) => {
    assert.match(await w.read(/\r\n/), /^\+OK\b/);
    const capa = await w.send('CAPA', POP3_MULTILINE);
    assert.doesNotMatch(capa, /^STLS\r$/m);
    assert.match(capa, /^SASL PLAIN LOGIN CRAM-MD5\r$/m);
    // RFC 2195 CRAM-MD5 over POP3 AUTH (RFC 5034): the answer is "user hex(HMAC-MD5(password, challenge))".
    const challenge = Buffer.from(/^\+ (\S*)\r\n$/.exec(await w.send('AUTH CRAM-MD5'))?.[1] ?? assert.fail('no challenge'), 'base64').toString('latin1');
    assert.match(challenge, /^<[^<>]+>$/);
    const digest = createHmac('md5', PASSWORD).update(challenge, 'latin1').digest('hex');
    assert.match(await w.send(b64(`alice ${digest}`)), /^\+OK\b/);
    assert.match(await w.send('STAT'), /^\+OK 0 0\r\n$/);
  });
});

test('Dovecot STARTTLS and STLS upgrade the plain ports; tls-only refuses plaintext logins before TLS', { skip: unavailable, timeout: 30_000 }, async () => {
  const tlsOptions = { ca: dovecot.certPem, servername: 'localhost' };
  await using(dialPlain(dovecot.imapPort, OTHER_LOOPBACK), async (plain) => {
    const before = capabilities(await plain.read(/\r\n/));
    assert.ok(before.includes('STARTTLS') && before.includes('LOGINDISABLED'), before.join(' '));
    assert.ok(!before.includes('AUTH=PLAIN') && !before.includes('AUTH=LOGIN') && before.includes('AUTH=CRAM-MD5'), before.join(' '));
    // RFC 3501 §6.2.3: with LOGINDISABLED advertised the server MUST reject LOGIN.
    assert.match(await plain.send(`a LOGIN alice ${PASSWORD}`), /^a NO /m);
    assert.match(await plain.send('b STARTTLS'), /^b OK /m);
    const w = await plain.upgrade(tlsOptions);
    const after = capabilities(await w.send('c CAPABILITY'));
    assert.ok(!after.includes('STARTTLS') && !after.includes('LOGINDISABLED') && after.includes('AUTH=PLAIN'), after.join(' '));
    assert.match(await w.send(`d LOGIN alice ${PASSWORD}`), /^d OK /m);
    assert.match(await w.send('e LOGOUT'), /^e OK /m);
  });

  await using(dialPlain(dovecot.pop3Port, OTHER_LOOPBACK), async (plain) => {
    assert.match(await plain.read(/\r\n/), /^\+OK\b/);
    const before = await plain.send('CAPA', POP3_MULTILINE);
    assert.match(before, /^STLS\r$/m);
    assert.match(before, /^SASL CRAM-MD5\r$/m);
    assert.doesNotMatch(before, /^USER\r$/m);
    assert.match(await plain.send('USER alice'), /^-ERR /);
    assert.match(await plain.send('STLS'), /^\+OK\b/);
    const w = await plain.upgrade(tlsOptions);
    const after = await w.send('CAPA', POP3_MULTILINE);
    assert.doesNotMatch(after, /^STLS\r$/m);
    assert.match(after, /^USER\r$/m);
    assert.match(await w.send('USER alice'), /^\+OK\b/);
    assert.match(await w.send(`PASS ${PASSWORD}`), /^\+OK\b/);
    assert.match(await w.send('QUIT'), /^\+OK\b/);
  });

  // From 127.0.0.1 itself Dovecot counts the connection as secure (same IP): plaintext LOGIN allowed even with tls-only.
  await using(dialPlain(dovecot.imapPort), async (w) => {
    assert.ok(!capabilities(await w.read(/\r\n/)).includes('LOGINDISABLED'));
  });
});

test('a certificate for another name fails hostname verification; default plaintext auth has no LOGINDISABLED', { skip: unavailable, timeout: 30_000 }, async () => {
  const wrong = await generateSelfSignedCert(certDir, { altNames: WRONG_NAME_ALT_NAMES, basename: 'wrong' });
  const lab = await startDovecot({ users: [{ name: 'bob' }], tls: wrong });
  try {
    const port = lab.imapsPort ?? assert.fail('no imapsPort');
    assert.equal(lab.certPem, wrong.certPem);
    assert.equal(await handshake(port, { ca: wrong.certPem, servername: 'localhost' }), 'ERR_TLS_CERT_ALTNAME_INVALID');
    assert.equal(await handshake(port, { ca: wrong.certPem }), 'ERR_TLS_CERT_ALTNAME_INVALID', 'no IP SAN for 127.0.0.1');
    // Trusted, and right for its own name: the failures above are the name check alone.
    assert.equal(await handshake(port, { ca: wrong.certPem, servername: 'wrong.example.test' }), 'verified');
    await using(dialPlain(lab.imapPort, OTHER_LOOPBACK), async (w) => {
      const caps = capabilities(await w.read(/\r\n/));
      assert.ok(caps.includes('STARTTLS') && caps.includes('AUTH=PLAIN') && !caps.includes('LOGINDISABLED') && !caps.includes('AUTH=CRAM-MD5'), caps.join(' '));
    });
  } finally {
    await lab.stop();
  }
});

test('Postfix offers STARTTLS, then AUTH checked by Dovecot (235, 535); smtps handshakes', { skip: unavailable, timeout: 30_000 }, async () => {
  const tlsOptions = { ca: postfix.certPem, servername: 'localhost' };
  const startTls = async (): Promise<Wire> => {
    const plain = await dialPlain(postfix.port);
    try {
      assert.match(await plain.read(/\r\n/), /^220 /);
      const before = ehloKeywords(await plain.send('EHLO client.example', EHLO_END));
      assert.ok(before.includes('STARTTLS'), before.join(' '));
      assert.ok(!before.some((k) => k.startsWith('AUTH')), `smtpd_tls_auth_only: no AUTH in clear (${before.join(' ')})`);
      assert.match(await plain.send(`AUTH PLAIN ${b64('\0alice\0' + PASSWORD)}`), /^503 /);
      assert.match(await plain.send('STARTTLS'), /^220 /);
      return await plain.upgrade(tlsOptions);
    } catch (e) {
      plain.close();
      throw e;
    }
  };
  await using(startTls(), async (w) => {
    // RFC 3207 §4.2: the client must EHLO again, and the server must not offer STARTTLS any more.
    const after = ehloKeywords(await w.send('EHLO client.example', EHLO_END));
    assert.ok(!after.includes('STARTTLS'), after.join(' '));
    const auth = after.find((k) => k.startsWith('AUTH ')) ?? assert.fail(`no AUTH after STARTTLS: ${after.join(' ')}`);
    assert.ok(['PLAIN', 'LOGIN'].every((m) => auth.split(' ').includes(m)), auth);
    assert.match(await w.send(`AUTH PLAIN ${b64('\0alice\0' + PASSWORD)}`), /^235 /);
    assert.match(await w.send('QUIT'), /^221 /);
  });
  await using(startTls(), async (w) => {
    await w.send('EHLO client.example', EHLO_END);
    assert.match(await w.send(`AUTH PLAIN ${b64('\0alice\0wrong')}`), /^535 /);
  });

  const smtps = postfix.smtpsPort ?? assert.fail('no smtpsPort');
  assert.equal(await handshake(smtps, {}), 'DEPTH_ZERO_SELF_SIGNED_CERT');
  await using(dialTls(smtps, tlsOptions), async (w) => {
    assert.match(await w.read(/\r\n/), /^220 /);
    const keywords = ehloKeywords(await w.send('EHLO client.example', EHLO_END));
    assert.ok(!keywords.includes('STARTTLS') && keywords.some((k) => k.startsWith('AUTH ')), keywords.join(' '));
    assert.match(await w.send(`AUTH PLAIN ${b64('\0alice\0' + PASSWORD)}`), /^235 /);
  });
});

test('Postfix with tlsAuthOnly false offers AUTH before STARTTLS', { skip: unavailable, timeout: 30_000 }, async () => {
  await using(dialPlain(postfixAuthInClear.port), async (w) => {
    assert.match(await w.read(/\r\n/), /^220 /);
    const keywords = ehloKeywords(await w.send('EHLO client.example', EHLO_END));
    assert.ok(keywords.includes('STARTTLS') && keywords.some((k) => k.startsWith('AUTH ')), keywords.join(' '));
  });
});
