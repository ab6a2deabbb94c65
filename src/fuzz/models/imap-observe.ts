import type { ImapUnit } from '../../protocol/imap/conversation.js';
import type { ImapFetchAttribute } from '../../protocol/imap/imap-response.js';
import type { ImapRule } from '../../protocol/imap/imap-rule.js';
import { epochOfDateTime } from '../../model/imap-internal-date.js';
import { comparableFlags } from '../../model/imap-flags.js';
import type { ImapMailboxModel } from '../../model/imap-mailbox.js';
import { IMAP_MODEL_RULES, discrepancy, type ImapModelDiscrepancy } from '../../model/imap-model-rules.js';

/** What a command allows in its untagged data, beyond what every command may see. */
export interface ObserveOptions {
  /** EXPUNGE responses are this command's own (the EXPUNGE command); elsewhere none may come. */
  readonly expunges?: boolean;
  /** Messages the command added whose EXISTS may come now (APPEND: 1); they are not in the model yet. */
  readonly arriving?: number;
  /** The rule a FLAGS value that differs from the model breaks. @defaultValue IMAP_MODEL_RULES.flagsValue */
  readonly flagsRule?: ImapRule;
  /** A UID command: every FETCH it causes must carry UID (§6.4.8). */
  readonly uidCommand?: boolean;
}

/** What the untagged data said, for the command's own checks. */
export interface Observed {
  /** Data item names per sequence number (numbering after the command), from every FETCH. */
  readonly fetched: Map<number, Set<ImapFetchAttribute['name']>>;
  /** Numbers of every SEARCH response, in order; undefined when none came. */
  readonly searched: number[] | undefined;
  /** The last EXISTS, if any. */
  readonly exists: number | undefined;
}

/**
 * Walks a command's untagged responses in order against the model, the one session that changes
 * the mailbox: EXISTS must be the model's count (or include the messages arriving by this
 * command), EXPUNGE only where the command removes \Deleted messages (applied at once, §7.4.1),
 * and every FLAGS, UID, RFC822.SIZE, BODY[] and INTERNALDATE a FETCH shows must be the model's.
 * Nothing is required to come: each command checks what it is owed.
 */
export function observeUntagged(model: ImapMailboxModel, units: readonly ImapUnit[], options: ObserveOptions = {}): { observed: Observed; problem: ImapModelDiscrepancy | undefined } {
  const fetched = new Map<number, Set<ImapFetchAttribute['name']>>();
  let searched: number[] | undefined;
  let exists: number | undefined;
  const arriving = options.arriving ?? 0;
  const observed = (): Observed => ({ fetched, searched, exists });
  for (const { response } of units) {
    if (response.kind !== 'untagged') continue;
    let problem: ImapModelDiscrepancy | undefined;
    if (response.type === 'exists') {
      exists = response.number;
      if (response.number < model.count || response.number > model.count + arriving) {
        const expected = arriving > 0 ? `${model.count} or ${model.count + arriving}` : String(model.count);
        problem = discrepancy(IMAP_MODEL_RULES.existsCount, `EXISTS ${response.number}, the mailbox holds ${expected} message(s)`, `EXISTS ${expected}`, `EXISTS ${response.number}`);
      }
    } else if (response.type === 'expunge') {
      problem = options.expunges
        ? model.expunge(response.number)
        : discrepancy(IMAP_MODEL_RULES.expungeUnrequested, `EXPUNGE ${response.number} though this command removes nothing and no other session uses the mailbox`, 'no EXPUNGE', `EXPUNGE ${response.number}`);
    } else if (response.type === 'search') {
      searched = [...(searched ?? []), ...response.numbers];
    } else if (response.type === 'fetch') {
      const names = fetched.get(response.seq) ?? new Set();
      fetched.set(response.seq, names);
      for (const a of response.attributes) names.add(a.name);
      problem = checkFetch(model, response.seq, response.attributes, options);
    }
    if (problem) return { observed: observed(), problem };
  }
  return { observed: observed(), problem: undefined };
}

function checkFetch(model: ImapMailboxModel, seq: number, attributes: readonly ImapFetchAttribute[], options: ObserveOptions): ImapModelDiscrepancy | undefined {
  if (options.uidCommand && !attributes.some((a) => a.name === 'UID')) {
    return discrepancy(IMAP_MODEL_RULES.uidCommandFetchUid, `FETCH for message ${seq} without UID during a UID command`, 'UID in every FETCH response', `${seq} FETCH (${attributes.map((a) => a.name).join(' ')})`);
  }
  const message = model.at(seq);
  // A message arriving by this command (APPEND): the command checks it once it is in the model.
  if (!message) return seq <= model.count + (options.arriving ?? 0) ? undefined : discrepancy(IMAP_MODEL_RULES.existsCount, `FETCH for message ${seq} in a mailbox of ${model.count}`, `1 to ${model.count}`, `${seq} FETCH`);
  for (const a of attributes) {
    let problem: ImapModelDiscrepancy | undefined;
    if (a.name === 'FLAGS') problem = message.checkFlags(comparableFlags(a.flags), options.flagsRule ?? IMAP_MODEL_RULES.flagsValue, `message ${seq}`);
    else if (a.name === 'UID' && a.uid !== message.uid) problem = discrepancy(IMAP_MODEL_RULES.uidStable, `message ${seq} shows UID ${a.uid}, it had UID ${message.uid}`, `UID ${message.uid}`, `UID ${a.uid}`);
    else if (a.name === 'RFC822.SIZE') problem = message.checkSize(a.size);
    else if (a.name === 'BODY[]' && a.section.part.length === 0 && a.section.text === undefined && a.origin === undefined) problem = message.checkBody(a.content);
    else if (a.name === 'INTERNALDATE' && message.internalDate !== undefined) {
      const got = a.date ? epochOfDateTime(a.date) : undefined;
      if (got !== message.internalDate) problem = discrepancy(IMAP_MODEL_RULES.appendDate, `INTERNALDATE "${a.raw}" of UID ${message.uid} is not the date-time given to APPEND`, `the instant ${new Date(message.internalDate * 1000).toISOString()}`, `"${a.raw}"`);
    }
    if (problem) return problem;
  }
  return undefined;
}
