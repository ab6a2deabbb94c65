import { IMAP_MODEL_RULES, discrepancy, type ImapModelDiscrepancy } from './imap-model-rules.js';

/**
 * What RFC 3501 §2.3.1.1 lets a client know about one mailbox's UIDNEXT: the last value announced,
 * whether messages were added since, and the highest UID ever assigned (expunged ones included).
 */
export class UidNextTracker {
  private announced: number | undefined;
  private addedSince = false;
  private highest = 0;

  /** The last UIDNEXT the server announced (SELECT, EXAMINE or STATUS), if any. */
  get lastAnnounced(): number | undefined {
    return this.announced;
  }

  /** Highest UID known to have been assigned in the mailbox. */
  get highestAssigned(): number {
    return this.highest;
  }

  /**
   * A new message got `uid` (APPENDUID, or its first FETCH UID). It must be above every UID
   * assigned before ("strictly ascending"), and at least the last UIDNEXT ("messages arriving
   * after that time will have a UID greater than or equal to that value").
   */
  assign(uid: number): ImapModelDiscrepancy | undefined {
    const before = this.highest;
    this.highest = Math.max(this.highest, uid);
    this.addedSince = true;
    if (uid <= before) return discrepancy(IMAP_MODEL_RULES.uidAscending, `new message got UID ${uid}, not above UID ${before} assigned earlier in this mailbox`, `UID > ${before}`, `UID ${uid}`);
    if (this.announced !== undefined && uid < this.announced) {
      return discrepancy(IMAP_MODEL_RULES.uidNextLowerBound, `new message got UID ${uid}, below the UIDNEXT ${this.announced} announced before it arrived`, `UID >= ${this.announced}`, `UID ${uid}`);
    }
    return undefined;
  }

  /** A message was added whose UID the client does not learn (COPY without COPYUID). */
  addUnknown(): void {
    this.addedSince = true;
  }

  /** The server announced UIDNEXT `value`. */
  announce(value: number): ImapModelDiscrepancy | undefined {
    const previous = this.announced;
    const added = this.addedSince;
    this.announced = value;
    this.addedSince = false;
    if (previous !== undefined && !added && value !== previous) {
      return discrepancy(IMAP_MODEL_RULES.uidNextStable, `UIDNEXT changed from ${previous} to ${value} though no message was added`, `UIDNEXT ${previous}`, `UIDNEXT ${value}`);
    }
    if (value <= this.highest) {
      return discrepancy(IMAP_MODEL_RULES.uidNextAdvances, `UIDNEXT ${value} is not above UID ${this.highest}, already assigned in this mailbox`, `UIDNEXT > ${this.highest}`, `UIDNEXT ${value}`);
    }
    if (previous !== undefined && added && value <= previous) {
      return discrepancy(IMAP_MODEL_RULES.uidNextAdvances, `UIDNEXT stayed at ${value} though messages were added since it was ${previous}`, `UIDNEXT > ${previous}`, `UIDNEXT ${value}`);
    }
    return undefined;
  }
}
