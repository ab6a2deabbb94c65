import net from 'node:net';
import type { Fault, FaultProtocol } from './fault.js';
import { ProxiedConnection, type UpstreamAddress } from './proxied-connection.js';
import type { ProxyTlsIdentity } from './terminate-tls.js';

export interface FaultProxyOptions {
  /** The real server the proxy sits in front of. */
  readonly upstream: UpstreamAddress;
  readonly fault: Fault;
  /** Needed when the fault works for any protocol (passthrough); otherwise it must match the fault's. */
  readonly protocol?: FaultProtocol;
  /** @defaultValue '127.0.0.1' */
  readonly host?: '127.0.0.1';
  /** @defaultValue 0 (the OS picks a free port) */
  readonly port?: number;
  /**
   * Called once when the fault "crashes" the server, after every connection was reset and the
   * listener closed. The standalone process (main.ts) exits here; in-process the proxy stays dead
   * until stop(), so a liveness check fails.
   */
  readonly onCrash?: (reason: string) => void;
  /** The certificate the proxy shows clients when the fault terminates TLS itself (Fault.terminatesTls): required then. */
  readonly tls?: ProxyTlsIdentity;
}

export interface FaultProxy {
  readonly host: string;
  readonly port: number;
  /** Times the fault actually fired (a hook returned an action), over all connections. */
  readonly triggered: number;
  /** A crash fault fired: connections were reset and new ones are refused. */
  readonly crashed: boolean;
  /** Closes the listener and every connection (hung ones too). Idempotent. */
  stop(): Promise<void>;
}

/** Bound on simultaneous connections; more are reset at once. */
export const MAX_CONNECTIONS = 256;

export function resolveProtocol(fault: Fault, protocol: FaultProtocol | undefined): FaultProtocol {
  if (fault.protocol === 'any') {
    if (protocol === undefined) throw new Error(`fault ${fault.name} needs a protocol (smtp, pop3 or imap)`);
    return protocol;
  }
  if (protocol !== undefined && protocol !== fault.protocol) throw new Error(`fault ${fault.name} is for ${fault.protocol}, not ${protocol}`);
  return fault.protocol;
}

/** Starts a TCP proxy that forwards each connection to `upstream` with `fault` applied (see faults.ts). */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const protocol = resolveProtocol(options.fault, options.protocol);
  if (options.fault.terminatesTls && !options.tls) throw new Error(`fault ${options.fault.name} terminates TLS: give the proxy a certificate and key (tls)`);
  const host = options.host ?? '127.0.0.1';
  const connections = new Set<ProxiedConnection>();
  let triggered = 0;
  let crashed = false;
  let accepted = 0;
  const events = {
    fired: () => {
      triggered += 1;
    },
    closed: (connection: ProxiedConnection) => connections.delete(connection),
    crash: (reason: string) => {
      if (crashed) return;
      crashed = true;
      server.close();
      for (const c of connections) c.destroy(true);
      connections.clear();
      options.onCrash?.(reason);
    },
  };
  const server = net.createServer({ allowHalfOpen: true }, (client) => {
    if (crashed || connections.size >= MAX_CONNECTIONS) return void client.on('error', () => undefined).resetAndDestroy();
    accepted += 1;
    connections.add(new ProxiedConnection(client, options.upstream, protocol, options.fault.open(accepted), events, options.tls));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as net.AddressInfo;
  let stopping: Promise<void> | undefined;
  return {
    host,
    port,
    get triggered() {
      return triggered;
    },
    get crashed() {
      return crashed;
    },
    stop: () => {
      stopping ??= new Promise<void>((resolve) => {
        for (const c of connections) c.destroy(false);
        connections.clear();
        if (!server.listening) return resolve();
        server.close(() => resolve());
      });
      return stopping;
    },
  };
}
