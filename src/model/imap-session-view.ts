import { formatFlags } from './imap-flags.js';
import type { ImapMailboxModel } from './imap-mailbox.js';
import type { ImapModelMessage } from './imap-message.js';
import { IMAP_MODEL_RULES, discrepancy, type ImapModelDiscrepancy } from './imap-model-rules.js';
import { matchesSearchKey, type ImapSearchKey } from './imap-search-key.js';
import { sequenceSetHas, type ImapSequenceSet } from './imap-sequence-set.js';

/** What a SEARCH must answer in one session: numbers (or UIDs) that must come, and those that may. */
export interface ImapSearchExpectation {
  readonly required: readonly number[];
  readonly optional: ReadonlySet<number>;
}

/**
 * One session's view of a shared mailbox (the ImapMailboxModel, which holds what the mailbox is):
 * the messages this session has been told of, numbered as the session numbers them. Another
 * session's changes reach it only as the server reports them, and RFC 3501 leaves the moment open:
 *
 * - a message another session expunged stays, as "removed", until this session gets its EXPUNGE
 *   (§7.4.1: "The update from the EXPUNGE response MUST be recorded by the client");
 * - a message another session appended is "unannounced" until an EXISTS covers it (§7.3.1);
 * - flags another session stored are "unsettled" here until this session's next NOOP: flag updates
 *   are only a SHOULD (§5.2), an unsolicited FETCH is "by unilateral server decision" (§7.4.2).
 *
 * With one session, the view is the mailbox: nothing is ever removed-but-shown, unannounced or unsettled.
 */
export class ImapSessionView {
  /** entries[seq - 1]: ascending UIDs (§2.3.1.2), removed messages included until reported. */
  private entries: ImapModelMessage[] = [];
  /** UIDs whose flags another session changed since this session last polled (NOOP). */
  private readonly unsettled = new Set<number>();
  /** Messages the server announced by EXISTS beyond those the model knows: arriving by this session's APPEND. */
  private announcedArrivals = 0;

  constructor(readonly mailbox: ImapMailboxModel) {}

  get count(): number {
    return this.entries.length;
  }

  /** Messages EXISTS announced that the model cannot name yet (this session's APPEND before its UID is known). */
  get arrivals(): number {
    return this.announcedArrivals;
  }

  at(seq: number): ImapModelMessage | undefined {
    return this.entries[seq - 1];
  }

  seqOf(message: ImapModelMessage): number | undefined {
    const index = this.entries.indexOf(message);
    return index === -1 ? undefined : index + 1;
  }

  /** Highest UID in this session's view: what "*" means in its UID sets (§9 seq-number). */
  get highestUid(): number {
    return this.entries.at(-1)?.uid ?? 0;
  }

  /** Expunged from the mailbox (by another session), not yet reported here. */
  isRemoved(message: ImapModelMessage): boolean {
    return this.mailbox.seqOfUid(message.uid) === undefined;
  }

  /** Messages in the mailbox this session has not been told of: all after its last, as UIDs ascend. */
  unannounced(): ImapModelMessage[] {
    return this.mailbox.messages.filter((m) => m.uid > this.highestUid);
  }

  /** Removed messages still shown here. */
  removed(): ImapModelMessage[] {
    return this.entries.filter((m) => this.isRemoved(m));
  }

  /** The view is the mailbox: no message removed-but-shown, none unannounced. Then every number means what it means in the mailbox. */
  get settled(): boolean {
    return this.entries.length === this.mailbox.count && this.entries.every((m, i) => this.mailbox.messages[i] === m);
  }

  /** Whether FLAGS this session shows for the message must be the mailbox's (nothing changed them elsewhere since the last NOOP). */
  knowsFlagsOf(message: ImapModelMessage): boolean {
    return !this.unsettled.has(message.uid) && !this.isRemoved(message);
  }

  /** SELECT/EXAMINE: the session is told the mailbox as it is (§6.3.1). */
  reset(): void {
    this.entries = [...this.mailbox.messages];
    this.unsettled.clear();
    this.announcedArrivals = 0;
  }

  /** Another session stored flags on these messages: until this session polls, it may see old or new flags. */
  flagsChangedElsewhere(messages: Iterable<ImapModelMessage>): void {
    for (const m of messages) this.unsettled.add(m.uid);
  }

  /** A NOOP completed: every flag change made before it is settled here. */
  polled(): void {
    this.unsettled.clear();
  }

  /**
   * `* n EXISTS` (§7.3.1): the unannounced messages join in UID order, then up to `arriving` messages
   * the model cannot name yet. Lower than the view is the client's EXISTS.decrease (§5.2); above what
   * the mailbox holds is a count no mailbox has.
   */
  announce(exists: number, arriving = 0): ImapModelDiscrepancy | undefined {
    const known = this.entries.length;
    const unannounced = this.unannounced();
    const most = known + unannounced.length + arriving;
    if (exists < known + this.announcedArrivals || exists > most) {
      const expected = most === known ? String(known) : `${known + this.announcedArrivals} to ${most}`;
      return discrepancy(IMAP_MODEL_RULES.existsCount, `EXISTS ${exists}; this session was told of ${known} message(s) and the mailbox holds ${this.mailbox.count}${arriving > 0 ? ` plus ${arriving} arriving` : ''}`, `EXISTS ${expected}`, `EXISTS ${exists}`);
    }
    const joining = unannounced.slice(0, exists - known);
    this.entries.push(...joining);
    this.announcedArrivals = exists - known - joining.length;
    return undefined;
  }

  /** The arriving message EXISTS announced now has a UID: it takes its number at the end. */
  arrived(message: ImapModelMessage): void {
    if (this.announcedArrivals === 0) return;
    this.announcedArrivals--;
    this.entries.push(message);
  }

  /**
   * `* n EXPUNGE` (§7.4.1): message n is gone and later numbers shift down "immediately". It must be
   * one another session removed, or — when `removing` (this session's EXPUNGE) — one with \Deleted,
   * which leaves the mailbox now.
   */
  expunge(seq: number, removing: boolean): ImapModelDiscrepancy | undefined {
    const message = this.at(seq);
    if (!message) return discrepancy(IMAP_MODEL_RULES.expungeOnlyDeleted, `EXPUNGE ${seq} in a view of ${this.count} message(s)`, `1 to ${this.count}`, `EXPUNGE ${seq}`);
    const inMailbox = this.mailbox.seqOfUid(message.uid);
    if (inMailbox !== undefined) {
      if (!removing) return discrepancy(IMAP_MODEL_RULES.expungeUnrequested, `EXPUNGE ${seq} (UID ${message.uid}), a message no session removed`, 'no EXPUNGE', `EXPUNGE ${seq}`);
      if (!message.flags.has('\\Deleted')) {
        return discrepancy(IMAP_MODEL_RULES.expungeOnlyDeleted, `EXPUNGE ${seq} removed UID ${message.uid}, whose flags ${formatFlags(message.flags)} lack \\Deleted`, `EXPUNGE only of ${this.describeDeleted()}`, `EXPUNGE ${seq} (UID ${message.uid})`);
      }
      this.mailbox.expunge(inMailbox);
    }
    this.entries.splice(seq - 1, 1);
    return undefined;
  }

  /**
   * Messages this session's EXPUNGE must remove (§6.4.3): those with \Deleted that it knows to have
   * it. One whose \Deleted another session set since this session's last NOOP may stay: RFC 3501
   * does not say when a session observes another's changes (§5.2 "if … observed").
   */
  owedExpunges(): ImapModelMessage[] {
    return this.entries.filter((m) => m.flags.has('\\Deleted') && this.knowsFlagsOf(m));
  }

  /** "messages 2 (UID 7), 4 (UID 9)" in this session's numbering (by default those with \Deleted), for failure texts. */
  describeDeleted(messages: readonly ImapModelMessage[] = this.entries.filter((m) => m.flags.has('\\Deleted') && !this.isRemoved(m))): string {
    return messages.length === 0 ? 'no message (none has \\Deleted)' : `messages ${messages.map((m) => `${this.seqOf(m) ?? '?'} (UID ${m.uid})`).join(', ')}`;
  }

  /** Sequence numbers a set names in this session's numbering ("*" is its count). */
  resolveSeqSet(set: ImapSequenceSet): number[] {
    return this.entries.map((_, i) => i + 1).filter((seq) => sequenceSetHas(set, seq, this.count));
  }

  /** Sequence numbers of the messages a UID set names; UIDs not in the view are ignored (§6.4.8). */
  resolveUidSet(set: ImapSequenceSet): number[] {
    return this.entries.flatMap((m, i) => (sequenceSetHas(set, m.uid, this.highestUid) ? [i + 1] : []));
  }

  /**
   * What SEARCH (or UID SEARCH) must answer now (§6.4.4): every message shown here that matches,
   * is still in the mailbox and has settled flags. Removed or unsettled messages may come or not;
   * with UID SEARCH, so may unannounced ones. (Messages announced while the command runs: see `lateNumbers`.)
   */
  expectSearch(key: ImapSearchKey, uid: boolean): ImapSearchExpectation {
    const star = { seq: this.count, uid: this.highestUid };
    const required: number[] = [];
    const optional = new Set<number>();
    this.entries.forEach((m, i) => {
      const id = uid ? m.uid : i + 1;
      if (!this.knowsFlagsOf(m)) optional.add(id);
      else if (matchesSearchKey(key, { seq: i + 1, uid: m.uid, flags: m.flags, size: m.size }, star)) required.push(id);
    });
    if (uid) for (const m of this.unannounced()) optional.add(m.uid);
    return { required, optional };
  }

  /** Numbers (or UIDs) of messages shown now that were not among `before`: announced while a command ran. */
  lateNumbers(before: readonly ImapModelMessage[], uid: boolean): number[] {
    return this.entries.flatMap((m, i) => (before.includes(m) ? [] : [uid ? m.uid : i + 1]));
  }

  /** The messages shown, in this session's order. */
  messages(): readonly ImapModelMessage[] {
    return this.entries;
  }
}
