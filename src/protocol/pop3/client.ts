import { Connection, type ConnectOptions } from '../../transport/connection.js';
import { isTransportError } from '../../transport/errors.js';
import type { Violation } from '../shared/violation.js';
import { apopDigest } from './apop.js';
import { Pop3Conversation } from './conversation.js';
import type { Pop3Response } from './pop3-response.js';
import type { Pop3State } from './session-state.js';

/** A response with every violation found while reading it (AUTH challenges included). */
export interface CheckedPop3Response {
  readonly response: Pop3Response;
  readonly violations: readonly Violation[];
}

/**
 * Answers one SASL challenge (the decoded bytes of "+ base64"): the base64 line to send, or
 * undefined to cancel the exchange with "*" (RFC 5034 §4).
 */
export type SaslResponder = (challenge: Buffer) => string | undefined;

/**
 * The POP3 reference client: one command, one checked response, read to its "." when multi-line.
 * Strict: it reports what is wrong instead of repairing it. It never logs credentials itself;
 * the wire log records what was sent, and is redacted where it is reported.
 */
export class Pop3Client {
  private constructor(
    readonly connection: Connection,
    private readonly conversation: Pop3Conversation,
  ) {}

  static async connect(options: ConnectOptions): Promise<Pop3Client> {
    return new Pop3Client(await Connection.open(options), new Pop3Conversation());
  }

  get state(): Pop3State {
    return this.conversation.state;
  }

  /** The greeting's APOP challenge, once the greeting has been read. */
  get apopTimestamp(): string | undefined {
    return this.conversation.apopTimestamp;
  }

  get capabilities(): ReadonlyMap<string, readonly string[]> | undefined {
    return this.conversation.capabilities;
  }

  /** The one-line greeting (RFC 1939 §4). */
  greeting(): Promise<CheckedPop3Response> {
    return this.readResponse();
  }

  /** Sends one command line (CRLF added) and reads its whole response. */
  async command(line: string, respond?: SaslResponder): Promise<CheckedPop3Response> {
    await this.send(Buffer.from(`${line}\r\n`, 'utf8'));
    return this.readResponse(respond);
  }

  user(name: string): Promise<CheckedPop3Response> {
    return this.command(`USER ${name}`);
  }

  pass(secret: string): Promise<CheckedPop3Response> {
    return this.command(`PASS ${secret}`);
  }

  /** APOP with the digest of the greeting's timestamp; throws if the greeting offered none. */
  apop(name: string, secret: string): Promise<CheckedPop3Response> {
    const timestamp = this.apopTimestamp;
    if (timestamp === undefined) return Promise.reject(new Error('APOP: the greeting carried no timestamp (RFC 1939 §7)'));
    return this.command(`APOP ${name} ${apopDigest(timestamp, secret)}`);
  }

  /** AUTH (RFC 5034 §4): challenges go to `respond`; without one, the exchange is cancelled. */
  auth(mechanism: string, respond?: SaslResponder, initialResponse?: string): Promise<CheckedPop3Response> {
    return this.command(initialResponse === undefined ? `AUTH ${mechanism}` : `AUTH ${mechanism} ${initialResponse}`, respond);
  }

  stat(): Promise<CheckedPop3Response> {
    return this.command('STAT');
  }

  list(msg?: number): Promise<CheckedPop3Response> {
    return this.command(msg === undefined ? 'LIST' : `LIST ${msg}`);
  }

  uidl(msg?: number): Promise<CheckedPop3Response> {
    return this.command(msg === undefined ? 'UIDL' : `UIDL ${msg}`);
  }

  retr(msg: number): Promise<CheckedPop3Response> {
    return this.command(`RETR ${msg}`);
  }

  top(msg: number, lines: number): Promise<CheckedPop3Response> {
    return this.command(`TOP ${msg} ${lines}`);
  }

  dele(msg: number): Promise<CheckedPop3Response> {
    return this.command(`DELE ${msg}`);
  }

  rset(): Promise<CheckedPop3Response> {
    return this.command('RSET');
  }

  noop(): Promise<CheckedPop3Response> {
    return this.command('NOOP');
  }

  capa(): Promise<CheckedPop3Response> {
    return this.command('CAPA');
  }

  quit(): Promise<CheckedPop3Response> {
    return this.command('QUIT');
  }

  close(): void {
    this.connection.close();
    this.conversation.onClose();
  }

  private async send(bytes: Buffer): Promise<void> {
    this.conversation.onSend(bytes);
    await this.connection.write(bytes);
  }

  /**
   * Reads lines until a response completes. If the server closes in the middle of a multi-line
   * body, the lines received come back as an incomplete response with a 'multi-line.terminator'
   * violation; any other transport error (or a close before the status line) propagates.
   */
  private async readResponse(respond?: SaslResponder): Promise<CheckedPop3Response> {
    const violations: Violation[] = [];
    for (;;) {
      let line;
      try {
        line = await this.connection.readLine();
      } catch (err) {
        const cut = isTransportError(err) && err.code === 'ERR_TRANSPORT_CLOSED' ? this.conversation.onClose(err.partial) : undefined;
        if (!cut) throw err;
        // Only a multi-line body can be cut, and its violations are all in the response.
        return { response: cut, violations: cut.violations };
      }
      const event = this.conversation.onLine(line);
      violations.push(...event.violations);
      if (event.response) return { response: event.response, violations };
      if (event.parsed.kind === 'continuation') {
        const answer = respond?.(Buffer.from(event.parsed.text, 'base64'));
        await this.send(Buffer.from(`${answer ?? '*'}\r\n`, 'latin1'));
      }
    }
  }
}
