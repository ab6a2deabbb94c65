import type { Pop3Client } from '../../protocol/pop3/client.js';
import { loginPop3 } from '../../protocol/pop3/find-messages.js';
import { inspectResponse } from '../../protocol/pop3/inspect-response.js';
import type { Pop3Response } from '../../protocol/pop3/pop3-response.js';
import type { WireLog } from '../../transport/wire-log.js';
import type { FuzzSettings, FuzzStats, LinkedMailbox } from '../fuzz-property.js';
import { pause } from '../models/pop3-model-real.js';
import { pop3TransportFailure, sendCheckedPop3 } from '../models/pop3-failure.js';

/** How often the mailbox is looked at while a message is on its way; the first looks come sooner (local delivery takes ~50 ms). */
export const POLL_INTERVAL_MS = 200;
const FIRST_PAUSE_MS = 25;

/** What a wait for the run's message came to. */
export type Pop3Pickup =
  /** Found, read with RETR (unstuffed lines), then deleted and committed with QUIT. */
  | { readonly found: true; readonly lines: readonly Buffer[]; readonly polls: number; readonly waitedMs: number }
  | { readonly found: false; readonly polls: number; readonly waitedMs: number };

/**
 * The linked POP3 mailbox, as smtp.delivery reads it: a fresh session per look (a POP3 session
 * sees the maildrop as it was at login, RFC 1939 §8), every response through the strict reference
 * client on the run's wire log. Only the message carrying the run's marker line is ever deleted.
 */
export class LinkedPop3Mailbox {
  constructor(
    private readonly linked: LinkedMailbox & { readonly password: string },
    private readonly settings: Pick<FuzzSettings, 'connectTimeoutMs' | 'answerTimeoutMs'>,
    private readonly stats: FuzzStats,
    private readonly log: WireLog,
  ) {}

  /**
   * The unique-ids of the messages there now (none without UIDL). Taken before the message is
   * sent: a refused login then ends the run before any test mail is left behind.
   */
  async currentUniqueIds(): Promise<ReadonlySet<string>> {
    const client = await this.login();
    try {
      const uids = new Set((await this.uniqueIds(client)).values());
      await this.send(client, 'QUIT');
      return uids;
    } finally {
      client.close();
    }
  }

  /**
   * Looks (25, 50, 100, then every 200 ms) until the message with `marker` is there or the delivery
   * timeout runs out, and takes it out. Messages in `before` are never read: the run's marker is new.
   */
  async pickUp(marker: Buffer, before: ReadonlySet<string>): Promise<Pop3Pickup> {
    const started = Date.now();
    // Unique-ids whose headers were looked at already: later looks read only new messages' headers.
    const looked = new Set(before);
    for (let polls = 1; ; polls++) {
      const client = await this.login();
      try {
        const msg = await this.locate(client, marker, looked);
        if (msg !== undefined) return { found: true, lines: await this.take(client, msg), polls, waitedMs: Date.now() - started };
        await this.send(client, 'QUIT');
      } finally {
        client.close();
      }
      if (Date.now() - started >= this.linked.deliveryTimeoutMs) return { found: false, polls, waitedMs: Date.now() - started };
      await pause(Math.min(POLL_INTERVAL_MS, FIRST_PAUSE_MS * 2 ** (polls - 1)));
    }
  }

  /** RETR, DELE, QUIT: the message's lines. A refusal is a setup problem (account, lock), not a finding about the SMTP server. */
  private async take(client: Pop3Client, msg: number): Promise<readonly Buffer[]> {
    const retr = await this.expectOk(client, `RETR ${msg}`);
    await this.expectOk(client, `DELE ${msg}`);
    await this.expectOk(client, 'QUIT');
    return retr.lines;
  }

  /** Newest first (deliveries are appended), the headers (TOP n 0, RFC 1939 §7) of messages not looked at yet. */
  private async locate(client: Pop3Client, marker: Buffer, looked: Set<string>): Promise<number | undefined> {
    const list = await this.expectOk(client, 'LIST');
    const uids = await this.uniqueIds(client);
    for (const { msg } of (inspectResponse(list, list.raw.bytes).scans ?? []).reverse()) {
      const uid = uids.get(msg);
      if (uid !== undefined && looked.has(uid)) continue;
      const top = await this.send(client, `TOP ${msg} 0`);
      if (top.status !== '+OK') throw new Error(`TOP ${msg} 0 refused by the linked mailbox: ${top.text} (finding the test message needs TOP, RFC 1939 §7)`);
      if (top.lines.some((line) => line.equals(marker))) return msg;
      if (uid !== undefined) looked.add(uid);
    }
    return undefined;
  }

  /** UIDL (RFC 1939 §7): message number → unique-id; empty when the server has no UIDL. */
  private async uniqueIds(client: Pop3Client): Promise<Map<number, string>> {
    const uidl = await this.send(client, 'UIDL');
    return new Map(uidl.status === '+OK' ? (inspectResponse(uidl, uidl.raw.bytes).uids ?? []).map((u) => [u.msg, u.uid] as const) : []);
  }

  private async login(): Promise<Pop3Client> {
    const { endpoint, user, password } = this.linked;
    try {
      return await loginPop3({ ...endpoint, log: this.log, connectTimeoutMs: this.settings.connectTimeoutMs, readTimeoutMs: this.settings.answerTimeoutMs }, user, password);
    } catch (err) {
      // A refused login is a setup problem and stays a plain error; a transport failure is a finding.
      throw pop3TransportFailure(err, 'login to the linked mailbox', this.log);
    }
  }

  private async expectOk(client: Pop3Client, line: string): Promise<Pop3Response> {
    const response = await this.send(client, line);
    if (response.status !== '+OK') throw new Error(`${line.split(' ')[0]} refused by the linked mailbox ${this.linked.user}: ${response.text}`);
    return response;
  }

  /** One command; a MUST-level grammar violation or a transport failure ends the run as a finding. */
  private async send(client: Pop3Client, line: string): Promise<Pop3Response> {
    this.stats.commands++;
    return sendCheckedPop3(client, line, this.log);
  }

}
