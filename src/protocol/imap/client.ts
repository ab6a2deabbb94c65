import { Connection, type ConnectOptions } from '../../transport/connection.js';
import type { Violation } from '../shared/violation.js';
import { completeUnit } from '../shared/complete-unit.js';
import { ImapConversation, type ImapUnit } from './conversation.js';
import type { ImapTaggedResponse } from './imap-response.js';
import type { ImapState } from './session-state.js';

/** A command's outcome: its untagged data, the tagged completion, and every violation on the way. */
export interface ImapCommandResult {
  readonly untagged: readonly ImapUnit[];
  readonly tagged: ImapTaggedResponse;
  readonly violations: readonly Violation[];
}

/**
 * The IMAP reference client: one command at a time with its own tags (mc1, mc2, …), synchronizing
 * literals (it waits for "+" before sending the octets, §7.5), every response checked.
 */
export class ImapClient {
  private tagCount = 0;

  private constructor(
    readonly connection: Connection,
    private readonly conversation: ImapConversation,
  ) {}

  static async connect(options: ConnectOptions): Promise<ImapClient> {
    return new ImapClient(await Connection.open(options), new ImapConversation());
  }

  get state(): ImapState {
    return this.conversation.state;
  }

  get capabilities(): ReadonlySet<string> {
    return this.conversation.capabilities;
  }

  /** The greeting (§7.1: OK, PREAUTH or BYE). */
  async greeting(): Promise<{ readonly unit: ImapUnit; readonly violations: readonly Violation[] }> {
    const { unit, violations } = await this.readUnit();
    return { unit, violations };
  }

  /**
   * Sends `command` (without tag), with `literals` sent as synchronizing literals where the
   * command text has `{}` placeholders, in order: `APPEND box {}` → `APPEND box {n}`, "+", octets.
   */
  async command(command: string, literals: readonly Buffer[] = []): Promise<ImapCommandResult> {
    const tag = `mc${++this.tagCount}`;
    const pieces = command.split('{}');
    if (pieces.length - 1 !== literals.length) throw new Error(`ImapClient: ${pieces.length - 1} literal placeholder(s), ${literals.length} literal(s)`);
    const untagged: ImapUnit[] = [];
    const violations: Violation[] = [];
    let line = `${tag} ${pieces[0]}`;
    for (const [i, literal] of literals.entries()) {
      await this.send(Buffer.from(`${line}{${literal.length}}\r\n`, 'latin1'));
      // §7.5: the server answers "+" to go on, or completes the command (NO/BAD) to refuse it.
      for (;;) {
        const { unit, violations: found } = await this.readUnit();
        violations.push(...found);
        if (unit.response.kind === 'continuation') break;
        if (unit.response.kind === 'tagged' && unit.response.tag === tag) return { untagged, tagged: unit.response, violations };
        untagged.push(unit);
      }
      await this.send(literal);
      line = pieces[i + 1]!;
    }
    await this.send(Buffer.from(`${line}\r\n`, 'latin1'));
    for (;;) {
      const { unit, violations: found } = await this.readUnit();
      violations.push(...found);
      if (unit.response.kind === 'tagged' && unit.response.tag === tag) return { untagged, tagged: unit.response, violations };
      untagged.push(unit);
    }
  }

  close(): void {
    this.connection.close();
  }

  private async send(bytes: Buffer): Promise<void> {
    this.conversation.onSend(bytes);
    await this.connection.write(bytes);
  }

  private async readUnit(): Promise<{ unit: ImapUnit; violations: readonly Violation[] }> {
    const step = await completeUnit(this.conversation.onLine(await this.connection.readLine()), this.conversation, this.connection);
    return { unit: step.parsed, violations: step.violations };
  }
}

/** An IMAP quoted string for a command (§4.3): backslash and double quote escaped. */
export function quoteImap(text: string): string {
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}
