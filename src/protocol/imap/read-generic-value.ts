import { SP, isAtomChar } from './formal-syntax.js';
import type { ImapRuleName } from './imap-rule.js';
import type { ImapBodyExtension } from './imap-response.js';
import { parseBodyExtension } from './parse-body-structure.js';
import type { ImapTokenizer } from './tokenize.js';

/**
 * The value of an item no grammar here defines (already reported by the caller): body-extension's
 * shapes (nstring, number, lists), plus atoms as strings (a sequence-set such as "1:3,5" is one), so
 * the rest of the response can still be read. `rule` names the construct a hard error is in.
 */
export function readGenericValue(t: ImapTokenizer, rule: ImapRuleName): ImapBodyExtension {
  if (t.peek() === 0x22 || t.peek() === 0x7b || t.peekNil()) return parseBodyExtension(t);
  if (t.peek() === 0x28) {
    t.enter();
    t.advance();
    const items: ImapBodyExtension[] = [];
    while (!t.takeClose(rule)) {
      if (items.length > 0) t.expectSp(rule);
      items.push(readGenericValue(t, rule));
    }
    t.leave();
    return items;
  }
  if (t.peek() === SP || !isAtomChar(t.peek())) t.fail(rule, 'a value', `${rule}: unreadable value of an unknown item`);
  const atom = t.readAtom(rule);
  return /^[0-9]+$/.test(atom) ? Number(atom) : atom;
}
