import fc from 'fast-check';
import { quoteImap } from '../../protocol/imap/client.js';
import { IMAP_MODEL_RULES, discrepancy } from '../../model/imap-model-rules.js';
import { compileSequenceSet, type ImapSequenceSet } from '../../model/imap-sequence-set.js';
import { seqSetArbitrary } from './imap-arbitraries.js';
import { ImapModelCommand, type ImapSessionSide } from './imap-model-command.js';
import type { ImapModelReal, ImapSessionModel } from './imap-model-real.js';
import { observeUntagged } from './imap-observe.js';
import { validSetFor } from './imap-set-precondition.js';

/**
 * STATUS of the COPY destination (§6.3.10), checked against what the model knows of it: its
 * message count, and UIDNEXT and UIDVALIDITY by §2.3.1.1. STATUS is never asked of the selected
 * mailbox ("SHOULD NOT be used on the currently selected mailbox").
 */
export async function checkCopyTarget({ model, view }: ImapSessionSide<ImapSessionModel>, real: ImapModelReal): Promise<void> {
  const target = model.copyTarget;
  const result = await real.sendOk(`STATUS ${quoteImap(copyMailboxOf(real))} (MESSAGES UIDNEXT UIDVALIDITY)`);
  real.check(observeUntagged(view, result.untagged).problem);
  const values = new Map(result.untagged.flatMap((u) => (u.response.kind === 'untagged' && u.response.type === 'status' ? u.response.attributes.map((a) => [a.name, a.value] as const) : [])));
  const messages = values.get('MESSAGES');
  if (messages !== target.messages) {
    real.fail(discrepancy(IMAP_MODEL_RULES.copyMessages, `the COPY destination holds ${messages ?? '(not reported)'} message(s), the model ${target.messages}`, `MESSAGES ${target.messages}`, messages === undefined ? 'no MESSAGES' : `MESSAGES ${messages}`));
  }
  const uidNext = values.get('UIDNEXT');
  if (uidNext !== undefined) real.check(target.uidNext.announce(uidNext));
  const validity = values.get('UIDVALIDITY');
  if (validity !== undefined && target.uidValidity !== undefined && validity !== target.uidValidity) {
    real.fail(discrepancy(IMAP_MODEL_RULES.uidValidityStable, `UIDVALIDITY of the COPY destination changed from ${target.uidValidity} to ${validity}`, `UIDVALIDITY ${target.uidValidity}`, `UIDVALIDITY ${validity}`));
  }
  target.uidValidity ??= validity;
}

/**
 * COPY (§6.4.7) to the run's second mailbox: it "copies the specified message(s) to the end of the
 * specified destination mailbox", so its STATUS must count them and its UIDNEXT move on. COPYUID
 * (RFC 4315), when sent, gives the new UIDs, which must ascend past the destination's.
 */
export class CopyCommand extends ImapModelCommand<ImapSessionModel> {
  constructor(readonly set: ImapSequenceSet) {
    super();
  }

  checkIn({ view }: ImapSessionSide<ImapSessionModel>): boolean {
    return validSetFor(view, false, this.set);
  }

  toString(): string {
    return `COPY ${compileSequenceSet(this.set)}`;
  }

  protected async execute(side: ImapSessionSide<ImapSessionModel>, real: ImapModelReal): Promise<void> {
    const copied = side.view.resolveSeqSet(this.set).length;
    const result = await real.sendOk(`COPY ${compileSequenceSet(this.set)} ${quoteImap(copyMailboxOf(real))}`);
    real.check(observeUntagged(side.view, result.untagged).problem);
    const target = side.model.copyTarget;
    const code = result.tagged.code;
    const newUids = code?.kind === 'other' && code.name.toUpperCase() === 'COPYUID' ? expandUidSet(code.text?.split(' ')[2] ?? '', copied) : undefined;
    if (newUids && newUids.length === copied) real.check(...newUids.sort((a, b) => a - b).map((uid) => target.uidNext.assign(uid)));
    else for (let i = 0; i < copied; i++) target.uidNext.addUnknown();
    target.messages += copied;
    await checkCopyTarget(side, real);
  }
}

/** The run's COPY destination; only the one-session model has one. */
function copyMailboxOf(real: ImapModelReal): string {
  if (real.copyMailbox === undefined) throw new Error('this run has no COPY destination');
  return real.copyMailbox;
}

/** "3956:3958" or "7,9" → the UIDs, at most `limit` of them (a range never expands past it). */
function expandUidSet(text: string, limit: number): number[] | undefined {
  const uids: number[] = [];
  for (const part of text.split(',')) {
    const [a, b = a] = part.split(':').map(Number);
    if (a === undefined || b === undefined || !Number.isInteger(a) || !Number.isInteger(b)) return undefined;
    for (let uid = Math.min(a, b); uid <= Math.max(a, b); uid++) {
      if (uids.length >= limit + 1) return undefined;
      uids.push(uid);
    }
  }
  return uids;
}

export const copyArbitrary: fc.Arbitrary<CopyCommand> = seqSetArbitrary.map((set) => new CopyCommand(set));
