import type { ImapUnit } from '../../protocol/imap/conversation.js';
import type { ImapFetchAttribute } from '../../protocol/imap/imap-response.js';
import type { ImapRule } from '../../protocol/imap/imap-rule.js';
import { epochOfDateTime } from '../../model/imap-internal-date.js';
import { comparableFlags } from '../../model/imap-flags.js';
import type { ImapModelMessage } from '../../model/imap-message.js';
import { IMAP_MODEL_RULES, discrepancy, type ImapModelDiscrepancy } from '../../model/imap-model-rules.js';
import type { ImapSessionView } from '../../model/imap-session-view.js';

/** What a command allows in its untagged data, beyond what every command may see. */
export interface ObserveOptions {
  /** The command removes \Deleted messages (EXPUNGE): EXPUNGE responses may name them; elsewhere only messages another session removed. */
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
  /** Data item names per message, from every FETCH (numbers may shift within a UID command, §7.4.1). */
  readonly fetched: Map<ImapModelMessage, Set<ImapFetchAttribute['name']>>;
  /** Numbers of every SEARCH response, in order; undefined when none came. */
  readonly searched: number[] | undefined;
  /** The last EXISTS, if any. */
  readonly exists: number | undefined;
}

/**
 * Walks a command's untagged responses in order against the session's view of the mailbox:
 * EXISTS may announce what the mailbox holds beyond the view (and the messages arriving by this
 * command), EXPUNGE only a message another session removed or, where the command removes \Deleted
 * messages, one of those (applied at once, §7.4.1), and every FLAGS, UID, RFC822.SIZE, BODY[] and
 * INTERNALDATE a FETCH shows must be the model's. Nothing is required to come: each command checks
 * what it is owed. (EXPUNGE during FETCH, STORE or SEARCH is the client's own §7.4.1 check.)
 */
export function observeUntagged(view: ImapSessionView, units: readonly ImapUnit[], options: ObserveOptions = {}): { observed: Observed; problem: ImapModelDiscrepancy | undefined } {
  const fetched = new Map<ImapModelMessage, Set<ImapFetchAttribute['name']>>();
  let searched: number[] | undefined;
  let exists: number | undefined;
  const observed = (): Observed => ({ fetched, searched, exists });
  for (const { response } of units) {
    if (response.kind !== 'untagged') continue;
    let problem: ImapModelDiscrepancy | undefined;
    if (response.type === 'exists') {
      exists = response.number;
      problem = view.announce(response.number, options.arriving ?? 0);
    } else if (response.type === 'expunge') {
      problem = view.expunge(response.number, options.expunges === true);
    } else if (response.type === 'search') {
      searched = [...(searched ?? []), ...response.numbers];
    } else if (response.type === 'fetch') {
      const message = view.at(response.seq);
      if (message) {
        const names = fetched.get(message) ?? new Set();
        fetched.set(message, names);
        for (const a of response.attributes) names.add(a.name);
      }
      problem = checkFetch(view, response.seq, response.attributes, options);
    }
    if (problem) return { observed: observed(), problem };
  }
  return { observed: observed(), problem: undefined };
}

function checkFetch(view: ImapSessionView, seq: number, attributes: readonly ImapFetchAttribute[], options: ObserveOptions): ImapModelDiscrepancy | undefined {
  const message = view.at(seq);
  if (options.uidCommand && !attributes.some((a) => a.name === 'UID') && !(message && isFlagUpdate(view, message, attributes))) {
    return discrepancy(IMAP_MODEL_RULES.uidCommandFetchUid, `FETCH for message ${seq} without UID during a UID command`, 'UID in every FETCH response', `${seq} FETCH (${attributes.map((a) => a.name).join(' ')})`);
  }
  // A message arriving by this command (APPEND): the command checks it once it is in the model.
  if (!message) {
    return seq <= view.count + Math.max(view.arrivals, options.arriving ?? 0) ? undefined : discrepancy(IMAP_MODEL_RULES.existsCount, `FETCH for message ${seq} in a mailbox of ${view.count}`, `1 to ${view.count}`, `${seq} FETCH`);
  }
  // Of a message another session expunged, only which message the number is: RFC 3501 leaves its data to the server.
  const removed = view.isRemoved(message);
  for (const a of attributes) {
    let problem: ImapModelDiscrepancy | undefined;
    if (a.name === 'UID' && a.uid !== message.uid) problem = discrepancy(IMAP_MODEL_RULES.uidStable, `message ${seq} shows UID ${a.uid}, it had UID ${message.uid}`, `UID ${message.uid}`, `UID ${a.uid}`);
    else if (removed) continue;
    else if (a.name === 'FLAGS') problem = view.knowsFlagsOf(message) ? message.checkFlags(comparableFlags(a.flags), options.flagsRule ?? IMAP_MODEL_RULES.flagsValue, `message ${seq}`) : undefined;
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

/**
 * A FETCH of FLAGS alone for a message whose flags another session changed: the server's own flag
 * update (§7.4.2 "by unilateral server decision (e.g., flag updates)"), which §6.4.8 does not cover —
 * it asks UID of "any FETCH response caused by a UID command", and the other session caused this one.
 */
function isFlagUpdate(view: ImapSessionView, message: ImapModelMessage, attributes: readonly ImapFetchAttribute[]): boolean {
  return !view.knowsFlagsOf(message) && attributes.every((a) => a.name === 'FLAGS');
}
