import type { RfcRef } from '../../../../src/protocol/shared/rfc.js';
import type { ClientAction, Fault, FaultProtocol } from '../fault.js';
import { stateless } from './common.js';

const REPLAY: ClientAction = { do: 'replay-after-tls' };

/**
 * `<protocol>.<verb>-injection`: the server keeps the plaintext that arrived behind its STARTTLS
 * (STLS) command in the same read and runs it after the handshake, answering inside TLS, where a
 * man in the middle could have put any command (CVE-2011-0411). The proxy terminates TLS itself to
 * do so (see 'replay-after-tls' in fault.ts); a client that waits for the go-ahead sees a server
 * that is only slower.
 */
export function starttlsInjection(protocol: FaultProtocol, verb: 'STARTTLS' | 'STLS', ref: RfcRef, detectedBy: readonly string[]): Fault {
  return {
    name: `${protocol}.${verb.toLowerCase()}-injection`,
    protocol,
    ref,
    level: 'MUST',
    summary: `Commands the client pipelined in plaintext behind ${verb} are kept and run after the TLS handshake, their answers sent inside TLS (CVE-2011-0411); the proxy terminates TLS itself with the lab certificate to do it.`,
    detectedBy,
    terminatesTls: true,
    open: stateless({ client: (unit) => (unit.kind === 'command' && unit.verb === verb && unit.pipelined === true ? REPLAY : undefined) }),
  };
}
