import { ImapClient, quoteImap } from '../protocol/imap/client.js';
import { compileResponse } from '../protocol/imap/compile-response.js';
import { Pop3Client, type CheckedPop3Response } from '../protocol/pop3/client.js';
import { escapeBytes } from '../protocol/shared/bytes.js';
import { SmtpClient } from '../protocol/smtp/client.js';
import type { Protocol } from '../report/result.js';
import { secretRedactor } from '../script/redact.js';
import type { ConnectOptions } from '../transport/connection.js';
import { isTransportError } from '../transport/errors.js';
import { ToolError, describeError } from './errors.js';

export interface PreflightCredentials {
  readonly user: string;
  readonly password: string;
}

/** The account to check, when both halves were given (POP3, IMAP; SMTP suites don't log in yet). */
export function preflightCredentials(user: string | undefined, password: string | undefined): PreflightCredentials | undefined {
  return user !== undefined && password !== undefined ? { user, password } : undefined;
}

/** A server's answer as shown in a message: escaped, bounded, the password (should it echo it) redacted. */
type ShowText = (bytes: Uint8Array) => string;

/** One protocol's steps: undefined when a step went through, else the server's refusal as text. */
interface PreflightSession {
  greet(): Promise<string | undefined>;
  /** undefined when the greeting already authenticated (IMAP PREAUTH) or the login was accepted. */
  login(credentials: PreflightCredentials): Promise<string | undefined>;
  logout(): Promise<void>;
  close(): void;
}

/**
 * One connection before anything runs: greeting, login and logout. A target that can't greet or
 * that refuses the account would turn every case or run into noise that says nothing about the
 * server, so it stops the tool with one line that names the target and what to try (ToolError).
 */
export async function preflight(protocol: Protocol, connect: ConnectOptions, credentials?: PreflightCredentials): Promise<void> {
  const target = formatTarget(connect.host, connect.port);
  const redact = secretRedactor(credentials ? [credentials.password] : []) ?? ((text: string) => text);
  const show: ShowText = (bytes) => redact(escapeBytes(trimLineEnd(bytes), 200));
  // A reset while connecting is a server that accepted and hung up at once: worded as at the greeting.
  const session = await stage(openSession(protocol, connect, show), (err) => describeGreetingFailure(err, target, protocol));
  try {
    const refusal = await stage(session.greet(), (err) => describeGreetingFailure(err, target, protocol));
    if (refusal !== undefined) throw new ToolError(`${target} refused service at its greeting: ${refusal} — nothing can be tested; the server's log says why (connection limits, this client blocked), or try again later`);
    if (credentials) {
      const refused = await stage(session.login(credentials), (err) => `${describeError(err)} (while logging in as ${credentials.user}) — check --user and --password-env, and the server's log`);
      if (refused !== undefined) throw new ToolError(`login as ${credentials.user} at ${target} refused: ${refused} — check --user and --password-env`);
    }
    // A server that mishandles the logout is the cases' business, not a reason to stop.
    await session.logout().catch(() => undefined);
  } finally {
    session.close();
  }
}

/** Runs one step; a transport failure becomes a ToolError worded for that step. */
async function stage<T>(step: Promise<T>, describe: (err: unknown) => string): Promise<T> {
  try {
    return await step;
  } catch (err) {
    if (err instanceof ToolError || !isTransportError(err)) throw err;
    throw new ToolError(describe(err));
  }
}

function describeGreetingFailure(err: unknown, target: string, protocol: Protocol): string {
  if (!isTransportError(err) || (err.code !== 'ERR_TRANSPORT_CLOSED' && err.code !== 'ERR_TRANSPORT_RESET')) return describeError(err);
  const how = err.code === 'ERR_TRANSPORT_RESET' ? 'reset the connection' : 'closed the connection';
  return `${target} ${how} before its greeting, so nothing can be tested — check that this is the server's ${protocol.toUpperCase()} port, and see the server's log for why it hangs up (connection limits, this client blocked, a crash)`;
}

async function openSession(protocol: Protocol, connect: ConnectOptions, show: ShowText): Promise<PreflightSession> {
  switch (protocol) {
    case 'smtp':
      return smtpSession(await SmtpClient.connect(connect), show);
    case 'pop3':
      return pop3Session(await Pop3Client.connect(connect), show);
    case 'imap':
      return imapSession(await ImapClient.connect(connect), show);
  }
}

function smtpSession(client: SmtpClient, show: ShowText): PreflightSession {
  return {
    async greet() {
      const { reply } = await client.greeting();
      // RFC 5321 §3.1: 554 is "no SMTP service here"; 421 is a server closing its transmission channel.
      return reply.code === 554 || reply.code === 421 ? reply.lines.map((l) => show(l.raw.bytes)).join(' / ') : undefined;
    },
    // The SMTP suites don't authenticate (yet): nothing to check.
    login: () => Promise.resolve(undefined),
    logout: async () => void (await client.quit()),
    close: () => client.close(),
  };
}

function pop3Session(client: Pop3Client, show: ShowText): PreflightSession {
  const refusal = ({ response }: CheckedPop3Response): string | undefined => (response.status === '-ERR' ? show(response.raw.bytes) : undefined);
  return {
    // A malformed greeting is left to the cases, which report it with its rule.
    greet: async () => refusal(await client.greeting()),
    async login({ user, password }) {
      const userAnswer = await client.user(user);
      return refusal(userAnswer) ?? refusal(await client.pass(password));
    },
    logout: async () => void (await client.quit()),
    close: () => client.close(),
  };
}

function imapSession(client: ImapClient, show: ShowText): PreflightSession {
  let preauth = false;
  return {
    async greet() {
      const { response, raw } = (await client.greeting()).unit;
      if (response.kind === 'bye') return show(raw.parts[0]?.bytes ?? Buffer.alloc(0));
      preauth = response.kind === 'untagged' && response.type === 'condition' && response.status === 'PREAUTH';
      return undefined;
    },
    async login({ user, password }) {
      if (preauth) return undefined;
      const { tagged } = await client.command(`LOGIN ${quoteImap(user)} ${quoteImap(password)}`);
      if (tagged.status === 'OK') return undefined;
      // The completion as sent, without our tag: "NO [AUTHENTICATIONFAILED] Authentication failed."
      const line = compileResponse(tagged);
      return show(line.subarray(tagged.tag.length + 1));
    },
    logout: async () => void (await client.command('LOGOUT')),
    close: () => client.close(),
  };
}

function trimLineEnd(bytes: Uint8Array): Uint8Array {
  let end = bytes.length;
  while (end > 0 && (bytes[end - 1] === 0x0a || bytes[end - 1] === 0x0d)) end--;
  return bytes.subarray(0, end);
}

/** host:port, with an IPv6 address in brackets, as the transport names targets. */
export function formatTarget(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
