import type net from 'node:net';
import tls from 'node:tls';

/** The certificate a TLS-terminating fault shows the client: the lab's own, so the client's CA check passes. */
export interface ProxyTlsIdentity {
  /** PEM. */
  readonly cert: string | Buffer;
  /** PEM. */
  readonly key: string | Buffer;
}

/** Both handshakes must be done by then, or the connection is closed. */
export const TLS_HANDSHAKE_MS = 10_000;

export interface TerminatedTls {
  readonly client: tls.TLSSocket;
  readonly upstream: tls.TLSSocket;
}

/**
 * Takes over two plaintext sockets right after the server's go-ahead for TLS: a TLS server towards
 * the client, a TLS client towards the server. Their own listeners must be gone (their bytes are
 * TLS records from now on). `ready` runs once both sides are secure, in the event that made them
 * so (no tick in between for the new sockets' listeners to miss); `failed` once, after both were
 * destroyed, if either side errs, closes or takes too long. The server's certificate is not checked:
 * the proxy is a fixture in front of a lab server on loopback.
 */
export function terminateTls(client: net.Socket, upstream: net.Socket, identity: ProxyTlsIdentity, ready: () => void, failed: (reason: string) => void): TerminatedTls {
  const towardsClient = new tls.TLSSocket(client, { isServer: true, secureContext: tls.createSecureContext({ cert: identity.cert, key: identity.key }) });
  const towardsServer = tls.connect({ socket: upstream, rejectUnauthorized: false });
  const sockets = [client, upstream, towardsClient, towardsServer];
  // Errors end in 'close'; none may be an uncaught 'error' event, now or later.
  for (const s of sockets) s.on('error', () => undefined);
  let secured = 0;
  let settled = false;
  const fail = (reason: string) => (err?: Error): void => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    towardsClient.destroy();
    towardsServer.destroy();
    failed(`${reason}${err ? `: ${err.message}` : ''}`);
  };
  const onError = fail('TLS handshake failed');
  const onClose = fail('closed during the TLS handshake');
  const timer = setTimeout(fail(`no TLS handshake within ${TLS_HANDSHAKE_MS} ms`), TLS_HANDSHAKE_MS);
  const onSecure = (): void => {
    secured += 1;
    if (secured < 2 || settled) return;
    settled = true;
    clearTimeout(timer);
    for (const s of [towardsClient, towardsServer]) s.off('error', onError).off('close', onClose);
    ready();
  };
  towardsClient.once('secure', onSecure);
  towardsServer.once('secureConnect', onSecure);
  for (const s of [towardsClient, towardsServer]) s.on('error', onError).on('close', onClose);
  return { client: towardsClient, upstream: towardsServer };
}
