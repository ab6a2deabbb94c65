import { existsSync } from 'node:fs';
import { chmod, copyFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeResult, runCommand } from './process-util.js';

/** A certificate and its key on disk, in PEM. */
export interface TlsCertFiles {
  readonly certFile: string;
  /** Mode 0600, owned by whoever ran the harness (root): both servers read it before dropping privileges. */
  readonly keyFile: string;
}

/** A self-signed server certificate on disk: the certificate is its own trust anchor (no CA). */
export interface TlsCert extends TlsCertFiles {
  /** The certificate in PEM: what a client passes as `ca` to trust it. */
  readonly certPem: string;
}

/** The names a lab server is reached by on loopback. */
export const LOCALHOST_ALT_NAMES: readonly string[] = ['IP:127.0.0.1', 'IP:::1', 'DNS:localhost'];
/** A certificate for some other host: a client that checks the name must refuse it on 127.0.0.1 or localhost. */
export const WRONG_NAME_ALT_NAMES: readonly string[] = ['DNS:wrong.example.test'];

export interface TlsCertOptions {
  /**
   * subjectAltName entries in openssl syntax (`IP:…`, `DNS:…`); clients match these, not the CN (RFC 6125 §6.4.4).
   * @defaultValue LOCALHOST_ALT_NAMES
   */
  altNames?: readonly string[];
  /** @defaultValue the first DNS name of altNames, else "localhost" */
  commonName?: string;
  /** Files are `<basename>.crt` and `<basename>.key` in the dir. @defaultValue "server" */
  basename?: string;
  /** @defaultValue 2 (throwaway) */
  days?: number;
}

const OPENSSL = '/usr/bin/openssl';

/** Why certificates can't be made here, or undefined if they can. */
export function tlsCertUnavailableReason(): string | undefined {
  return existsSync(OPENSSL) ? undefined : `${OPENSSL} missing: install the Debian package openssl (scripts/install-servers.sh does)`;
}

/** Generates a fresh EC P-256 key and a self-signed certificate for it into `dir` (which must exist), with the openssl CLI. */
export async function generateSelfSignedCert(dir: string, options: TlsCertOptions = {}): Promise<TlsCert> {
  const missing = tlsCertUnavailableReason();
  if (missing) throw new Error(missing);
  const altNames = options.altNames ?? LOCALHOST_ALT_NAMES;
  const entry = /^(?:IP:[0-9a-f.:]+|DNS:[a-z0-9*](?:[a-z0-9.-]*[a-z0-9])?)$/i;
  const bad = altNames.find((n) => !entry.test(n));
  if (altNames.length === 0 || bad !== undefined) throw new Error(`bad subjectAltName entry ${JSON.stringify(bad ?? '(none)')}`);
  const commonName = options.commonName ?? altNames.find((n) => n.startsWith('DNS:'))?.slice(4) ?? 'localhost';
  if (!/^[a-z0-9.*-]+$/i.test(commonName)) throw new Error(`bad commonName ${JSON.stringify(commonName)}`); // goes into -subj unescaped
  const base = options.basename ?? 'server';
  if (!/^[a-z0-9_-]+$/i.test(base)) throw new Error(`bad basename ${JSON.stringify(base)}`);
  const certFile = join(dir, `${base}.crt`);
  const keyFile = join(dir, `${base}.key`);
  const r = await runCommand(OPENSSL, [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', keyFile, '-out', certFile, '-days', String(options.days ?? 2), '-subj', `/CN=${commonName}`,
    '-addext', `subjectAltName=${altNames.join(',')}`,
    // A leaf, not a CA: strict verifiers (webpki) refuse a CA certificate used as a server's own.
    '-addext', 'basicConstraints=critical,CA:FALSE',
    '-addext', 'keyUsage=critical,digitalSignature',
    '-addext', 'extendedKeyUsage=serverAuth',
  ], { timeoutMs: 15_000 });
  if (r.code !== 0) throw new Error(describeResult('openssl req', r));
  await chmod(keyFile, 0o600);
  return { certFile, keyFile, certPem: await readFile(certFile, 'utf8') };
}

/** A lab's own copy of a certificate in a new root-only `tlsDir` (server.crt, server.key): `given`'s files, else a fresh localhost one. */
export async function placeLabCert(tlsDir: string, given: TlsCertFiles | undefined): Promise<TlsCert> {
  await mkdir(tlsDir, { mode: 0o700 });
  if (given === undefined) return generateSelfSignedCert(tlsDir);
  const [certFile, keyFile] = [join(tlsDir, 'server.crt'), join(tlsDir, 'server.key')];
  await copyFile(given.certFile, certFile);
  await copyFile(given.keyFile, keyFile);
  await chmod(keyFile, 0o600);
  return { certFile, keyFile, certPem: await readFile(certFile, 'utf8') };
}
