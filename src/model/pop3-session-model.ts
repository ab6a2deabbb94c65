import { firstDifference, selectTopLines } from '../protocol/pop3/check-top.js';
import { escapeBytes } from '../protocol/shared/bytes.js';
import { breach, POP3_MODEL_RULES as R, type Pop3Breach } from './pop3-model-rules.js';

/** One message as a session numbers it (RFC 1939 §4: fixed from login to QUIT). */
export interface Pop3SessionMessage {
  readonly msg: number;
  /** Size from the session's opening LIST. */
  readonly size: number;
  readonly uid?: string;
  /** Only for the run's own seeded messages: the body lines it seeded, without line ends. */
  readonly seedBody?: readonly string[];
}

/** Where a message-number stands in the session. */
export type Pop3MessageStatus = 'live' | 'deleted' | 'absent';

/** Commands whose argument names a message (RFC 1939 §5, §7). */
export type Pop3MessageVerb = 'LIST' | 'UIDL' | 'RETR' | 'TOP' | 'DELE';

export type Pop3StatusIndicator = '+OK' | '-ERR';

/**
 * The expected state of one POP3 session: which message-numbers exist, which are marked as
 * deleted, and what the session has already seen of each message. Pure: the caller feeds it what
 * the server answered and gets back the rules broken. The maildrop is locked (§4), so nothing
 * but this session's DELE and RSET changes what it expects.
 */
export class Pop3SessionModel {
  private readonly messages: ReadonlyMap<number, Pop3SessionMessage>;
  private readonly deleted = new Set<number>();
  private readonly retrieved = new Map<number, readonly Buffer[]>();
  private readonly tops = new Map<number, Array<{ readonly k: number; readonly lines: readonly Buffer[] }>>();

  constructor(
    messages: readonly Pop3SessionMessage[],
    /** Whether UIDL (optional, §7) answered at login. */
    readonly supportsUidl: boolean,
  ) {
    this.messages = new Map(messages.map((m) => [m.msg, m]));
  }

  /** Messages in the maildrop when the session opened. */
  get count(): number {
    return this.messages.size;
  }

  message(msg: number): Pop3SessionMessage | undefined {
    return this.messages.get(msg);
  }

  status(msg: number): Pop3MessageStatus {
    if (!this.messages.has(msg)) return 'absent';
    return this.deleted.has(msg) ? 'deleted' : 'live';
  }

  deletedNumbers(): ReadonlySet<number> {
    return this.deleted;
  }

  /** The status a message command must get: -ERR for an absent or deleted message, +OK for a live one (when the verb is supported). */
  checkStatus(verb: Pop3MessageVerb, msg: number, received: Pop3StatusIndicator): Pop3Breach | undefined {
    const status = this.status(msg);
    if (status === 'absent' && received === '+OK') {
      return breach(R.noSuchMessage, `+OK to ${verb} ${msg}, but the maildrop has only ${this.count} messages`, '-ERR', '+OK');
    }
    if (status === 'deleted' && received === '+OK') return breach(R.deletedMessage, `+OK to ${verb} ${msg}, which is marked as deleted`, '-ERR', '+OK');
    const optional = verb === 'UIDL' && !this.supportsUidl;
    if (status === 'live' && received === '-ERR' && !optional) {
      return breach(R.existingMessage, `-ERR to ${verb} ${msg}, a message that exists and is not marked as deleted`, '+OK', '-ERR');
    }
    return undefined;
  }

  checkPositive(verb: string, received: Pop3StatusIndicator): Pop3Breach | undefined {
    return received === '+OK' ? undefined : breach(R.positive, `-ERR to ${verb} in the TRANSACTION state`, '+OK', '-ERR');
  }

  /** Drop listing (STAT): not counting messages marked as deleted. */
  checkStat(count: number, size: number): Pop3Breach[] {
    const live = this.liveMessages();
    const total = live.reduce((sum, m) => sum + m.size, 0);
    const out: Pop3Breach[] = [];
    if (count !== live.length) out.push(breach(R.statCount, `STAT counts ${count} messages, the model has ${live.length} not marked as deleted`, String(live.length), String(count)));
    if (size !== total) out.push(breach(R.statSize, `STAT gives ${size} octets, the LIST sizes of the messages not marked as deleted add up to ${total}`, String(total), String(size)));
    return out;
  }

  /** Scan listings: LIST (full: every live message once, none other) or LIST n (the one asked for). */
  checkScanListings(scans: ReadonlyArray<{ readonly msg: number; readonly size: number }>, full: boolean, asked?: number): Pop3Breach[] {
    const expected = full ? this.liveMessages() : this.liveMessages().filter((m) => m.msg === asked);
    const got = scans.map((s) => `${s.msg} ${s.size}`).join(', ');
    const want = expected.map((m) => `${m.msg} ${m.size}`).join(', ');
    const sameSet = scans.length === expected.length && expected.every((m) => scans.some((s) => s.msg === m.msg && s.size === m.size));
    return sameSet ? [] : [breach(R.listing, `LIST${full ? '' : ` ${asked}`} differs from the session's listing of messages not marked as deleted`, want || 'no scan listing', got || 'none')];
  }

  /** Unique-id listings: UIDL (full) or UIDL n, against the unique-ids the session opened with. */
  checkUidListings(listings: ReadonlyArray<{ readonly msg: number; readonly uid: string }>, full: boolean, asked?: number): Pop3Breach[] {
    const expected = full ? this.liveMessages() : this.liveMessages().filter((m) => m.msg === asked);
    const got = listings.map((l) => `${l.msg} ${l.uid}`).join(', ');
    const want = expected.map((m) => `${m.msg} ${m.uid ?? '?'}`).join(', ');
    const sameSet = listings.length === expected.length && expected.every((m) => listings.some((l) => l.msg === m.msg && (m.uid === undefined || l.uid === m.uid)));
    return sameSet ? [] : [breach(R.uidl, `UIDL${full ? '' : ` ${asked}`} differs from the unique-ids of the messages not marked as deleted`, want || 'no unique-id listing', got || 'none')];
  }

  /** RETR's message (unstuffed lines) and its size as RFC 1939 §11 counts it. */
  checkRetr(msg: number, lines: readonly Buffer[], octets: number): Pop3Breach[] {
    const known = this.messages.get(msg);
    if (known === undefined) return [];
    const out: Pop3Breach[] = [];
    if (octets !== known.size) out.push(breach(R.retrSize, `RETR ${msg} sent ${octets} octets (lines + CRLF, stuffing excluded), LIST gave ${known.size}`, `${known.size} octets`, `${octets} octets`));
    const before = this.retrieved.get(msg);
    const differs = before === undefined ? undefined : firstDifference(lines, before);
    if (before !== undefined && differs !== undefined) out.push(lineBreach(R.retrContent, `RETR ${msg} differs from the same message retrieved earlier in this session`, before, lines, differs));
    const seedBreach = known.seedBody === undefined ? undefined : checkSeedBody(`RETR ${msg}`, lines, known.seedBody, known.seedBody.length);
    if (seedBreach) out.push(seedBreach);
    for (const top of this.tops.get(msg) ?? []) {
      const at = firstDifference(top.lines, selectTopLines(lines, top.k));
      if (at !== undefined) out.push(lineBreach(R.top, `TOP ${msg} ${top.k}, sent earlier, is not the head of RETR ${msg}`, selectTopLines(lines, top.k), top.lines, at));
    }
    this.retrieved.set(msg, lines);
    return out;
  }

  /** TOP n k: the headers, the blank line and the first k body lines of the message. */
  checkTop(msg: number, k: number, lines: readonly Buffer[]): Pop3Breach[] {
    const known = this.messages.get(msg);
    if (known === undefined) return [];
    const out: Pop3Breach[] = [];
    const whole = this.retrieved.get(msg);
    if (whole !== undefined) {
      const expected = selectTopLines(whole, k);
      const at = firstDifference(lines, expected);
      if (at !== undefined) out.push(lineBreach(R.top, `TOP ${msg} ${k} is not the headers, blank line and first ${k} body lines of RETR ${msg}`, expected, lines, at));
    } else if (known.seedBody !== undefined) {
      const seedBreach = checkSeedBody(`TOP ${msg} ${k}`, lines, known.seedBody, k);
      if (seedBreach) out.push({ ...seedBreach, rule: R.top });
    } else {
      const blank = lines.findIndex((l) => l.length === 0);
      const bodyLines = blank < 0 ? 0 : lines.length - blank - 1;
      if (bodyLines > k) out.push(breach(R.top, `TOP ${msg} ${k} sent ${bodyLines} body lines`, `at most ${k}`, String(bodyLines)));
    }
    const seen = this.tops.get(msg) ?? [];
    seen.push({ k, lines });
    this.tops.set(msg, seen);
    return out;
  }

  markDeleted(msg: number): void {
    this.deleted.add(msg);
  }

  /** RSET: "If any messages have been marked as deleted by the POP3 server, they are unmarked." (§5) */
  reset(): void {
    this.deleted.clear();
  }

  private liveMessages(): Pop3SessionMessage[] {
    return [...this.messages.values()].filter((m) => !this.deleted.has(m.msg));
  }
}

/** The body (after the first empty line) must be the first `k` seeded lines, exactly. */
function checkSeedBody(what: string, lines: readonly Buffer[], seedBody: readonly string[], k: number): Pop3Breach | undefined {
  const blank = lines.findIndex((l) => l.length === 0);
  const body = blank < 0 ? [] : lines.slice(blank + 1);
  const expected = seedBody.slice(0, k).map((l) => Buffer.from(l, 'latin1'));
  if (blank < 0) return breach(R.retrContent, `${what}: no blank line ends the headers of a seeded message`, 'headers, an empty line, the body', `${lines.length} header lines`);
  const at = firstDifference(body, expected);
  return at === undefined ? undefined : lineBreach(R.retrContent, `${what}: body line ${at + 1} differs from the seeded message (${body.length} body lines, ${expected.length} expected)`, expected, body, at);
}

function lineBreach(rule: Pop3Breach['rule'], message: string, expected: readonly Buffer[], received: readonly Buffer[], at: number): Pop3Breach {
  const show = (line: Buffer | undefined): string => (line === undefined ? '(no such line)' : escapeBytes(line, 64));
  return breach(rule, message, show(expected[at]), show(received[at]));
}
