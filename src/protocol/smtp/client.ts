import { Connection, type ConnectOptions } from '../../transport/connection.js';
import type { Violation } from '../shared/violation.js';
import { SmtpConversation } from './conversation.js';
import { encodeDataBody } from './dot-stuffing.js';
import type { SmtpEhloReply } from './parse-ehlo.js';
import type { SmtpReply } from './reply-assembler.js';
import type { SmtpState } from './session-state.js';

/** A reply with every violation the conversation found in it (grammar, greeting, EHLO syntax). */
export interface CheckedSmtpReply {
  readonly reply: SmtpReply;
  readonly violations: readonly Violation[];
}

/**
 * The SMTP reference client: one command, one checked reply (§4.2 "Every command MUST generate
 * exactly one reply"). Strict: it reports what is wrong instead of repairing it.
 */
export class SmtpClient {
  private constructor(
    readonly connection: Connection,
    private readonly conversation: SmtpConversation,
  ) {}

  static async connect(options: ConnectOptions): Promise<SmtpClient> {
    return new SmtpClient(await Connection.open(options), new SmtpConversation());
  }

  get state(): SmtpState {
    return this.conversation.state;
  }

  get ehloReply(): SmtpEhloReply | undefined {
    return this.conversation.ehlo;
  }

  /** The connection-opening reply (220, or 554/421 per §3.1). */
  greeting(): Promise<CheckedSmtpReply> {
    return this.readReply();
  }

  /** Sends one command line (CRLF added) and reads its reply. */
  async command(line: string): Promise<CheckedSmtpReply> {
    await this.send(Buffer.from(`${line}\r\n`, 'utf8'));
    return this.readReply();
  }

  async ehlo(domain: string): Promise<CheckedSmtpReply & { readonly ehlo: SmtpEhloReply | undefined }> {
    const checked = await this.command(`EHLO ${domain}`);
    return { ...checked, ehlo: this.conversation.ehlo };
  }

  /** DATA, then the dot-stuffed message and its terminator if the server says 354. Returns the final reply. */
  async data(message: Uint8Array): Promise<CheckedSmtpReply> {
    const go = await this.command('DATA');
    if (go.reply.code !== 354) return go;
    return this.content(message);
  }

  /** After a 354: the message as bytes (8-bit octets intact), dot-stuffed and ended by "." (§4.5.2); the end-of-data reply. */
  async content(message: Uint8Array): Promise<CheckedSmtpReply> {
    await this.send(encodeDataBody(message));
    return this.readReply();
  }

  async quit(): Promise<CheckedSmtpReply> {
    return this.command('QUIT');
  }

  close(): void {
    this.connection.close();
  }

  private async send(bytes: Buffer): Promise<void> {
    this.conversation.onSend(bytes);
    await this.connection.write(bytes);
  }

  private async readReply(): Promise<CheckedSmtpReply> {
    for (;;) {
      const event = this.conversation.onLine(await this.connection.readLine());
      if (event.reply) return { reply: event.reply, violations: event.violations };
    }
  }
}
