import fc from 'fast-check';
import { isPermanentFlag } from '../../model/imap-flags.js';
import { IMAP_MODEL_RULES, discrepancy } from '../../model/imap-model-rules.js';
import { compileSearchKey, searchKeyFlags, searchKeySets, searchKeyUsesSize, type ImapSearchKey } from '../../model/imap-search-key.js';
import { searchKeyArbitrary } from './imap-arbitraries.js';
import { ImapModelCommand, type ImapSessionSide } from './imap-model-command.js';
import type { ImapModelReal } from './imap-model-real.js';
import { observeUntagged } from './imap-observe.js';
import { validSearchSetFor } from './imap-set-precondition.js';

/**
 * SEARCH and UID SEARCH (§6.4.4, §6.4.8) with keys the model answers for certain: the SEARCH
 * response is required, and its numbers must be exactly the matching messages (in any order) —
 * leaving free, with other sessions, the messages whose state this session cannot know yet
 * (ImapSessionView.expectSearch).
 */
export class SearchCommand extends ImapModelCommand {
  constructor(
    readonly uid: boolean,
    readonly key: ImapSearchKey,
  ) {
    super();
  }

  /** Sets must be valid, sizes known (LARGER/SMALLER), keywords kept by the server. */
  checkIn({ model, view }: ImapSessionSide): boolean {
    if (!searchKeySets(this.key).every((s) => validSearchSetFor(view, this.uid, s.kind, s.set))) return false;
    if (searchKeyUsesSize(this.key) && [...view.messages(), ...view.unannounced()].some((m) => m.size === undefined)) return false;
    return searchKeyFlags(this.key).every((f) => isPermanentFlag(f, model.mailbox.permanentFlags));
  }

  toString(): string {
    return `${this.uid ? 'UID ' : ''}SEARCH ${compileSearchKey(this.key)}`;
  }

  protected async execute({ view }: ImapSessionSide, real: ImapModelReal): Promise<void> {
    const before = [...view.messages()];
    const { required, optional } = view.expectSearch(this.key, this.uid);
    const result = await real.sendOk(this.toString());
    const { observed, problem } = observeUntagged(view, result.untagged);
    real.check(problem);
    const expected = `* SEARCH ${required.join(' ')}`.trim();
    if (observed.searched === undefined) real.fail(discrepancy(IMAP_MODEL_RULES.searchResponse, 'no untagged SEARCH response', expected, 'none'));
    const got = [...new Set(observed.searched)].sort((a, b) => a - b);
    const mayCome = new Set([...optional, ...view.lateNumbers(before, this.uid)]);
    if (required.some((n) => !got.includes(n)) || got.some((n) => !required.includes(n) && !mayCome.has(n))) {
      const what = this.uid ? 'UIDs' : 'message numbers';
      const free = mayCome.size > 0 ? ` (and may hold [${[...mayCome].sort((a, b) => a - b).join(' ')}], whose state this session need not know yet)` : '';
      real.fail(discrepancy(IMAP_MODEL_RULES.searchResult, `SEARCH answered ${what} [${got.join(' ')}], the matching messages are [${required.join(' ')}]${free}`, expected, `* SEARCH ${observed.searched.join(' ')}`.trim()));
    }
  }
}

export const searchArbitrary: fc.Arbitrary<SearchCommand> = fc.record({ uid: fc.boolean(), key: searchKeyArbitrary }).map(({ uid, key }) => new SearchCommand(uid, key));
