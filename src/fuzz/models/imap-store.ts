import fc from 'fast-check';
import { isPermanentFlag } from '../../model/imap-flags.js';
import type { ImapStoreOperation } from '../../model/imap-mailbox.js';
import { IMAP_MODEL_RULES } from '../../model/imap-model-rules.js';
import { compileSequenceSet, type ImapSequenceSet } from '../../model/imap-sequence-set.js';
import { flagListArbitrary, seqSetArbitrary, uidSetArbitrary } from './imap-arbitraries.js';
import { ImapModelCommand, type ImapSessionSide } from './imap-model-command.js';
import type { ImapModelReal } from './imap-model-real.js';
import { observeUntagged } from './imap-observe.js';
import { validSetFor } from './imap-set-precondition.js';

const ITEM: Record<ImapStoreOperation, string> = { replace: 'FLAGS', add: '+FLAGS', remove: '-FLAGS' };

/**
 * STORE and UID STORE (§6.4.6, §6.4.8). No untagged FETCH is required — "Normally, STORE will
 * return the updated value", and a STORE that changes nothing may say nothing — but every FETCH
 * that does come must show the flags the model now holds, and with UID STORE carry the UID. Other
 * sessions see the change when their server tells them: until their next NOOP, their FLAGS are unsettled.
 */
export class StoreCommand extends ImapModelCommand {
  constructor(
    readonly uid: boolean,
    readonly set: ImapSequenceSet,
    readonly operation: ImapStoreOperation,
    readonly silent: boolean,
    readonly flags: readonly string[],
  ) {
    super();
  }

  checkIn({ model, view }: ImapSessionSide): boolean {
    const box = model.mailbox;
    return !box.readOnly && validSetFor(view, this.uid, this.set) && this.flags.every((f) => isPermanentFlag(f, box.permanentFlags));
  }

  toString(): string {
    return `${this.uid ? 'UID ' : ''}STORE ${compileSequenceSet(this.set)} ${ITEM[this.operation]}${this.silent ? '.SILENT' : ''} (${this.flags.join(' ')})`;
  }

  protected async execute({ model, view, others }: ImapSessionSide, real: ImapModelReal): Promise<void> {
    const box = model.mailbox;
    const seqs = this.uid ? view.resolveUidSet(this.set) : view.resolveSeqSet(this.set);
    const messages = seqs.flatMap((seq) => view.at(seq) ?? []);
    const result = await real.sendOk(this.toString());
    box.store(messages.flatMap((m) => box.seqOfUid(m.uid) ?? []), this.operation, this.flags);
    for (const other of others) other.flagsChangedElsewhere(messages);
    real.check(observeUntagged(view, result.untagged, { flagsRule: IMAP_MODEL_RULES.storeFlags, uidCommand: this.uid }).problem);
  }
}

/** STORE and UID STORE commands whose message-number sets come from `seqSet`. */
export function storeArbitraryOver(seqSet: fc.Arbitrary<ImapSequenceSet>): fc.Arbitrary<StoreCommand> {
  return fc
    .record({
      uid: fc.boolean(),
      seqSet,
      uidSet: uidSetArbitrary,
      operation: fc.constantFrom<ImapStoreOperation>('add', 'remove', 'replace'),
      silent: fc.boolean(),
      flags: flagListArbitrary,
    })
    .filter(({ operation, flags }) => operation === 'replace' || flags.length > 0)
    .map(({ uid, seqSet: seqs, uidSet, operation, silent, flags }) => new StoreCommand(uid, uid ? uidSet : seqs, operation, silent, flags));
}

export const storeArbitrary: fc.Arbitrary<StoreCommand> = storeArbitraryOver(seqSetArbitrary);
