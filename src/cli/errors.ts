import { isTransportError } from '../transport/errors.js';

/** A mistake in how the tool was called: one line, exit 2, with a pointer to --help. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The tool could not do its job (target unreachable, suite files broken): one line, exit 2. */
export class ToolError extends Error {
  override readonly name = 'ToolError';
}

/** Hints per transport failure, phrased for someone checking a host:port. */
const TRANSPORT_HINTS: Readonly<Record<string, string>> = {
  ERR_TRANSPORT_CONNECT_REFUSED: 'is the server running and listening on that port?',
  ERR_TRANSPORT_CONNECT_TIMEOUT: 'check host, port and firewall, or raise --connect-timeout',
  ERR_TRANSPORT_HOST_NOT_FOUND: 'check the host name',
  ERR_TRANSPORT_TIMEOUT: 'the server accepted the connection but did not answer; is this the right protocol and port? (--timeout raises the wait)',
  ERR_TRANSPORT_CLOSED: 'the server closed the connection before answering',
  ERR_TRANSPORT_RESET: 'the server reset the connection',
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
