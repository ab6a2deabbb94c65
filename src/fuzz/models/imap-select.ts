import { quoteImap } from '../../protocol/imap/client.js';
import type { ImapRule } from '../../protocol/imap/imap-rule.js';
import { canonicalFlag } from '../../model/imap-flags.js';
import { IMAP_MODEL_RULES, discrepancy, type ImapModelDiscrepancy } from '../../model/imap-model-rules.js';
import { ImapModelCommand, type ImapSessionSide } from './imap-model-command.js';
import type { ImapModelReal, ImapModelState } from './imap-model-real.js';
import { observeUntagged } from './imap-observe.js';

/** What SELECT/EXAMINE reported (§6.3.1), read from its untagged data and tagged code. */
interface Opening {
  exists: number | undefined;
  uidValidity: number | undefined;
  uidNext: number | undefined;
  unseen: number | undefined;
  permanentFlags: string[] | undefined;
  readOnly: boolean;
}

/**
 * SELECT (or EXAMINE) of the run's mailbox, checked against the model: EXISTS is its count (by
 * `countRule`: after CLOSE, the CLOSE rule is what broke), UIDVALIDITY stays, UIDNEXT obeys
 * §2.3.1.1, UNSEEN names the first message without \Seen. The model learns PERMANENTFLAGS and
 * whether the selection is read-only; the session's view becomes the mailbox as it is.
 */
export async function openMailbox({ model, view }: ImapSessionSide, real: ImapModelReal, examine: boolean, countRule: ImapRule = IMAP_MODEL_RULES.existsCount): Promise<void> {
  const verb = examine ? 'EXAMINE' : 'SELECT';
  const result = await real.sendOk(`${verb} ${quoteImap(real.mailbox)}`);
  const opening: Opening = { exists: undefined, uidValidity: undefined, uidNext: undefined, unseen: undefined, permanentFlags: undefined, readOnly: false };
  for (const { response } of [...result.untagged, { response: result.tagged }]) {
    if (response.kind === 'untagged' && response.type === 'exists') opening.exists = response.number;
    if (!('code' in response) || response.code === undefined) continue;
    const code = response.code;
    if (code.kind === 'number' && code.name === 'UIDVALIDITY') opening.uidValidity = code.value;
    else if (code.kind === 'number' && code.name === 'UIDNEXT') opening.uidNext = code.value;
    else if (code.kind === 'number' && code.name === 'UNSEEN') opening.unseen = code.value;
    else if (code.kind === 'permanentflags') opening.permanentFlags = code.flags.map(canonicalFlag);
    else if (code.kind === 'simple' && code.name === 'READ-ONLY') opening.readOnly = true;
  }
  const box = model.mailbox;
  view.reset();
  real.check(...checkOpening(opening, model, examine, countRule));
  if (opening.uidValidity !== undefined) real.check(box.observeUidValidity(opening.uidValidity));
  if (opening.uidNext !== undefined) real.check(box.uidNext.announce(opening.uidNext));
  real.check(observeUntagged(view, result.untagged).problem);
  box.readOnly = examine || opening.readOnly;
  // EXAMINE's PERMANENTFLAGS is "()" (§6.3.2 example): it says what this read-only selection may change, not the mailbox.
  if (!examine) box.permanentFlags = opening.permanentFlags === undefined ? undefined : new Set(opening.permanentFlags);
}

function checkOpening(opening: Opening, model: ImapModelState, examine: boolean, countRule: ImapRule): Array<ImapModelDiscrepancy | undefined> {
  const box = model.mailbox;
  const verb = examine ? 'EXAMINE' : 'SELECT';
  const required = (what: string): ImapModelDiscrepancy => discrepancy(IMAP_MODEL_RULES.selectRequiredData, `${verb} completed without ${what}`, what, '(none)');
  const firstUnseen = box.firstUnseen();
  return [
    opening.exists === undefined ? required('"* n EXISTS"') : undefined,
    opening.exists !== undefined && opening.exists !== box.count
      ? discrepancy(countRule, `${verb} shows ${opening.exists} message(s), the model holds ${box.count}`, `${box.count} EXISTS`, `${opening.exists} EXISTS`)
      : undefined,
    opening.uidValidity === undefined ? required('OK [UIDVALIDITY n]') : undefined,
    opening.unseen !== undefined && opening.unseen !== firstUnseen
      ? discrepancy(IMAP_MODEL_RULES.selectUnseen, `[UNSEEN ${opening.unseen}], the first message without \\Seen is ${firstUnseen ?? '(none: all are seen)'}`, firstUnseen === undefined ? 'no UNSEEN code' : `[UNSEEN ${firstUnseen}]`, `[UNSEEN ${opening.unseen}]`)
      : undefined,
    examine && !opening.readOnly ? discrepancy(IMAP_MODEL_RULES.examineReadOnly, 'EXAMINE completed without [READ-ONLY]', 'OK [READ-ONLY] …', 'no READ-ONLY code') : undefined,
  ];
}

/** Re-opens the mailbox: SELECT or EXAMINE again (§6.3.1, §6.3.2), with every opening check. */
export class ReopenCommand extends ImapModelCommand {
  constructor(readonly examine: boolean) {
    super();
  }

  checkIn(): boolean {
    return true;
  }

  toString(): string {
    return this.examine ? 'EXAMINE' : 'SELECT';
  }

  protected async execute(side: ImapSessionSide, real: ImapModelReal): Promise<void> {
    await openMailbox(side, real, this.examine);
  }
}
