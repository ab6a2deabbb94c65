import { canonicalFlag } from './imap-flags.js';
import { compileSequenceSet, sequenceSetHas, type ImapSequenceSet } from './imap-sequence-set.js';

/**
 * The search keys the model can answer for certain (RFC 3501 §6.4.4): flags, sizes, sets and their
 * combinations. RECENT, NEW and OLD are left out — \Recent is the server's choice (§2.3.2) — and so
 * are dates and text, whose matching the RFC leaves partly to the server.
 */
export type ImapSearchKey =
  | { readonly kind: 'all' }
  /** ANSWERED / UNANSWERED, DELETED / UNDELETED, …, or KEYWORD / UNKEYWORD for a keyword. */
  | { readonly kind: 'flag'; readonly flag: string; readonly set: boolean }
  | { readonly kind: 'larger' | 'smaller'; readonly octets: number }
  | { readonly kind: 'seq'; readonly set: ImapSequenceSet }
  | { readonly kind: 'uid'; readonly set: ImapSequenceSet }
  | { readonly kind: 'not'; readonly key: ImapSearchKey }
  | { readonly kind: 'or'; readonly left: ImapSearchKey; readonly right: ImapSearchKey }
  /** A parenthesized list: all keys must match (§6.4.4 "the intersection (AND function)"). */
  | { readonly kind: 'and'; readonly keys: readonly ImapSearchKey[] };

const FLAG_KEYS = new Map<string, [string, string]>([
  ['\\Answered', ['ANSWERED', 'UNANSWERED']],
  ['\\Deleted', ['DELETED', 'UNDELETED']],
  ['\\Draft', ['DRAFT', 'UNDRAFT']],
  ['\\Flagged', ['FLAGGED', 'UNFLAGGED']],
  ['\\Seen', ['SEEN', 'UNSEEN']],
]);

/** The wire form of a key, e.g. `OR FLAGGED (UNSEEN LARGER 100)`. */
export function compileSearchKey(key: ImapSearchKey): string {
  switch (key.kind) {
    case 'all':
      return 'ALL';
    case 'flag': {
      const names = FLAG_KEYS.get(canonicalFlag(key.flag));
      if (names) return key.set ? names[0] : names[1];
      return `${key.set ? 'KEYWORD' : 'UNKEYWORD'} ${key.flag}`;
    }
    case 'larger':
      return `LARGER ${key.octets}`;
    case 'smaller':
      return `SMALLER ${key.octets}`;
    case 'seq':
      return compileSequenceSet(key.set);
    case 'uid':
      return `UID ${compileSequenceSet(key.set)}`;
    case 'not':
      return `NOT ${compileSearchKey(key.key)}`;
    case 'or':
      return `OR ${compileSearchKey(key.left)} ${compileSearchKey(key.right)}`;
    case 'and':
      return `(${key.keys.map(compileSearchKey).join(' ')})`;
  }
}

/** What a key needs from the mailbox: LARGER/SMALLER need every message's size. */
export function searchKeyUsesSize(key: ImapSearchKey): boolean {
  switch (key.kind) {
    case 'larger':
    case 'smaller':
      return true;
    case 'not':
      return searchKeyUsesSize(key.key);
    case 'or':
      return searchKeyUsesSize(key.left) || searchKeyUsesSize(key.right);
    case 'and':
      return key.keys.some(searchKeyUsesSize);
    default:
      return false;
  }
}

/** Every key that names a set, for preconditions (message numbers must exist). */
export function searchKeySets(key: ImapSearchKey): Array<{ readonly kind: 'seq' | 'uid'; readonly set: ImapSequenceSet }> {
  switch (key.kind) {
    case 'seq':
    case 'uid':
      return [{ kind: key.kind, set: key.set }];
    case 'not':
      return searchKeySets(key.key);
    case 'or':
      return [...searchKeySets(key.left), ...searchKeySets(key.right)];
    case 'and':
      return key.keys.flatMap(searchKeySets);
    default:
      return [];
  }
}

/** Every flag or keyword a key tests, for preconditions (keywords only where the server keeps them). */
export function searchKeyFlags(key: ImapSearchKey): string[] {
  switch (key.kind) {
    case 'flag':
      return [key.flag];
    case 'not':
      return searchKeyFlags(key.key);
    case 'or':
      return [...searchKeyFlags(key.left), ...searchKeyFlags(key.right)];
    case 'and':
      return key.keys.flatMap(searchKeyFlags);
    default:
      return [];
  }
}

/** What a search key is matched against: one message as the model knows it. */
export interface ImapSearchTarget {
  readonly seq: number;
  readonly uid: number;
  readonly flags: ReadonlySet<string>;
  /** RFC822.SIZE; undefined only where the model does not know it (then LARGER/SMALLER are not asked). */
  readonly size: number | undefined;
}

/**
 * Whether the message matches (§6.4.4). `star` holds what "*" means for message numbers (the
 * count) and for UIDs (the highest UID) — §9 seq-number.
 */
export function matchesSearchKey(key: ImapSearchKey, target: ImapSearchTarget, star: { readonly seq: number; readonly uid: number }): boolean {
  switch (key.kind) {
    case 'all':
      return true;
    case 'flag':
      return target.flags.has(canonicalFlag(key.flag)) === key.set;
    case 'larger':
      // "Messages with an [RFC-2822] size larger than the specified number of octets."
      return target.size !== undefined && target.size > key.octets;
    case 'smaller':
      return target.size !== undefined && target.size < key.octets;
    case 'seq':
      return sequenceSetHas(key.set, target.seq, star.seq);
    case 'uid':
      return sequenceSetHas(key.set, target.uid, star.uid);
    case 'not':
      return !matchesSearchKey(key.key, target, star);
    case 'or':
      return matchesSearchKey(key.left, target, star) || matchesSearchKey(key.right, target, star);
    case 'and':
      return key.keys.every((k) => matchesSearchKey(k, target, star));
  }
}
