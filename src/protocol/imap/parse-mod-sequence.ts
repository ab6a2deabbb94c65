import { isDigit } from './formal-syntax.js';
import { grammarRule } from './imap-rule.js';
import type { ImapModSeq } from './imap-response.js';
import type { ImapTokenizer } from './tokenize.js';

/** mod-sequence-value: "(1 <= n <= 9,223,372,036,854,775,807)" (RFC 7162 §7). */
const MAX_MOD_SEQUENCE = 9_223_372_036_854_775_807n;

/**
 * `mod-sequence-value = 1*DIGIT ;; Positive unsigned 63-bit integer`, or with `zero`
 * `mod-sequence-valzer = "0" / mod-sequence-value`. No digit is hard; 0 where it is not allowed, or a
 * value past 2^63-1, is reported and kept.
 */
export function readModSequence(t: ImapTokenizer, zero: boolean): ImapModSeq {
  const rule = zero ? 'mod-sequence-valzer' : 'mod-sequence-value';
  const at = t.offset;
  const digits = t.readWhile(isDigit);
  if (digits.length === 0) t.fail(rule, rule, `${rule}: expected a mod-sequence (digits)`);
  const value = BigInt(digits.toString('latin1'));
  if (value > MAX_MOD_SEQUENCE) {
    t.report(grammarRule(rule), `${rule}: ${digits.length}-digit value is not a 63-bit mod-sequence`, '1 <= n <= 9,223,372,036,854,775,807', at, digits);
  } else if (value === 0n && !zero) {
    t.report(grammarRule(rule), `${rule}: 0 is not a mod-sequence-value (0 is only allowed where mod-sequence-valzer is)`, '1 <= n <= 9,223,372,036,854,775,807', at, digits);
  }
  return value.toString();
}

/** `fetch-mod-resp = "MODSEQ" SP "(" permsg-modsequence ")"`, after "MODSEQ" SP; permsg-modsequence = mod-sequence-value. */
export function parseFetchModSeq(t: ImapTokenizer): ImapModSeq {
  t.expect(0x28, 'fetch-mod-resp');
  const modseq = readModSequence(t, false);
  t.expect(0x29, 'fetch-mod-resp');
  return modseq;
}
