import type { Violation } from '../shared/violation.js';
import type { ImapNumberSet, ImapResponse } from './imap-response.js';
import { createImapViolation, rfc3501, rfc7162, type ImapRule } from './imap-rule.js';

export const MAILBOX_VIEW_RULES = {
  /** §5.2: "it is NOT permitted to send an EXISTS response that would reduce the number of messages in the mailbox; only the EXPUNGE response can do this." */
  existsDecrease: { rule: 'EXISTS.decrease', ref: rfc3501('5.2'), level: 'MUST' },
  /** §2.3.1.2: a message sequence number is "A relative position from 1 to the number of messages in the mailbox." */
  expungeNumber: { rule: 'EXPUNGE.msg-number', ref: rfc3501('2.3.1.2'), level: 'MUST' },
  fetchNumber: { rule: 'FETCH.msg-number', ref: rfc3501('2.3.1.2'), level: 'MUST' },
  /** §2.3.1.2: "This position MUST be ordered by ascending unique identifier." */
  uidOrder: { rule: 'UID.ascending', ref: rfc3501('2.3.1.2'), level: 'MUST' },
  /** §2.3.1.1: "The unique identifier of a message MUST NOT change during the session" */
  uidChanged: { rule: 'UID.changed', ref: rfc3501('2.3.1.1'), level: 'MUST' },
  /** §2.3.1.1: UIDs "are assigned in a strictly ascending fashion", and UIDNEXT is the value "that will be assigned to a new message". */
  uidNext: { rule: 'UIDNEXT.above-uids', ref: rfc3501('2.3.1.1'), level: 'MUST' },
  /** RFC 7162 §3.2.10.2: "servers MUST NOT send UIDs for previously expunged messages or messages that were not announced to the client via EXISTS." */
  vanishedCount: { rule: 'VANISHED.msg-count', ref: rfc7162('3.2.10.2'), level: 'MUST' },
} as const satisfies Record<string, ImapRule>;

/**
 * The selected mailbox as one session has been told about it: how many messages, and the UIDs it
 * learnt by sequence number. Every untagged EXISTS, EXPUNGE and FETCH is checked against it, so a
 * server that loses count or renumbers wrongly is caught on whatever command shows it.
 */
export class ImapMailboxView {
  private exists: number | undefined;
  /**
   * seq → UID, for the messages whose UID is known. A Map, not an array indexed by seq: a server may
   * announce any count ("* 4294967296 EXISTS"), and an array that long can't be made or scanned.
   */
  private uids = new Map<number, number>();
  private uidNext: number | undefined;

  /** A new SELECT/EXAMINE starts a new view; CLOSE ends it. */
  reset(): void {
    this.exists = undefined;
    this.uids = new Map();
    this.uidNext = undefined;
  }

  observe(response: ImapResponse, line: Buffer): Violation[] {
    const violations: Violation[] = [];
    const violate = (rule: ImapRule, message: string, expected: string): void => void violations.push(createImapViolation(rule, 0, message, expected, line));
    if (response.kind !== 'untagged' && response.kind !== 'tagged') return violations;
    if ('code' in response && response.code?.kind === 'number' && response.code.name === 'UIDNEXT') {
      this.uidNext = response.code.value;
      // A loop, not Math.max(...): spreading a million UIDs overflows the call stack.
      let highest = 0;
      for (const uid of this.uids.values()) highest = Math.max(highest, uid);
      if (highest >= this.uidNext) violate(MAILBOX_VIEW_RULES.uidNext, `UIDNEXT ${this.uidNext} is not above UID ${highest} of this mailbox`, `UIDNEXT > ${highest}`);
    }
    if (response.kind !== 'untagged') return violations;
    if (response.type === 'exists') {
      if (this.exists !== undefined && response.number < this.exists) violate(MAILBOX_VIEW_RULES.existsDecrease, `EXISTS went down from ${this.exists} to ${response.number} without EXPUNGE`, `at least ${this.exists}`);
      this.exists = response.number;
      for (const seq of this.uids.keys()) if (seq > response.number) this.uids.delete(seq);
    } else if (response.type === 'expunge') {
      if (this.exists !== undefined && (response.number < 1 || response.number > this.exists)) {
        violate(MAILBOX_VIEW_RULES.expungeNumber, `EXPUNGE ${response.number} in a mailbox of ${this.exists} message(s)`, `1 to ${this.exists}`);
      } else if (this.exists !== undefined) {
        this.exists--;
        this.uids = renumberAfterExpunge(this.uids, response.number);
      }
    } else if (response.type === 'vanished' && !response.earlier) {
      this.vanish(response.uids, violate);
    } else if (response.type === 'fetch') {
      if (this.exists !== undefined && response.seq > this.exists) violate(MAILBOX_VIEW_RULES.fetchNumber, `FETCH for message ${response.seq} in a mailbox of ${this.exists} message(s)`, `1 to ${this.exists}`);
      for (const attribute of response.attributes) if (attribute.name === 'UID') this.learnUid(response.seq, attribute.uid, violate);
    }
    return violations;
  }

  /**
   * RFC 7162 §3.2.10.2: VANISHED (without EARLIER) reports expunges by UID; "each UID listed in a
   * VANISHED response results in the client decrementing the message count by one", and UIDs ascend
   * with sequence numbers, so every known message moves down by the vanished UIDs below its own.
   */
  private vanish(set: ImapNumberSet, violate: (rule: ImapRule, message: string, expected: string) => void): void {
    const ranges = set.map((r) => [r.from, r.to ?? r.from] as const);
    if (ranges.some(([a, b]) => a === '*' || b === '*')) {
      // "*" is not allowed in known-uids (reported by the parser): the count is no longer known.
      this.exists = undefined;
      return;
    }
    const numeric = ranges.map(([a, b]) => [Math.min(Number(a), Number(b)), Math.max(Number(a), Number(b))] as const);
    const below = (uid: number): number => numeric.reduce((n, [lo, hi]) => n + Math.max(0, Math.min(hi, uid - 1) - lo + 1), 0);
    const size = numeric.reduce((n, [lo, hi]) => n + hi - lo + 1, 0);
    const kept = new Map<number, number>();
    for (const [seq, uid] of this.uids) if (!numeric.some(([lo, hi]) => uid >= lo && uid <= hi)) kept.set(seq - below(uid), uid);
    this.uids = kept;
    if (this.exists === undefined) return;
    if (size > this.exists) {
      violate(MAILBOX_VIEW_RULES.vanishedCount, `VANISHED names ${size} UIDs in a mailbox of ${this.exists} message(s)`, `at most ${this.exists} UIDs`);
      this.exists = undefined;
    } else this.exists -= size;
  }

  private learnUid(seq: number, uid: number, violate: (rule: ImapRule, message: string, expected: string) => void): void {
    const known = this.uids.get(seq);
    if (known !== undefined && known !== uid) violate(MAILBOX_VIEW_RULES.uidChanged, `message ${seq} had UID ${known}, now ${uid}`, `UID ${known}`);
    const outOfOrder = [...this.uids].some(([other, otherUid]) => (other < seq && otherUid >= uid) || (other > seq && otherUid <= uid));
    if (outOfOrder) {
      violate(MAILBOX_VIEW_RULES.uidOrder, `UID ${uid} of message ${seq} is out of order with the UIDs of other messages`, 'UIDs ascending with sequence numbers');
    }
    if (this.uidNext !== undefined && uid >= this.uidNext) this.uidNext = uid + 1;
    this.uids.set(seq, uid);
  }
}

/** §7.4.1: after EXPUNGE of `expunged`, every later message's sequence number is one less. */
function renumberAfterExpunge(uids: ReadonlyMap<number, number>, expunged: number): Map<number, number> {
  const renumbered = new Map<number, number>();
  for (const [seq, uid] of uids) if (seq !== expunged) renumbered.set(seq > expunged ? seq - 1 : seq, uid);
  return renumbered;
}
