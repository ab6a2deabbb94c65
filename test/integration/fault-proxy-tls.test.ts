import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { dovecotUnavailableReason, startDovecot, type DovecotLab } from '../../src/lab/dovecot.js';
import { postfixUnavailableReason, startPostfix, type PostfixLab } from '../../src/lab/postfix.js';
import { generateSelfSignedCert, type TlsCert } from '../../src/lab/tls-cert.js';
import { isTransportError } from '../../src/transport/errors.js';
import { Connection, type TlsSettings } from '../../src/transport/connection.js';
import type { FaultProtocol } from '../helpers/fault-proxy/fault.js';
import { findFault } from '../helpers/fault-proxy/faults.js';
import { fakeEndToRealEnd, type LineEnd } from '../helpers/fault-proxy/faults/smtp-edits.js';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy/proxy.js';
import type { ProxyTlsIdentity } from '../helpers/fault-proxy/terminate-tls.js';

// STARTTLS through the fault proxy: passthrough stays byte-transparent across the handshake, and the
// injection faults terminate TLS themselves (CVE-2011-0411) under the lab certificate. One
// certificate for Postfix, Dovecot and the proxy, so one CA checks them all.
const inCi = /^(1|true)$/i.test(process.env['CI'] ?? '');
const noServers = inCi ? undefined : (postfixUnavailableReason() ?? dovecotUnavailableReason());
const WAIT_MS = 5000;
/** How long "nothing more arrives" is watched: the suites' @quiet. */
const QUIET_MS = 1000;

const text = (line: { readonly bytes: Buffer }): string => line.bytes.toString('latin1');

/** Lines until one matches `last` (an SMTP final line, a tagged completion). */
async function readUntil(c: Connection, last: RegExp): Promise<string[]> {
  const lines: string[] = [];
  for (let line = text(await c.readLine()); ; line = text(await c.readLine())) {
    lines.push(line);
    if (last.test(line)) return lines;
  }
}

/** Nothing arrives for QUIET_MS: undefined, else the line that did. */
async function lineWithinQuiet(c: Connection): Promise<string | undefined> {
  try {
    return text(await c.readLine(QUIET_MS));
  } catch (err) {
    if (isTransportError(err) && err.code === 'ERR_TRANSPORT_TIMEOUT') return undefined;
    throw err;
  }
}

describe('STARTTLS through the fault proxy', { skip: noServers, timeout: 60_000 }, () => {
  let dir: string;
  let cert: TlsCert;
  let postfix: PostfixLab;
  let dovecot: DovecotLab;
  let identity: ProxyTlsIdentity;
  let trust: TlsSettings;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'mailconform-proxy-tls-'));
    cert = await generateSelfSignedCert(dir);
    identity = { cert: cert.certPem, key: await readFile(cert.keyFile) };
    trust = { verify: true, ca: [Buffer.from(cert.certPem)] };
    dovecot = await startDovecot({ users: [{ name: 'alice' }], tls: cert });
    postfix = await startPostfix({ tls: cert });
  });
  after(async () => {
    await postfix?.stop();
    await dovecot?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function withProxy(port: number, fault: string, protocol: FaultProtocol, fn: (proxy: FaultProxy) => Promise<void>): Promise<FaultProxy> {
    const proxy = await startFaultProxy({ upstream: { host: '127.0.0.1', port }, fault: findFault(fault), protocol, tls: identity });
    try {
      await fn(proxy);
    } finally {
      await proxy.stop();
    }
    return proxy;
  }

  /** Greeting and EHLO in plaintext, then `starttls` (the command, and what is pipelined behind it) and its 220. */
  async function smtpUpTo220(port: number, starttls: string): Promise<Connection> {
    const c = await Connection.open({ host: '127.0.0.1', port, tls: trust, readTimeoutMs: WAIT_MS });
    await readUntil(c, /^220 /);
    await c.write('EHLO client.example.test\r\n');
    assert.ok((await readUntil(c, /^250 /)).some((l) => /^250[ -]STARTTLS/.test(l)), 'Postfix offers STARTTLS');
    await c.write(starttls);
    assert.match(text(await c.readLine()), /^220 /);
    return c;
  }

  async function ehloInsideTls(c: Connection): Promise<string[]> {
    await c.write('EHLO client.example.test\r\n');
    return readUntil(c, /^250 /);
  }

  test('passthrough: STARTTLS with a pipelined NOOP goes through byte for byte; Postfix discards the NOOP and the session goes on inside TLS', async () => {
    const proxy = await withProxy(postfix.port, 'passthrough', 'smtp', async (p) => {
      const c = await smtpUpTo220(p.port, 'STARTTLS\r\nNOOP\r\n');
      try {
        assert.equal((await c.startTls()).discarded.length, 0);
        assert.equal(c.tls?.authorized, true, 'the lab certificate, checked against its CA');
        assert.equal(await lineWithinQuiet(c), undefined, 'the NOOP is never answered');
        const ehlo = await ehloInsideTls(c);
        assert.ok(!ehlo.some((l) => /STARTTLS/.test(l)), 'no STARTTLS offered inside TLS: the server\'s own TLS session');
      } finally {
        c.close();
      }
    });
    assert.equal(proxy.triggered, 0);
  });

  test('smtp.starttls-injection: the NOOP pipelined behind STARTTLS is answered inside TLS, under the lab certificate', async () => {
    const proxy = await withProxy(postfix.port, 'smtp.starttls-injection', 'smtp', async (p) => {
      const c = await smtpUpTo220(p.port, 'STARTTLS\r\nNOOP\r\n');
      try {
        assert.equal((await c.startTls()).discarded.length, 0, 'nothing in plaintext after the 220');
        assert.equal(c.tls?.authorized, true);
        assert.match((await lineWithinQuiet(c)) ?? 'nothing', /^250 /, 'the injected NOOP, run after the handshake');
        // The relay carries on both ways inside the two TLS sessions.
        assert.ok((await ehloInsideTls(c)).some((l) => /^250[ -]PIPELINING/.test(l)));
        await c.write('QUIT\r\n');
        assert.match(text(await c.readLine()), /^221 /);
      } finally {
        c.close();
      }
    });
    assert.equal(proxy.triggered, 1);
  });

  test('smtp.starttls-injection: STARTTLS alone is not touched (the fault does not fire)', async () => {
    const proxy = await withProxy(postfix.port, 'smtp.starttls-injection', 'smtp', async (p) => {
      const c = await smtpUpTo220(p.port, 'STARTTLS\r\n');
      try {
        await c.startTls();
        assert.equal(await lineWithinQuiet(c), undefined);
        assert.ok((await ehloInsideTls(c)).length > 1);
      } finally {
        c.close();
      }
    });
    assert.equal(proxy.triggered, 0);
  });

  test('smtp.starttls-injection: when the server refuses STARTTLS, the kept command is answered in plaintext, in order', async () => {
    const proxy = await withProxy(postfix.port, 'smtp.starttls-injection', 'smtp', async (p) => {
      const c = await Connection.open({ host: '127.0.0.1', port: p.port, readTimeoutMs: WAIT_MS });
      try {
        await readUntil(c, /^220 /);
        await c.write('EHLO client.example.test\r\n');
        await readUntil(c, /^250 /);
        // A parameter makes Postfix refuse it (501): no TLS, and the NOOP behind it is just the next command.
        await c.write('STARTTLS now\r\nNOOP\r\n');
        assert.match(text(await c.readLine()), /^501 /);
        assert.match(text(await c.readLine()), /^250 /);
      } finally {
        c.close();
      }
    });
    assert.equal(proxy.triggered, 1, 'it fired (pipelined STARTTLS), and let the bytes go on');
  });

  test('pop3.stls-injection and imap.starttls-injection: Dovecot answers the injected NOOP inside TLS', async () => {
    const cases = [
      { fault: 'pop3.stls-injection', protocol: 'pop3', port: dovecot.pop3Port, greeting: /^\+OK /, send: 'STLS\r\nNOOP\r\n', goAhead: /^\+OK /, injected: /^-ERR / },
      { fault: 'imap.starttls-injection', protocol: 'imap', port: dovecot.imapPort, greeting: /^\* OK /, send: 'a2 STARTTLS\r\na3 NOOP\r\n', goAhead: /^a2 OK /, injected: /^a3 OK / },
    ] as const;
    for (const k of cases) {
      const proxy = await withProxy(k.port, k.fault, k.protocol, async (p) => {
        const c = await Connection.open({ host: '127.0.0.1', port: p.port, tls: trust, readTimeoutMs: WAIT_MS });
        try {
          assert.match(text(await c.readLine()), k.greeting);
          await c.write(k.send);
          assert.match(text(await c.readLine()), k.goAhead);
          assert.equal((await c.startTls()).discarded.length, 0);
          assert.equal(c.tls?.authorized, true);
          assert.match((await lineWithinQuiet(c)) ?? 'nothing', k.injected, `${k.fault}: the injected NOOP`);
        } finally {
          c.close();
        }
      });
      assert.equal(proxy.triggered, 1, k.fault);
    }
  });

  test('a fault that terminates TLS needs the proxy to have a certificate', async () => {
    await assert.rejects(startFaultProxy({ upstream: { host: '127.0.0.1', port: postfix.port }, fault: findFault('smtp.starttls-injection') }), /terminates TLS: give the proxy a certificate/);
  });
});

describe('smtp.lax-end-of-data: fake ends of mail data rewritten as the real one', () => {
  const cases: ReadonlyArray<readonly [string, LineEnd, string | undefined]> = [
    // <CR>.<LF> and <CR>.<CRLF> inside one line; <CRLF>.<CR> at the start of one.
    ['fake end\r.\nRSET\r\n', 'crlf', 'fake end\r\n.\r\nRSET\r\n'],
    ['fake end\r.\r\n', 'crlf', 'fake end\r\n.\r\n'],
    ['.\rRSET\r\n', 'crlf', '.\r\nRSET\r\n'],
    // After a line that ended in a bare LF (already sent), <LF>.<LF> and <LF>.<CRLF> get the CRLF in front.
    ['.\n', 'bare', '\r\n.\r\n'],
    ['.\r\n', 'bare', '\r\n.\r\n'],
    ['.\n', 'crlf', '.\r\n'],
    // Not fake ends: the real end, a stuffed dot, a dot inside a line.
    ['.\r\n', 'crlf', undefined],
    ['..\r\n', 'crlf', undefined],
    ['..\n', 'bare', undefined],
    ['a.b\r\n', 'crlf', undefined],
    ['a\r\n', 'bare', undefined],
  ];
  for (const [line, before, expected] of cases) {
    test(`${JSON.stringify(line)} after a ${before} line end ${expected === undefined ? 'is left alone' : `becomes ${JSON.stringify(expected)}`}`, () => {
      assert.equal(fakeEndToRealEnd(Buffer.from(line, 'latin1'), before)?.toString('latin1'), expected);
    });
  }
});
