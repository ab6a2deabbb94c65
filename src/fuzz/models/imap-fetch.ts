import fc from 'fast-check';
import type { ImapFetchAttribute } from '../../protocol/imap/imap-response.js';
import { IMAP_MODEL_RULES, discrepancy } from '../../model/imap-model-rules.js';
import { compileSequenceSet, type ImapSequenceSet } from '../../model/imap-sequence-set.js';
import { seqSetArbitrary, uidSetArbitrary } from './imap-arbitraries.js';
import { ImapModelCommand, type ImapSessionSide } from './imap-model-command.js';
import type { ImapModelReal } from './imap-model-real.js';
import { observeUntagged } from './imap-observe.js';
import { validSetFor } from './imap-set-precondition.js';

/** The data items the model can judge, and the name each comes back as (BODY.PEEK[] → BODY[], §7.4.2). */
const ITEMS = {
  FLAGS: 'FLAGS',
  UID: 'UID',
  'RFC822.SIZE': 'RFC822.SIZE',
  'BODY.PEEK[]': 'BODY[]',
  INTERNALDATE: 'INTERNALDATE',
} as const satisfies Record<string, ImapFetchAttribute['name']>;
export type ImapModelFetchItem = keyof typeof ITEMS;

/**
 * FETCH and UID FETCH (§6.4.5, §6.4.8) of items whose values the model knows: FLAGS, UID,
 * RFC822.SIZE (the appended length), BODY.PEEK[] (exactly the appended octets; PEEK, so \Seen
 * stays as it is), INTERNALDATE (checked where APPEND gave one). Every message in the set must
 * get every item.
 */
export class FetchCommand extends ImapModelCommand {
  constructor(
    readonly uid: boolean,
    readonly set: ImapSequenceSet,
    readonly items: readonly ImapModelFetchItem[],
  ) {
    super();
  }

  checkIn({ view }: ImapSessionSide): boolean {
    return validSetFor(view, this.uid, this.set);
  }

  toString(): string {
    return `${this.uid ? 'UID ' : ''}FETCH ${compileSequenceSet(this.set)} (${this.items.join(' ')})`;
  }

  protected async execute({ view }: ImapSessionSide, real: ImapModelReal): Promise<void> {
    const messages = (this.uid ? view.resolveUidSet(this.set) : view.resolveSeqSet(this.set)).flatMap((seq) => view.at(seq) ?? []);
    const result = await real.sendOk(this.toString());
    const { observed, problem } = observeUntagged(view, result.untagged, { flagsRule: IMAP_MODEL_RULES.flagsValue, uidCommand: this.uid });
    real.check(problem);
    // §6.4.8: a UID FETCH answers every message with its UID, asked for or not.
    const wanted = [...new Set([...this.items.map((item) => ITEMS[item]), ...(this.uid ? (['UID'] as const) : [])])];
    for (const message of messages) {
      const got = observed.fetched.get(message) ?? new Set();
      const missing = wanted.filter((name) => !got.has(name));
      if (missing.length > 0) {
        const seq = view.seqOf(message) ?? '?';
        real.fail(discrepancy(IMAP_MODEL_RULES.fetchMissing, `no ${missing.join(', ')} for message ${seq} (UID ${message.uid}), which the set names`, `* ${seq} FETCH (${wanted.join(' ')} …)`, got.size === 0 ? 'no FETCH response' : `* ${seq} FETCH (${[...got].join(' ')})`));
      }
    }
  }
}

/** FETCH and UID FETCH commands whose message-number sets come from `seqSet`. */
export function fetchArbitraryOver(seqSet: fc.Arbitrary<ImapSequenceSet>): fc.Arbitrary<FetchCommand> {
  return fc
    .record({
      uid: fc.boolean(),
      seqSet,
      uidSet: uidSetArbitrary,
      items: fc.uniqueArray(fc.constantFrom<ImapModelFetchItem>('FLAGS', 'UID', 'RFC822.SIZE', 'BODY.PEEK[]', 'INTERNALDATE'), { minLength: 1, maxLength: 3 }),
    })
    .map(({ uid, seqSet: seqs, uidSet, items }) => new FetchCommand(uid, uid ? uidSet : seqs, items));
}

export const fetchArbitrary: fc.Arbitrary<FetchCommand> = fetchArbitraryOver(seqSetArbitrary);
