import type { Violation } from '../shared/violation.js';
import type { Pop3ResponseFacts } from './inspect-response.js';
import type { Pop3ScanListing, Pop3UniqueIdListing } from './parse-listing.js';
import { createPop3Violation, rfc1939, type Pop3Rule } from './pop3-rule.js';
import { readNumberArg } from './pop3-command.js';
import type { Pop3Response } from './pop3-response.js';
import { checkTop, TOP_RULES } from './check-top.js';

const r1939 = (rule: string, section: string, level: Pop3Rule['level'] = 'MUST'): Pop3Rule => ({ rule, ref: rfc1939(section), level });

export const LEDGER_RULES = {
  /** LIST gives "the exact size of the message in octets" (§5), counted as §11 says. */
  sizeMatchesRetr: r1939('LIST.size-matches-RETR', '5'),
  /** STAT gives "the number of messages in the maildrop"; "messages marked as deleted are not counted in either total" (§5) */
  statCount: r1939('STAT.count-matches-LIST', '5'),
  /**
   * STAT gives "the size of the maildrop in octets" (§5). That it is the sum of the messages'
   * sizes is only implied (the §5 and §10 examples: 2 320 = 120 + 200): SHOULD.
   */
  statSize: r1939('STAT.size-matches-LIST', '5', 'SHOULD'),
  /** "Note that messages marked as deleted are not listed." (§5 LIST, §7 UIDL) */
  listListsDeleted: r1939('LIST.lists-deleted', '5'),
  uidlListsDeleted: r1939('UIDL.lists-deleted', '7'),
  /**
   * After DELE: "Any future reference to the message-number associated with the message in a POP3
   * command generates an error." (§5) Each command's argument "may NOT refer to a message marked
   * as deleted" (§5, §7).
   */
  listDeleted: r1939('LIST.deleted-message', '5'),
  retrDeleted: r1939('RETR.deleted-message', '5'),
  deleDeleted: r1939('DELE.deleted-message', '5'),
  uidlDeleted: r1939('UIDL.deleted-message', '7'),
  /**
   * A unique-id "uniquely identifies a message within a maildrop and ... persists across
   * sessions" (§7). But "Clients should be able to handle a situation where two identical copies
   * of a message in a maildrop have the same unique-id." So a shared unique-id is a violation
   * only when the messages are known to differ (LIST sizes); otherwise it is noted (MAY).
   */
  uidDuplicate: r1939('UIDL.unique-id.duplicate', '7'),
  uidShared: r1939('UIDL.unique-id.shared', '7', 'MAY'),
  uidChanged: r1939('UIDL.unique-id.changed', '7'),
} as const satisfies Record<string, Pop3Rule>;

const DELETED_RULES: ReadonlyMap<string, Pop3Rule> = new Map([
  ['LIST', LEDGER_RULES.listDeleted],
  ['RETR', LEDGER_RULES.retrDeleted],
  ['DELE', LEDGER_RULES.deleDeleted],
  ['TOP', TOP_RULES.deleted],
  ['UIDL', LEDGER_RULES.uidlDeleted],
]);

/**
 * What one session has learnt about the maildrop (sizes, bodies, unique-ids, deletions), and the
 * checks that hold responses to it: the RFC promises that different commands agree. Stateful
 * (one per connection), no I/O. Message numbers are stable within a session (§4), and the
 * maildrop is locked (§4), so nothing but this session's DELE and RSET changes it.
 */
export class MaildropLedger {
  private readonly sizes = new Map<number, number>();
  private readonly retrOctets = new Map<number, number>();
  private readonly retrBodies = new Map<number, readonly Buffer[]>();
  private readonly uids = new Map<number, string>();
  private readonly uidOwners = new Map<string, number>();
  private readonly deleted = new Set<number>();
  /** Every message-number, per the last full LIST (listed ones plus those marked deleted then). */
  private maildrop: Set<number> | undefined;
  private stat: { readonly count: number; readonly size: number; readonly epoch: number } | undefined;
  /** Bumped by every accepted DELE and RSET: STAT and LIST agree only within one epoch. */
  private epoch = 0;

  /**
   * Checks a completed +OK response against what the session knew, then learns from it.
   * `endAt` is the response offset of the line that completed it (a body's "." terminator).
   */
  observe(response: Pop3Response, facts: Pop3ResponseFacts, endAt: number): Violation[] {
    if (response.status !== '+OK') return [];
    const { verb, args } = response.command;
    const msg = readNumberArg(args[0]);
    const violations: Violation[] = [];
    const deletedRule = DELETED_RULES.get(verb);
    if (msg !== undefined && deletedRule && this.deleted.has(msg)) {
      violations.push(createPop3Violation(deletedRule, 0, `+OK to ${verb} ${msg}, but message ${msg} is marked as deleted`, '-ERR', '+OK'));
    }
    switch (verb) {
      case 'STAT':
        if (facts.drop) this.observeStat(facts.drop.count, facts.drop.size, facts.drop.countAt, facts.drop.sizeAt, violations);
        break;
      case 'LIST':
        for (const scan of facts.scans ?? []) this.observeScan(scan, args.length === 0, violations);
        if (args.length === 0 && facts.scans) this.observeFullList(facts.scans, endAt, violations);
        break;
      case 'UIDL':
        for (const uid of facts.uids ?? []) this.observeUid(uid, args.length === 0, violations);
        break;
      case 'RETR':
        if (msg !== undefined) this.observeRetr(msg, response, endAt, violations);
        break;
      case 'TOP':
        if (msg !== undefined) violations.push(...checkTop(response, this.retrBodies.get(msg), this.sizes.get(msg), endAt));
        break;
      case 'DELE':
        if (msg !== undefined) this.deleted.add(msg);
        this.epoch++;
        break;
      case 'RSET':
        // "If any messages have been marked as deleted by the POP3 server, they are unmarked." (§5)
        this.deleted.clear();
        this.epoch++;
        break;
    }
    return violations;
  }

  private observeStat(count: number, size: number, countAt: number, sizeAt: number, violations: Violation[]): void {
    this.stat = { count, size, epoch: this.epoch };
    if (this.maildrop === undefined) return;
    const live = [...this.maildrop].filter((n) => !this.deleted.has(n));
    if (live.length !== count) {
      violations.push(createPop3Violation(LEDGER_RULES.statCount, countAt, `STAT counts ${count} messages, LIST showed ${live.length} not marked as deleted`, String(live.length), String(count)));
    }
    const sizes = live.map((n) => this.sizes.get(n));
    if (sizes.every((s) => s !== undefined)) {
      const total = sizes.reduce((a: number, s) => a + (s ?? 0), 0);
      if (total !== size) {
        violations.push(createPop3Violation(LEDGER_RULES.statSize, sizeAt, `STAT gives ${size} octets, the LIST sizes add up to ${total}`, String(total), String(size)));
      }
    }
  }

  private observeScan(scan: Pop3ScanListing, full: boolean, violations: Violation[]): void {
    if (full && this.deleted.has(scan.msg)) {
      violations.push(createPop3Violation(LEDGER_RULES.listListsDeleted, scan.at, `LIST lists message ${scan.msg}, which is marked as deleted`, 'no scan listing for it', String(scan.msg)));
    }
    this.sizes.set(scan.msg, scan.size);
    const octets = this.retrOctets.get(scan.msg);
    if (octets !== undefined && octets !== scan.size) {
      violations.push(sizeMismatch(scan.msg, scan.size, octets, scan.sizeAt));
    }
  }

  private observeFullList(scans: readonly Pop3ScanListing[], endAt: number, violations: Violation[]): void {
    this.maildrop = new Set([...scans.map((s) => s.msg), ...this.deleted]);
    if (this.stat === undefined || this.stat.epoch !== this.epoch) return;
    const listed = scans.filter((s) => !this.deleted.has(s.msg));
    if (listed.length !== this.stat.count) {
      violations.push(createPop3Violation(LEDGER_RULES.statCount, endAt, `LIST shows ${listed.length} messages, STAT counted ${this.stat.count}`, String(this.stat.count), String(listed.length)));
    }
    const total = listed.reduce((a, s) => a + s.size, 0);
    if (total !== this.stat.size) {
      violations.push(createPop3Violation(LEDGER_RULES.statSize, endAt, `LIST sizes add up to ${total}, STAT gave ${this.stat.size}`, String(this.stat.size), String(total)));
    }
  }

  private observeUid(listing: Pop3UniqueIdListing, full: boolean, violations: Violation[]): void {
    const { msg, uid, uidAt } = listing;
    if (full && this.deleted.has(msg)) {
      violations.push(createPop3Violation(LEDGER_RULES.uidlListsDeleted, listing.at, `UIDL lists message ${msg}, which is marked as deleted`, 'no unique-id listing for it', String(msg)));
    }
    const before = this.uids.get(msg);
    if (before !== undefined && before !== uid) {
      violations.push(createPop3Violation(LEDGER_RULES.uidChanged, uidAt, `message ${msg} had unique-id ${before} earlier in this session`, before, uid));
    }
    const owner = this.uidOwners.get(uid);
    if (owner !== undefined && owner !== msg) {
      const a = this.sizes.get(owner);
      const b = this.sizes.get(msg);
      const distinct = a !== undefined && b !== undefined && a !== b;
      const spec = distinct ? LEDGER_RULES.uidDuplicate : LEDGER_RULES.uidShared;
      const why = distinct ? `, and their sizes differ (${a} and ${b} octets)` : ' (allowed only for identical copies)';
      violations.push(createPop3Violation(spec, uidAt, `messages ${owner} and ${msg} share unique-id ${uid}${why}`, 'a unique-id no other message has', uid));
    }
    this.uids.set(msg, uid);
    if (owner === undefined) this.uidOwners.set(uid, msg);
  }

  private observeRetr(msg: number, response: Pop3Response, endAt: number, violations: Violation[]): void {
    this.retrOctets.set(msg, response.octets);
    this.retrBodies.set(msg, response.lines);
    const size = this.sizes.get(msg);
    if (size !== undefined && size !== response.octets) violations.push(sizeMismatch(msg, size, response.octets, endAt));
  }
}

function sizeMismatch(msg: number, listed: number, received: number, at: number): Violation {
  return createPop3Violation(
    LEDGER_RULES.sizeMatchesRetr,
    at,
    `LIST gives message ${msg} ${listed} octets, RETR sent ${received} (lines + CRLF, stuffing excluded, RFC 1939 §11)`,
    `${listed} octets`,
    `${received} octets`,
  );
}
