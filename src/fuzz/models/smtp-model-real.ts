import type { SmtpBreach } from '../../model/smtp-model-rules.js';
import { sectionOf } from '../../protocol/shared/rule.js';
import type { Violation } from '../../protocol/shared/violation.js';
import { SmtpClient } from '../../protocol/smtp/client.js';
import type { SmtpReply } from '../../protocol/smtp/reply-assembler.js';
import { WireLog } from '../../transport/wire-log.js';
import { FuzzFailure } from '../fuzz-failure.js';
import type { FuzzSettings, FuzzStats } from '../fuzz-property.js';
import { modelFailure, transportFailure, violationFailure, type AnswerRules } from './run-failure.js';

const rfc5321 = sectionOf(5321);

/** "Every command MUST generate exactly one reply" (§4.2). */
const SMTP_ANSWERS: AnswerRules = {
  owedBy: rfc5321('4.2'),
  ruleName: 'reply',
  noun: 'reply to',
  lineLimit: { rule: 'reply-line.length', ref: rfc5321('4.5.3.1.5'), level: 'MUST' },
  reconnect: { rule: 'session.connect', ref: rfc5321('3.1') },
};

/** The addresses a run uses, from the settings' vars. */
export interface SmtpModelAddresses {
  readonly client: string;
  readonly from: string;
  readonly rcpt: string;
  /** The recipient's domain (vars `domain`, else the part after "@" in `rcpt`). */
  readonly domain: string;
}

export const DEFAULT_CLIENT = 'client.mailconform.test';
export const DEFAULT_FROM = 'mailconform@client.mailconform.test';

/** The addresses, or undefined without a `rcpt` var. */
export function readAddresses(vars: ReadonlyMap<string, string>): SmtpModelAddresses | undefined {
  const rcpt = vars.get('rcpt');
  if (rcpt === undefined) return undefined;
  const domain = vars.get('domain') ?? rcpt.slice(rcpt.lastIndexOf('@') + 1);
  return { client: vars.get('client') ?? DEFAULT_CLIENT, from: vars.get('from') ?? DEFAULT_FROM, rcpt, domain };
}

/**
 * The real side of an envelope-model run: one SMTP session through the strict reference client,
 * on one wire log (the finding's transcript). A MUST-level reply violation, a broken model rule
 * or a transport failure ends the run as a FuzzFailure.
 */
export class SmtpModelReal {
  readonly log = new WireLog();
  private client: SmtpClient | undefined;

  constructor(
    readonly settings: FuzzSettings,
    readonly stats: FuzzStats,
    readonly addresses: SmtpModelAddresses,
  ) {}

  /** Connects and reads the greeting; a session the server refuses (554, §3.1) cannot run the model. */
  async open(): Promise<void> {
    try {
      this.client = await SmtpClient.connect({ ...this.settings.endpoint, log: this.log, connectTimeoutMs: this.settings.connectTimeoutMs, readTimeoutMs: this.settings.answerTimeoutMs });
    } catch (err) {
      throw this.transportFailure(err, 'connect');
    }
    const greeting = await this.read(() => this.client!.greeting(), 'the greeting');
    if (greeting.code !== 220) throw new Error(`SMTP greeting was ${greeting.code ?? 'unreadable'}, not 220: the run needs an open session`);
  }

  /** One command line, its checked reply. */
  send(line: string): Promise<SmtpReply> {
    return this.read(() => this.session().command(line), line.split(' ')[0] ?? line);
  }

  /** The message after a 354: dot-stuffed, ended by "." (§4.5.2), its octets sent as they are. */
  sendContent(message: Buffer): Promise<SmtpReply> {
    return this.read(() => this.session().content(message), 'the end of mail data');
  }

  /** The keywords of the last EHLO reply (uppercased), or undefined before one. */
  get ehloKeywords(): ReadonlyMap<string, readonly string[]> | undefined {
    return this.client?.ehloReply?.keywords;
  }

  check(breaches: readonly SmtpBreach[]): void {
    const first = breaches[0];
    if (first !== undefined) throw modelFailure(first, this.log);
  }

  /** QUIT if the session is still open, then close; the run is over, so nothing is checked. */
  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client === undefined) return;
    try {
      if (client.connection.isOpen) await client.quit();
    } catch {
      // The run's verdict is already made.
    } finally {
      client.close();
    }
  }

  private session(): SmtpClient {
    if (this.client === undefined) throw new Error('no open SMTP session');
    return this.client;
  }

  private async read(exchange: () => Promise<{ reply: SmtpReply; violations: readonly Violation[] }>, what: string): Promise<SmtpReply> {
    let checked;
    try {
      checked = await exchange();
    } catch (err) {
      throw this.transportFailure(err, what);
    }
    const v = checked.violations.find((x) => x.level === 'MUST');
    if (v) throw violationFailure(v, 'malformed', this.log);
    return checked.reply;
  }

  /** A transport error as a finding (see transportFailure); a fault of the tool is rethrown. */
  private transportFailure(err: unknown, what: string): FuzzFailure {
    const failure = transportFailure(err, what, this.log, SMTP_ANSWERS);
    if (failure instanceof FuzzFailure) return failure;
    throw failure;
  }}
