/** Stable codes for everything that can go wrong below the protocol layer. */
export type TransportErrorCode =
  | 'ERR_TRANSPORT_CONNECT_REFUSED'
  | 'ERR_TRANSPORT_CONNECT_TIMEOUT'
  | 'ERR_TRANSPORT_HOST_NOT_FOUND'
  | 'ERR_TRANSPORT_CONNECT_FAILED'
  | 'ERR_TRANSPORT_TIMEOUT'
  | 'ERR_TRANSPORT_CLOSED'
  | 'ERR_TRANSPORT_RESET'
  | 'ERR_TRANSPORT_LINE_TOO_LONG'
  | 'ERR_TRANSPORT_TLS'
  | 'ERR_TRANSPORT_TLS_CERT'
  | 'ERR_TRANSPORT_STEP_TIMEOUT'
  | 'ERR_TRANSPORT_RESPONSE_TOO_LARGE';

/** Codes for a limit of the tool's own (not a protocol rule) that a server made us hit. */
export const LIMIT_CODES: ReadonlySet<TransportErrorCode> = new Set(['ERR_TRANSPORT_LINE_TOO_LONG', 'ERR_TRANSPORT_RESPONSE_TOO_LARGE']);

/**
 * Codes that say nothing about the server's conformance, only that the tool could not judge it:
 * its own limits, and a certificate the user has not told it to trust (--ca, --insecure).
 */
export const UNJUDGEABLE_CODES: ReadonlySet<TransportErrorCode> = new Set([...LIMIT_CODES, 'ERR_TRANSPORT_TLS_CERT']);

export class TransportError extends Error {
  override readonly name = 'TransportError';
  constructor(
    readonly code: TransportErrorCode,
    message: string,
    /** Bytes received but not yet framed when the error happened (e.g. a partial line before close). */
    readonly partial?: Buffer,
  ) {
    super(message);
  }
}

export function isTransportError(err: unknown): err is TransportError {
  return err instanceof TransportError;
}

/** Maps a Node socket error (ECONNREFUSED, ENOTFOUND, …) to our stable code. */
export function fromSocketError(err: NodeJS.ErrnoException, target: string, connected: boolean): TransportError {
  switch (err.code) {
    case 'ECONNREFUSED':
      return new TransportError('ERR_TRANSPORT_CONNECT_REFUSED', `connection refused by ${target}`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new TransportError('ERR_TRANSPORT_HOST_NOT_FOUND', `host not found: ${target}`);
    case 'ECONNRESET':
    case 'EPIPE':
      return new TransportError('ERR_TRANSPORT_RESET', `connection reset by ${target}`);
    default:
      return connected
        ? new TransportError('ERR_TRANSPORT_RESET', `connection to ${target} failed: ${err.message}`)
        : new TransportError('ERR_TRANSPORT_CONNECT_FAILED', `cannot connect to ${target}: ${err.message}`);
  }
}
