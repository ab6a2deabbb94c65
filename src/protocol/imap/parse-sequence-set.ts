import { isDigit } from './formal-syntax.js';
import { grammarRule, type ImapRuleName } from './imap-rule.js';
import type { ImapNumberSet, ImapSeqNumber, ImapSetRange } from './imap-response.js';
import type { ImapTokenizer } from './tokenize.js';

/** Which set rule is read, and whether "*" belongs to it. */
export interface ImapSetRule {
  /** The rule the set is reported under: 'sequence-set' (RFC 3501), 'uid-set' (RFC 4315), 'known-uids' (RFC 7162). */
  readonly rule: ImapRuleName;
  /**
   * sequence-set allows `seq-number = nz-number / "*"`; uid-set is built of uniqueid only, and
   * known-uids says ";; Sequence of UIDs; "*" is not allowed."
   */
  readonly star: boolean;
}

export const SEQUENCE_SET: ImapSetRule = { rule: 'sequence-set', star: true };
export const UID_SET: ImapSetRule = { rule: 'uid-set', star: false };
export const KNOWN_UIDS: ImapSetRule = { rule: 'known-uids', star: false };

/**
 * `sequence-set = (seq-number / seq-range) *("," sequence-set)`, `seq-range = seq-number ":" seq-number`
 * (RFC 3501 §9), and the same shape as uid-set (RFC 4315 §4) and known-uids (RFC 7162 §7).
 * Reads up to the first octet that cannot continue the set.
 */
export function parseNumberSet(t: ImapTokenizer, set: ImapSetRule): ImapNumberSet {
  const ranges: ImapSetRange[] = [];
  do {
    const from = readSeqNumber(t, set);
    const to = t.take(0x3a) ? readSeqNumber(t, set) : undefined;
    ranges.push({ from, to });
  } while (t.take(0x2c));
  return ranges;
}

function readSeqNumber(t: ImapTokenizer, set: ImapSetRule): ImapSeqNumber {
  if (t.peek() === 0x2a) {
    if (!set.star) t.report(grammarRule(set.rule), `${set.rule}: "*" is not allowed (UIDs only)`, 'uniqueid (nz-number)', t.offset, Buffer.from('*'));
    t.advance();
    return '*';
  }
  if (!isDigit(t.peek())) t.fail(set.rule, set.star ? 'seq-number (nz-number / "*")' : 'uniqueid (nz-number)', `${set.rule}: expected a number`);
  return t.readNumber('nz-number', set.rule);
}
