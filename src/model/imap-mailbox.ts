import { canonicalFlag, formatFlags } from './imap-flags.js';
import { ImapModelMessage } from './imap-message.js';
import { IMAP_MODEL_RULES, discrepancy, type ImapModelDiscrepancy } from './imap-model-rules.js';
import { matchesSearchKey, type ImapSearchKey } from './imap-search-key.js';
import { sequenceSetHas, type ImapSequenceSet } from './imap-sequence-set.js';
import { UidNextTracker } from './imap-uid-next.js';

/** STORE's three forms (§6.4.6): FLAGS replaces, +FLAGS adds, -FLAGS removes. */
export type ImapStoreOperation = 'replace' | 'add' | 'remove';

/**
 * The expected state of one IMAP mailbox as RFC 3501 defines it, for one session that has it
 * selected and is the only one changing it. Pure: commands tell it what they did, it answers
 * what the server must show, and it reports differences as discrepancies naming the rule.
 *
 * What the RFC leaves to the server is not modelled: \Recent (§2.3.2), whether STORE answers
 * with FETCH (§6.4.6 "Normally"), the exact UID a new message gets (only that it ascends).
 */
export class ImapMailboxModel {
  /** By message sequence number: messages[seq - 1], ascending UIDs (§2.3.1.2). */
  readonly messages: ImapModelMessage[] = [];
  readonly uidNext = new UidNextTracker();
  private validity: number | undefined;
  /** From the last SELECT/EXAMINE; undefined when the server sent none (then all flags are permanent, §6.3.1). */
  permanentFlags: ReadonlySet<string> | undefined;
  /** Selected by EXAMINE (or read-only SELECT): nothing may change (§6.3.2). */
  readOnly = false;

  get count(): number {
    return this.messages.length;
  }

  get uidValidity(): number | undefined {
    return this.validity;
  }

  /** The message at a sequence number (1-based), or undefined. */
  at(seq: number): ImapModelMessage | undefined {
    return this.messages[seq - 1];
  }

  seqOfUid(uid: number): number | undefined {
    const index = this.messages.findIndex((m) => m.uid === uid);
    return index === -1 ? undefined : index + 1;
  }

  /** Highest UID in the mailbox: what "*" means in a UID set of a non-empty mailbox (§9 seq-number). */
  get highestUid(): number {
    return this.messages.at(-1)?.uid ?? 0;
  }

  /** UIDVALIDITY from SELECT/EXAMINE or STATUS: once known, it stays (same session, same mailbox). */
  observeUidValidity(value: number): ImapModelDiscrepancy | undefined {
    const before = this.validity;
    this.validity ??= value;
    if (before === undefined || before === value) return undefined;
    return discrepancy(IMAP_MODEL_RULES.uidValidityStable, `UIDVALIDITY changed from ${before} to ${value} while the mailbox kept its UIDs (one session re-selecting it, or two sessions on it at once)`, `UIDVALIDITY ${before}`, `UIDVALIDITY ${value}`);
  }

  /** A message the server accepted by APPEND, with the UID it got. */
  append(uid: number, flags: Iterable<string>, text: Buffer, internalDate?: number): ImapModelDiscrepancy | undefined {
    const problem = this.uidNext.assign(uid);
    this.messages.push(new ImapModelMessage(uid, new Set([...flags].map(canonicalFlag)), text, internalDate));
    return problem;
  }

  /** Sequence numbers a sequence set names (§9: "*" is the message count). */
  resolveSeqSet(set: ImapSequenceSet): number[] {
    return this.messages.map((_, i) => i + 1).filter((seq) => sequenceSetHas(set, seq, this.count));
  }

  /** Sequence numbers of the messages a UID set names; UIDs that do not exist are ignored (§6.4.8). */
  resolveUidSet(set: ImapSequenceSet): number[] {
    const star = this.count > 0 ? this.highestUid : 0;
    return this.messages.flatMap((m, i) => (sequenceSetHas(set, m.uid, star) ? [i + 1] : []));
  }

  /** Applies STORE (§6.4.6) to the messages at `seqs`: "Replace the flags for the message (other than \Recent)", add, or remove. */
  store(seqs: readonly number[], operation: ImapStoreOperation, flags: readonly string[]): void {
    const given = flags.map(canonicalFlag);
    for (const seq of seqs) {
      const message = this.at(seq);
      if (!message) continue;
      if (operation === 'replace') message.flags = new Set(given);
      else for (const flag of given) operation === 'add' ? message.flags.add(flag) : message.flags.delete(flag);
    }
  }

  /** Sequence numbers matching `key`, ascending (§6.4.4). */
  search(key: ImapSearchKey): number[] {
    const star = { seq: this.count, uid: this.highestUid };
    return this.messages.flatMap((m, i) => (matchesSearchKey(key, { seq: i + 1, uid: m.uid, flags: m.flags, size: m.size }, star) ? [i + 1] : []));
  }

  /** UIDs matching `key` (UID SEARCH, §6.4.8). */
  uidSearch(key: ImapSearchKey): number[] {
    return this.search(key).map((seq) => this.messages[seq - 1]!.uid);
  }

  /** Sequence numbers of the messages EXPUNGE or CLOSE must remove. */
  deletedSeqs(): number[] {
    return this.messages.flatMap((m, i) => (m.flags.has('\\Deleted') ? [i + 1] : []));
  }

  /**
   * An untagged EXPUNGE for `seq` during EXPUNGE: the message must exist and carry \Deleted (§6.4.3);
   * later numbers shift down at once (§7.4.1 "immediately decremented by 1").
   */
  expunge(seq: number): ImapModelDiscrepancy | undefined {
    const message = this.at(seq);
    if (!message) return discrepancy(IMAP_MODEL_RULES.expungeOnlyDeleted, `EXPUNGE ${seq} in a mailbox of ${this.count} message(s)`, `1 to ${this.count}`, `EXPUNGE ${seq}`);
    if (!message.flags.has('\\Deleted')) {
      return discrepancy(IMAP_MODEL_RULES.expungeOnlyDeleted, `EXPUNGE ${seq} removed UID ${message.uid}, whose flags ${formatFlags(message.flags)} lack \\Deleted`, `EXPUNGE only of ${this.describeDeleted()}`, `EXPUNGE ${seq} (UID ${message.uid})`);
    }
    this.messages.splice(seq - 1, 1);
    return undefined;
  }

  /** CLOSE on a read-write selection: every \Deleted message goes, silently (§6.4.2). */
  removeDeleted(): void {
    for (let i = this.messages.length - 1; i >= 0; i--) if (this.messages[i]!.flags.has('\\Deleted')) this.messages.splice(i, 1);
  }

  /** §6.3.1 UNSEEN: "The message sequence number of the first unseen message in the mailbox." */
  firstUnseen(): number | undefined {
    const index = this.messages.findIndex((m) => !m.flags.has('\\Seen'));
    return index === -1 ? undefined : index + 1;
  }

  /** "messages 2 (UID 7), 4 (UID 9)" or "no message", for failure texts. */
  describeDeleted(): string {
    const seqs = this.deletedSeqs();
    return seqs.length === 0 ? 'no message (none has \\Deleted)' : `messages ${seqs.map((s) => `${s} (UID ${this.messages[s - 1]!.uid})`).join(', ')}`;
  }
}
