/**
 * The fault proxy as its own process, for the fuzzer's --spawn mode (which restarts a dead target):
 *   node dist/test/helpers/fault-proxy/main.js --listen-port N --upstream 127.0.0.1:M --fault NAME [--protocol P] [--tls-cert FILE --tls-key FILE]
 * (--port N is the same as --listen-port N; the PEM certificate and key are for faults that terminate TLS.) Prints "listening <port>" when ready. A crash fault
 * resets every connection, writes "fault-proxy: crash (<reason>)" to stderr and exits with 70
 * (EX_SOFTWARE), so the process dies as a crashing server would. SIGTERM/SIGINT stop it cleanly.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { FaultProtocol } from './fault.js';
import { findFault } from './faults.js';
import { startFaultProxy } from './proxy.js';
import type { ProxyTlsIdentity } from './terminate-tls.js';

/** EX_SOFTWARE (sysexits.h): "an internal software error has been detected". */
export const CRASH_EXIT_CODE = 70;
const USAGE = 'usage: main.js --listen-port N --upstream 127.0.0.1:PORT --fault NAME [--protocol smtp|pop3|imap] [--tls-cert FILE --tls-key FILE]';
const PROTOCOLS: readonly string[] = ['smtp', 'pop3', 'imap'];

function fail(message: string): never {
  process.stderr.write(`fault-proxy: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function readOptions(): { listenPort: number; upstream: { host: string; port: number }; fault: string; protocol: FaultProtocol | undefined; tls: ProxyTlsIdentity | undefined } {
  const { values } = parseArgs({
    options: {
      'listen-port': { type: 'string' },
      port: { type: 'string' },
      upstream: { type: 'string' },
      fault: { type: 'string' },
      protocol: { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
    },
    strict: true,
  });
  const listen = values['listen-port'] ?? values.port ?? fail('--listen-port is required');
  const upstream = /^(127\.0\.0\.1):(\d{1,5})$/.exec(values.upstream ?? '') ?? fail('--upstream must be 127.0.0.1:PORT');
  if (!/^\d{1,5}$/.test(listen)) fail('--listen-port must be a port number');
  const protocol = values.protocol;
  if (protocol !== undefined && !PROTOCOLS.includes(protocol)) fail(`unknown protocol ${protocol}`);
  const [certFile, keyFile] = [values['tls-cert'], values['tls-key']];
  if ((certFile === undefined) !== (keyFile === undefined)) fail('--tls-cert and --tls-key go together');
  return {
    listenPort: Number(listen),
    upstream: { host: upstream[1]!, port: Number(upstream[2]) },
    fault: values.fault ?? fail('--fault is required'),
    protocol: protocol as FaultProtocol | undefined,
    tls: certFile !== undefined && keyFile !== undefined ? { cert: readFileSync(certFile), key: readFileSync(keyFile) } : undefined,
  };
}

async function main(): Promise<void> {
  let options;
  let fault;
  try {
    options = readOptions();
    fault = findFault(options.fault);
  } catch (e) {
    fail((e as Error).message);
  }
  const proxy = await startFaultProxy({
    upstream: options.upstream,
    fault,
    port: options.listenPort,
    ...(options.protocol ? { protocol: options.protocol } : {}),
    ...(options.tls ? { tls: options.tls } : {}),
    onCrash: (reason) => {
      process.stderr.write(`fault-proxy: crash (${reason})\n`);
      process.exit(CRASH_EXIT_CODE);
    },
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void proxy.stop().then(() => process.exit(0)));
  process.stdout.write(`listening ${proxy.port}\n`);
}

// `npm test` runs every .js under dist/test/ as a test file, this one too, with no arguments: not a usage error there.
const runAsTestFile = process.argv.length <= 2 && process.env['NODE_TEST_CONTEXT'] !== undefined;
if (!runAsTestFile) main().catch((e: unknown) => fail((e as Error).message));
