import { Pop3Client } from '../../protocol/pop3/client.js';
import { inspectResponse } from '../../protocol/pop3/inspect-response.js';
import type { Pop3Response } from '../../protocol/pop3/pop3-response.js';
import type { Pop3Breach } from '../../model/pop3-model-rules.js';
import type { Pop3MaildropModel, Pop3OpeningEntry, Pop3SessionOpening } from '../../model/pop3-maildrop.js';
import { SEED_HEADER } from '../../script/setup/pop3-setup.js';
import { WireLog } from '../../transport/wire-log.js';
import type { FuzzSettings, FuzzStats } from '../fuzz-property.js';
import { pop3TransportFailure, sendCheckedPop3 } from './pop3-failure.js';
import { modelFailure } from './run-failure.js';

/** A reconnect may find the maildrop still locked by the session just ended (RFC 2449 §8.1.2 [IN-USE]): retry this long. */
const RELOGIN_WINDOW_MS = 3000;
const RELOGIN_PAUSE_MS = 100;
/** Seeding may deliver asynchronously (an MTA): look for the seeded messages this long. */
const LOCATE_WINDOW_MS = 10_000;
const LOCATE_PAUSE_MS = 200;

/**
 * The real side of a maildrop-model run: one POP3 connection at a time, all on one wire log (the
 * finding's transcript). Every response goes through the strict reference client; a MUST-level
 * grammar violation, a broken model rule or a transport failure ends the run as a FuzzFailure.
 */
export class Pop3ModelReal {
  readonly log = new WireLog();
  private client: Pop3Client | undefined;
  /** Set once a login succeeded: a later refusal may be the previous session's lock, not bad credentials. */
  private loggedIn = false;

  constructor(
    readonly settings: FuzzSettings,
    readonly stats: FuzzStats,
  ) {}

  /** Sends one command and returns its response, or throws the finding it makes. */
  async send(line: string): Promise<Pop3Response> {
    const client = this.client;
    if (client === undefined) throw new Error(`no open session for ${line}`);
    return sendCheckedPop3(client, line, this.log);
  }


  /** Throws the first breach as a 'model' finding. */
  check(breaches: ReadonlyArray<Pop3Breach | undefined>): void {
    const first = breaches.find((b) => b !== undefined);
    if (first) throw modelFailure(first, this.log);
  }

  /** Logs in, reads the opening listings, finds the seeded messages, and starts the model's session. */
  async open(model: Pop3MaildropModel): Promise<void> {
    const deadline = Date.now() + LOCATE_WINDOW_MS;
    for (;;) {
      await this.login();
      const opening = await this.readOpening(model);
      const missing = !model.hasOpened && opening.seededAt.size < model.tokensToLocate(opening.listing, opening.supportsUidl).length;
      if (!missing) {
        this.check(model.openSession(opening));
        return;
      }
      // Not a finding: the seed command may not have delivered yet, or does not deliver to this account.
      if (Date.now() > deadline) throw new Error(`seeded messages not found in ${this.settings.user}'s maildrop within ${LOCATE_WINDOW_MS} ms (does the seed command deliver there?)`);
      await this.quit();
      await pause(LOCATE_PAUSE_MS);
    }
  }

  /** QUIT; the status decides what the UPDATE state promised (§6). The connection is closed either way. */
  async quit(): Promise<'+OK' | '-ERR'> {
    try {
      const response = await this.send('QUIT');
      return response.status === '+OK' ? '+OK' : '-ERR';
    } finally {
      this.drop();
    }
  }

  /** Ends the session without QUIT: no UPDATE state (§6). */
  drop(): void {
    this.client?.close();
    this.client = undefined;
  }

  /**
   * Deletes what the run seeded and nothing else: a fresh session, each seeded message found again
   * by its seed header (never by number alone), DELE, QUIT. No model checks: the run is over.
   */
  async removeSeeded(model: Pop3MaildropModel): Promise<void> {
    await this.login();
    try {
      const { seededAt } = await this.readOpening(model);
      for (const msg of seededAt.values()) {
        const dele = await this.send(`DELE ${msg}`);
        if (dele.status !== '+OK') throw new Error(`DELE ${msg} of a seeded message refused: ${dele.text}`);
      }
      const quit = await this.send('QUIT');
      if (quit.status !== '+OK') throw new Error(`QUIT after deleting the seeded messages refused: ${quit.text}`);
    } finally {
      this.drop();
    }
  }

  private async login(): Promise<void> {
    const started = Date.now();
    const { user, password, endpoint } = this.settings;
    if (user === undefined || password === undefined) throw new Error('the maildrop model needs an account');
    for (;;) {
      try {
        this.client = await Pop3Client.connect({ ...endpoint, log: this.log, connectTimeoutMs: this.settings.connectTimeoutMs, readTimeoutMs: this.settings.answerTimeoutMs });
      } catch (err) {
        throw pop3TransportFailure(err, 'connect', this.log);
      }
      const greeting = await this.client.greeting().catch((err: unknown) => Promise.reject(pop3TransportFailure(err, 'the greeting', this.log)));
      if (greeting.response.status !== '+OK') throw new Error(`POP3 greeting was not +OK: ${greeting.response.text}`);
      const userReply = await this.send(`USER ${user}`);
      const passReply = userReply.status === '+OK' ? await this.send(`PASS ${password}`) : userReply;
      if (passReply.status === '+OK') {
        this.loggedIn = true;
        return;
      }
      this.drop();
      // The first login failing is a setup problem; a later one may be the last session's lock.
      if (!this.loggedIn || Date.now() - started > RELOGIN_WINDOW_MS) throw new Error(`login as ${user} refused: ${passReply.text}`);
      await pause(RELOGIN_PAUSE_MS);
    }
  }

  /** LIST, UIDL, then TOP n 0 of likely candidates (known unique-ids first, then newest first) until every seed token is found. */
  private async readOpening(model: Pop3MaildropModel): Promise<Pop3SessionOpening> {
    const list = await this.send('LIST');
    if (list.status !== '+OK') throw new Error(`LIST refused at login: ${list.text}`);
    const uidl = await this.send('UIDL');
    const supportsUidl = uidl.status === '+OK';
    const uids = new Map((inspectResponse(uidl, uidl.raw.bytes).uids ?? []).map((u) => [u.msg, u.uid]));
    const listing: Pop3OpeningEntry[] = (inspectResponse(list, list.raw.bytes).scans ?? []).map((s) => {
      const uid = uids.get(s.msg);
      return uid === undefined ? { msg: s.msg, size: s.size } : { msg: s.msg, size: s.size, uid };
    });
    const tokens = model.tokensToLocate(listing, supportsUidl);
    const seededAt = new Map<string, number>();
    for (const entry of model.locateOrder(listing)) {
      if (seededAt.size === tokens.length) break;
      const top = await this.send(`TOP ${entry.msg} 0`);
      if (top.status !== '+OK') throw new Error(`TOP ${entry.msg} 0 refused: ${top.text} (finding seeded messages needs TOP, RFC 1939 §7)`);
      const headers = new Set(top.lines.map((l) => l.toString('latin1')));
      const token = tokens.find((t) => !seededAt.has(t) && headers.has(`${SEED_HEADER}: ${t}`));
      if (token !== undefined) seededAt.set(token, entry.msg);
    }
    return { listing, supportsUidl, seededAt };
  }
}

export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
