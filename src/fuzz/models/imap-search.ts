import fc from 'fast-check';
import { isPermanentFlag } from '../../model/imap-flags.js';
import { IMAP_MODEL_RULES, discrepancy } from '../../model/imap-model-rules.js';
import { compileSearchKey, searchKeyFlags, searchKeySets, searchKeyUsesSize, type ImapSearchKey } from '../../model/imap-search-key.js';
import { searchKeyArbitrary } from './imap-arbitraries.js';
import { ImapModelCommand } from './imap-model-command.js';
import type { ImapModelReal, ImapSessionModel } from './imap-model-real.js';
import { observeUntagged } from './imap-observe.js';
import { validSetFor } from './imap-set-precondition.js';

/**
 * SEARCH and UID SEARCH (§6.4.4, §6.4.8) with keys the model answers for certain: the SEARCH
 * response is required, and its numbers must be exactly the matching messages (in any order).
 */
export class SearchCommand extends ImapModelCommand {
  constructor(
    readonly uid: boolean,
    readonly key: ImapSearchKey,
  ) {
    super();
  }

  /** Sets must be valid, sizes known (LARGER/SMALLER), keywords kept by the server. */
  check(model: Readonly<ImapSessionModel>): boolean {
    const box = model.mailbox;
    if (!searchKeySets(this.key).every((s) => validSetFor(box, s.kind === 'uid', s.set))) return false;
    if (searchKeyUsesSize(this.key) && box.messages.some((m) => m.size === undefined)) return false;
    return searchKeyFlags(this.key).every((f) => isPermanentFlag(f, box.permanentFlags));
  }

  toString(): string {
    return `${this.uid ? 'UID ' : ''}SEARCH ${compileSearchKey(this.key)}`;
  }

  protected async execute(model: ImapSessionModel, real: ImapModelReal): Promise<void> {
    const box = model.mailbox;
    const expected = this.uid ? box.uidSearch(this.key) : box.search(this.key);
    const result = await real.sendOk(this.toString());
    const { observed, problem } = observeUntagged(box, result.untagged);
    real.check(problem);
    if (observed.searched === undefined) real.fail(discrepancy(IMAP_MODEL_RULES.searchResponse, 'no untagged SEARCH response', `* SEARCH ${expected.join(' ')}`.trim(), 'none'));
    const got = [...new Set(observed.searched)].sort((a, b) => a - b);
    if (got.length !== expected.length || got.some((n, i) => n !== expected[i])) {
      const what = this.uid ? 'UIDs' : 'message numbers';
      real.fail(discrepancy(IMAP_MODEL_RULES.searchResult, `SEARCH answered ${what} [${got.join(' ')}], the matching messages are [${expected.join(' ')}]`, `* SEARCH ${expected.join(' ')}`.trim(), `* SEARCH ${observed.searched.join(' ')}`.trim()));
    }
  }
}

export const searchArbitrary: fc.Arbitrary<SearchCommand> = fc.record({ uid: fc.boolean(), key: searchKeyArbitrary }).map(({ uid, key }) => new SearchCommand(uid, key));
