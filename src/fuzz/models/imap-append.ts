import fc from 'fast-check';
import { quoteImap } from '../../protocol/imap/client.js';
import type { ImapRespTextCode } from '../../protocol/imap/imap-response.js';
import { epochOfDateTimeText } from '../../model/imap-internal-date.js';
import { isPermanentFlag } from '../../model/imap-flags.js';
import { IMAP_MODEL_RULES, discrepancy } from '../../model/imap-model-rules.js';
import { appendDateArbitrary, flagListArbitrary, messageArbitrary } from './imap-arbitraries.js';
import { ImapModelCommand, type ImapSessionSide } from './imap-model-command.js';
import type { ImapModelReal } from './imap-model-real.js';
import { observeUntagged } from './imap-observe.js';

/**
 * APPEND to the selected mailbox (§6.3.11), then what the client is owed: the new message's EXISTS
 * (after a NOOP at the latest, §5.2), a UID above all before (APPENDUID, RFC 4315, or FETCH), its
 * flags as given and its internal date as given (both SHOULD), and later its exact octets. Other
 * sessions are told of it as their server chooses (ImapSessionView).
 */
export class AppendCommand extends ImapModelCommand {
  constructor(
    readonly message: Buffer,
    readonly flags: readonly string[],
    readonly date: string | undefined,
  ) {
    super();
  }

  /** Only flags the server keeps permanently have a certain effect (§7.1 PERMANENTFLAGS). */
  checkIn({ model }: ImapSessionSide): boolean {
    return this.flags.every((f) => isPermanentFlag(f, model.mailbox.permanentFlags));
  }

  toString(): string {
    const eightBit = this.message.some((b) => b >= 0x80) ? ' 8bit' : '';
    const flags = this.flags.length > 0 ? ` (${this.flags.join(' ')})` : '';
    const date = this.date ? ` "${this.date}"` : '';
    return `APPEND ${this.message.length}B${eightBit}${flags}${date}`;
  }

  protected async execute({ model, view }: ImapSessionSide, real: ImapModelReal): Promise<void> {
    const box = model.mailbox;
    const flags = this.flags.length > 0 ? ` (${this.flags.join(' ')})` : '';
    const date = this.date ? ` "${this.date}"` : '';
    const result = await real.sendOk(`APPEND ${quoteImap(real.mailbox)}${flags}${date} {}`, [this.message]);
    let seen = observeUntagged(view, result.untagged, { arriving: 1 });
    real.check(seen.problem);
    if (view.arrivals === 0) {
      // §6.3.11: the EXISTS "SHOULD" come at once; "If the server does not do so, the client MAY issue a NOOP command".
      const noop = await real.sendOk('NOOP');
      seen = observeUntagged(view, noop.untagged, { arriving: 1 });
      real.check(seen.problem);
      if (view.arrivals === 0) {
        const seq = view.count + view.unannounced().length + 1;
        real.fail(discrepancy(IMAP_MODEL_RULES.existsAfterAppend, `no "* ${seq} EXISTS" after APPEND and a NOOP, though the mailbox grew to ${seq}`, `* ${seq} EXISTS`, seen.observed.exists === undefined ? 'no EXISTS' : `* ${seen.observed.exists} EXISTS`));
      }
    }
    const seq = view.count + 1;
    const uid = await this.learnUid(model.mailbox.uidValidity, real, result.tagged.code, seq);
    real.check(box.append(uid, this.flags, this.message, this.date === undefined ? undefined : epochOfDateTimeText(this.date)));
    const appended = box.messages.at(-1);
    if (appended) view.arrived(appended);
    // Flags (and the date) as given: one FETCH, judged by APPEND's own rules.
    const verify = await real.sendOk(`FETCH ${seq} (UID FLAGS${this.date ? ' INTERNALDATE' : ''})`);
    const flagsRule = this.flags.length > 0 ? IMAP_MODEL_RULES.appendFlags : IMAP_MODEL_RULES.appendNoFlags;
    real.check(observeUntagged(view, verify.untagged, { flagsRule }).problem);
  }

  /** APPENDUID's UID (checked against UIDVALIDITY), or the UID a FETCH shows. */
  private async learnUid(known: number | undefined, real: ImapModelReal, code: ImapRespTextCode | undefined, seq: number): Promise<number> {
    if (code?.kind === 'other' && code.name.toUpperCase() === 'APPENDUID') {
      const [validity, uid] = (code.text ?? '').split(' ').map(Number);
      if (validity !== undefined && uid !== undefined && Number.isInteger(uid) && uid > 0) {
        if (known !== undefined && validity !== known) {
          real.check(discrepancy(IMAP_MODEL_RULES.appendUidValidity, `APPENDUID names UIDVALIDITY ${validity}, the mailbox has ${known}`, `[APPENDUID ${known} …]`, `[APPENDUID ${code.text ?? ''}]`));
        }
        return uid;
      }
    }
    const fetched = await real.sendOk(`FETCH ${seq} (UID)`);
    for (const { response } of fetched.untagged) {
      if (response.kind !== 'untagged' || response.type !== 'fetch' || response.seq !== seq) continue;
      const uid = response.attributes.find((a) => a.name === 'UID');
      if (uid?.name === 'UID') return uid.uid;
    }
    return real.fail(discrepancy(IMAP_MODEL_RULES.fetchMissing, `FETCH ${seq} (UID) returned no UID for the appended message`, `* ${seq} FETCH (UID n)`, 'no UID'));
  }
}

export const appendArbitrary: fc.Arbitrary<AppendCommand> = fc
  .record({ message: messageArbitrary, flags: flagListArbitrary, date: appendDateArbitrary })
  .map(({ message, flags, date }) => new AppendCommand(message, flags, date));
