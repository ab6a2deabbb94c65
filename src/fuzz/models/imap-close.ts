import fc from 'fast-check';
import { IMAP_MODEL_RULES, discrepancy } from '../../model/imap-model-rules.js';
import { ImapModelCommand, type ImapSessionSide } from './imap-model-command.js';
import type { ImapModelReal } from './imap-model-real.js';
import { observeUntagged } from './imap-observe.js';
import { openMailbox } from './imap-select.js';

/**
 * CLOSE (§6.4.2), then SELECT again: \Deleted messages are gone without EXPUNGE responses — or,
 * after EXAMINE, all are still there — and the remaining UIDs are the model's (UID SEARCH ALL).
 */
export class CloseCommand extends ImapModelCommand {
  checkIn(): boolean {
    return true;
  }

  toString(): string {
    return 'CLOSE';
  }

  protected async execute(side: ImapSessionSide, real: ImapModelReal): Promise<void> {
    const box = side.model.mailbox;
    const result = await real.sendOk('CLOSE');
    const expunge = result.untagged.find((u) => u.response.kind === 'untagged' && u.response.type === 'expunge');
    if (expunge) real.fail(discrepancy(IMAP_MODEL_RULES.closeSilent, 'CLOSE sent an untagged EXPUNGE', 'no EXPUNGE response', expunge.raw.parts[0]?.bytes.toString('latin1') ?? 'EXPUNGE'));
    real.check(observeUntagged(side.view, result.untagged).problem);
    const rule = box.readOnly ? IMAP_MODEL_RULES.closeReadOnly : IMAP_MODEL_RULES.closeExpunges;
    if (!box.readOnly) box.removeDeleted();
    await openMailbox(side, real, false, rule);
    if (box.count === 0) return;
    const search = await real.sendOk('UID SEARCH ALL');
    const found = search.untagged.flatMap((u) => (u.response.kind === 'untagged' && u.response.type === 'search' ? u.response.numbers : []));
    const expected = box.messages.map((m) => m.uid);
    if (found.length !== expected.length || [...found].sort((a, b) => a - b).some((uid, i) => uid !== expected[i])) {
      real.fail(discrepancy(rule, `after CLOSE the mailbox holds UIDs [${found.join(' ')}], the model [${expected.join(' ')}]`, `* SEARCH ${expected.join(' ')}`, `* SEARCH ${found.join(' ')}`));
    }
  }
}

export const closeArbitrary: fc.Arbitrary<CloseCommand> = fc.constant(new CloseCommand());
