import { grammarRule, type ImapGrammarRuleName } from './imap-rule.js';
import type { ImapAddress, ImapEnvelope } from './imap-response.js';
import type { ImapTokenizer } from './tokenize.js';

/** An nstring's octets as a latin1 string, or null for NIL. */
export function readNstringText(t: ImapTokenizer, rule: ImapGrammarRuleName): string | null {
  const token = t.readNstring(rule);
  return token === null ? null : token.bytes.toString('latin1');
}

/** A `string`'s octets as a latin1 string. */
export function readStringText(t: ImapTokenizer, rule: ImapGrammarRuleName): string {
  return t.readString(rule).bytes.toString('latin1');
}

/**
 * envelope = "(" env-date SP env-subject SP env-from SP env-sender SP env-reply-to SP env-to SP
 *            env-cc SP env-bcc SP env-in-reply-to SP env-message-id ")"
 * A missing or extra field shows up as a missing SP or ")" under `envelope`.
 */
export function parseEnvelope(t: ImapTokenizer): ImapEnvelope {
  t.enter();
  t.expect(0x28, 'envelope');
  const date = readNstringText(t, 'envelope');
  const next = (): void => fieldSeparator(t);
  next();
  const subject = readNstringText(t, 'envelope');
  next();
  const from = parseAddressList(t, 'env-from');
  next();
  const sender = parseAddressList(t, 'env-sender');
  next();
  const replyTo = parseAddressList(t, 'env-reply-to');
  next();
  const to = parseAddressList(t, 'env-to');
  next();
  const cc = parseAddressList(t, 'env-cc');
  next();
  const bcc = parseAddressList(t, 'env-bcc');
  next();
  const inReplyTo = readNstringText(t, 'envelope');
  next();
  const messageId = readNstringText(t, 'envelope');
  if (!t.take(0x29)) t.fail('envelope', '")" after env-message-id', 'envelope: more than 10 fields, or ")" missing');
  t.leave();
  return { date, subject, from, sender, replyTo, to, cc, bcc, inReplyTo, messageId };
}

/** The SP between envelope fields; a ")" here means a field is missing (hard). */
function fieldSeparator(t: ImapTokenizer): void {
  if (t.peek() === 0x29) t.fail('envelope', 'SP and the next field', 'envelope: fewer than 10 fields');
  t.expectSp('envelope');
}

/** `env-from = "(" 1*address ")" / nil` (and the same for sender, reply-to, to, cc, bcc). */
function parseAddressList(t: ImapTokenizer, rule: ImapGrammarRuleName): ImapAddress[] | null {
  if (t.peekNil()) {
    t.advance(3);
    return null;
  }
  t.expect(0x28, rule);
  const addresses: ImapAddress[] = [];
  if (t.peek() === 0x29) {
    // "(" 1*address ")": an empty list is NIL, never "()".
    t.report(grammarRule(rule), `${rule}: empty address list "()" (NIL is the empty form)`, '"(" 1*address ")" / nil');
  }
  while (!t.takeClose(rule)) {
    // address lists have no SP between addresses: "(" 1*address ")"
    if (t.peek() !== 0x28) t.fail(rule, 'address or ")"', `${rule}: expected "(" of an address or ")"`);
    addresses.push(parseAddress(t));
  }
  return addresses;
}

/** address = "(" addr-name SP addr-adl SP addr-mailbox SP addr-host ")" */
function parseAddress(t: ImapTokenizer): ImapAddress {
  t.expect(0x28, 'address');
  const name = readNstringText(t, 'address');
  t.expectSp('address');
  const adl = readNstringText(t, 'address');
  t.expectSp('address');
  const mailbox = readNstringText(t, 'address');
  t.expectSp('address');
  const host = readNstringText(t, 'address');
  t.expect(0x29, 'address');
  return { name, adl, mailbox, host };
}
