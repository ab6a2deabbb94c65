import { isTransportError, type TransportErrorCode } from '../transport/errors.js';

/** A mistake in how the tool was called: one line, exit 2, with a pointer to --help. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The tool could not do its job (target unreachable, suite files broken): one line, exit 2. */
export class ToolError extends Error {
  override readonly name = 'ToolError';
}

/** Hints per transport failure, phrased for someone checking a host:port. */
const TRANSPORT_HINTS: Readonly<Record<TransportErrorCode, string>> = {
  ERR_TRANSPORT_CONNECT_REFUSED: 'is the server running and listening on that port?',
  ERR_TRANSPORT_CONNECT_TIMEOUT: 'check host, port and firewall, or raise --connect-timeout',
  ERR_TRANSPORT_CONNECT_FAILED: 'check --host, --port and the network',
  ERR_TRANSPORT_HOST_NOT_FOUND: 'check the host name (--host) and DNS',
  ERR_TRANSPORT_TIMEOUT: 'the server accepted the connection but did not answer; is this the right protocol and port? (--timeout raises the wait)',
  ERR_TRANSPORT_CLOSED: "the server hung up before answering; check the port is right for this protocol and see the server's log for why",
  ERR_TRANSPORT_RESET: "the server reset the connection; check the port is right for this protocol and see the server's log for why",
  ERR_TRANSPORT_LINE_TOO_LONG: 'is this the right protocol and port? (--max-line raises the limit)',
  ERR_TRANSPORT_STEP_TIMEOUT: 'the server kept the answer coming without finishing it; is it healthy? (--step-timeout raises the wait)',
  ERR_TRANSPORT_RESPONSE_TOO_LARGE: 'is this the right protocol and port? (--max-response raises the limit)',
  ERR_TRANSPORT_TLS: 'does this port speak TLS from the first byte? (--tls is for ports like 465, 993, 995; without it, cases use STARTTLS)',
  ERR_TRANSPORT_TLS_CERT: "give the server's CA (or its self-signed certificate) with --ca FILE, the name it carries with --servername, or skip verification with --insecure",
};

/** One line for stderr, never a stack trace (unless debugging). */
export function describeError(err: unknown): string {
  if (isTransportError(err)) {
    const hint = TRANSPORT_HINTS[err.code];
    return hint ? `${err.message} — ${hint}` : err.message;
  }
  if (err instanceof Error) return err.message.split('\n')[0] ?? err.name;
  return String(err);
}
