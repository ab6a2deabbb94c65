import { isAtomChar } from './formal-syntax.js';
import { grammarRule, IMAP_PROSE_RULES, type ImapGrammarRuleName } from './imap-rule.js';
import type { ImapTokenizer } from './tokenize.js';

/** Where a flag list occurs: each allows a different set of "\" flags. */
export type ImapFlagContext = 'flag-list' | 'flag-fetch' | 'flag-perm' | 'mbx-list-flags';

/** flag = "\Answered" / "\Flagged" / "\Deleted" / "\Seen" / "\Draft" / flag-keyword / flag-extension */
const SYSTEM_FLAGS = new Set(['\\ANSWERED', '\\FLAGGED', '\\DELETED', '\\SEEN', '\\DRAFT']);
/** mbx-list-oflag = "\Noinferiors" / flag-extension; mbx-list-sflag = "\Noselect" / "\Marked" / "\Unmarked" */
const LIST_SFLAGS = new Set(['\\NOSELECT', '\\MARKED', '\\UNMARKED']);
/**
 * Mailbox attributes defined by later standards-track RFCs, which the flag-extension comment
 * allows ("except as defined by future standard or standards-track revisions"): RFC 3348 / RFC 5258
 * (children, LIST-EXTENDED), RFC 6154 (SPECIAL-USE), RFC 8457 (\Important).
 */
const LIST_EXTENSION_FLAGS = new Set([
  '\\NOINFERIORS', '\\HASCHILDREN', '\\HASNOCHILDREN', '\\NONEXISTENT', '\\SUBSCRIBED', '\\REMOTE',
  '\\ALL', '\\ARCHIVE', '\\DRAFTS', '\\FLAGGED', '\\JUNK', '\\SENT', '\\TRASH', '\\IMPORTANT',
]);

/**
 * A parenthesized flag list: `"(" [flag *(SP flag)] ")"` (flag-list, the FETCH FLAGS list of
 * flag-fetch, PERMANENTFLAGS' flag-perm, LIST's mbx-list-flags). Flags are kept as sent.
 */
export function parseFlagList(t: ImapTokenizer, context: ImapFlagContext): string[] {
  const rule: ImapGrammarRuleName = context;
  t.expect(0x28, rule);
  const flags: string[] = [];
  let sflags = 0;
  while (!t.takeClose(rule)) {
    if (flags.length > 0) t.expectSp(rule);
    const start = t.offset;
    const flag = readFlag(t, context);
    flags.push(flag);
    checkFlag(t, context, flag, start);
    if (context === 'mbx-list-flags' && LIST_SFLAGS.has(flag.toUpperCase()) && ++sflags === 2) {
      // mbx-list-sflag: "Selectability flags; only one per LIST response"
      t.report(IMAP_PROSE_RULES.listOneSflag, 'more than one of \\Noselect, \\Marked, \\Unmarked', 'at most one mbx-list-sflag', start, Buffer.from(flag, 'latin1'));
    }
  }
  return flags;
}

/** `"\" atom`, `"\*"` (flag-perm only), or an atom (flag-keyword). */
function readFlag(t: ImapTokenizer, context: ImapFlagContext): string {
  if (t.peek() === 0x5c) {
    if (t.peek(1) === 0x2a && context === 'flag-perm') {
      t.advance(2);
      return '\\*';
    }
    t.advance();
    return `\\${t.readAtomOutsideCode(context === 'mbx-list-flags' ? 'mbx-list-flags' : 'flag')}`;
  }
  if (!isAtomChar(t.peek())) t.fail(context, 'flag', `${context}: expected a flag`);
  // Flags sit inside "(…)" even in PERMANENTFLAGS, so a "]" before the ")" is never the code's end.
  return t.readAtomOutsideCode('flag');
}

/** Which "\" flags are allowed where; a keyword (plain atom) is allowed everywhere but in LIST. */
function checkFlag(t: ImapTokenizer, context: ImapFlagContext, flag: string, at: number): void {
  const upper = flag.toUpperCase();
  const received = Buffer.from(flag, 'latin1');
  if (context === 'mbx-list-flags') {
    if (!flag.startsWith('\\')) {
      t.report(grammarRule('mbx-list-flags'), 'mailbox attribute without "\\"', 'mbx-list-oflag / mbx-list-sflag', at, received);
    } else if (!LIST_SFLAGS.has(upper) && !LIST_EXTENSION_FLAGS.has(upper)) {
      reportExtension(t, at, received);
    }
    return;
  }
  if (!flag.startsWith('\\') || SYSTEM_FLAGS.has(upper)) return;
  if (upper === '\\RECENT') {
    // flag: "Does not include "\Recent""; flag-fetch = flag / "\Recent"
    if (context !== 'flag-fetch') t.report(grammarRule(context === 'flag-perm' ? 'flag-perm' : 'flag'), '\\Recent is only a flag-fetch (FETCH FLAGS), not a flag', 'flag', at, received);
    return;
  }
  if (upper !== '\\*') reportExtension(t, at, received);
}

/**
 * flag-extension: "Server implementations MUST NOT generate flag-extension flags except as defined
 * by future standard or standards-track revisions of this specification."
 */
function reportExtension(t: ImapTokenizer, at: number, received: Buffer): void {
  t.report(grammarRule('flag-extension'), 'flag-extension not defined by RFC 3501 or a standards-track extension', 'a defined "\\" flag, or a keyword', at, received);
}
