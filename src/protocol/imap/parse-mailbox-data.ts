import { DQUOTE, SP, isAstringChar, isTextChar } from './formal-syntax.js';
import { grammarRule, IMAP_PROSE_RULES } from './imap-rule.js';
import type { ImapListResponse, ImapMailboxName, ImapSearchResponse, ImapStatusResponse } from './imap-response.js';
import { decodeModifiedUtf7 } from './modified-utf7.js';
import { parseFlagList } from './parse-flags.js';
import type { ImapTokenizer } from './tokenize.js';

const STATUS_ATTS = new Set(['MESSAGES', 'RECENT', 'UIDNEXT', 'UIDVALIDITY', 'UNSEEN']);

/**
 * mailbox = "INBOX" / astring — "INBOX is case-insensitive. All case variants of INBOX (e.g.,
 * "iNbOx") MUST be interpreted as INBOX". Other names are decoded as modified UTF-7 (§5.1.3),
 * every deviation reported at its octet.
 */
export function parseMailbox(t: ImapTokenizer): ImapMailboxName {
  // 8-bit octets are read into an atom (and reported) so a raw UTF-8 name is not cut in two.
  const token = t.readAstring('mailbox', (b) => isAstringChar(b) || b >= 0x80);
  const raw = token.bytes.toString('latin1');
  if (token.form === 'atom' && token.bytes.some((b) => b >= 0x80)) {
    const at = token.bytes.findIndex((b) => b >= 0x80);
    t.report(grammarRule('ATOM-CHAR'), 'mailbox: 8-bit octet in an atom (ATOM-CHAR is 7-bit)', 'ASTRING-CHAR', token.offset + at, token.bytes.subarray(at));
  }
  if (raw.toUpperCase() === 'INBOX') return { raw, name: 'INBOX' };
  const { name, problems } = decodeModifiedUtf7(raw);
  for (const p of problems) {
    // 8-bit and control octets in a quoted string or an atom were reported by their char class already.
    const alreadyReported = p.kind === 'raw-8bit' || (p.kind === 'raw-control' && !isTextChar(token.bytes[p.index]!));
    if (token.form !== 'literal' && alreadyReported) continue;
    t.report(IMAP_PROSE_RULES.modifiedUtf7, `mailbox: ${p.message}`, 'modified UTF-7 (RFC 3501 §5.1.3)', token.contentOffset + p.index, token.bytes.subarray(p.index, p.index + Math.max(1, p.length)));
  }
  return { raw, name };
}

/**
 * "LIST" / "LSUB" SP mailbox-list, after the keyword:
 * mailbox-list = "(" [mbx-list-flags] ")" SP (DQUOTE QUOTED-CHAR DQUOTE / nil) SP mailbox
 */
export function parseMailboxList(t: ImapTokenizer, type: 'list' | 'lsub'): ImapListResponse {
  t.expectSp('mailbox-data');
  const attributes = parseFlagList(t, 'mbx-list-flags');
  t.expectSp('mailbox-list');
  const delimiter = readDelimiter(t);
  t.expectSp('mailbox-list');
  return { kind: 'untagged', type, attributes, delimiter, mailbox: parseMailbox(t) };
}

/** The hierarchy delimiter: exactly one QUOTED-CHAR between DQUOTEs, or NIL. */
function readDelimiter(t: ImapTokenizer): string | null {
  if (t.peekNil()) {
    t.advance(3);
    return null;
  }
  const at = t.offset;
  if (t.peek() !== DQUOTE && t.peek() !== 0x7b) {
    // (DQUOTE QUOTED-CHAR DQUOTE / nil): a bare "/" is neither.
    t.report(grammarRule('mailbox-list'), 'hierarchy delimiter not quoted', 'DQUOTE QUOTED-CHAR DQUOTE / nil', at, t.slice(t.position, t.position + 1));
    if (t.peek() === SP || t.atLineEnd()) t.fail('mailbox-list', 'delimiter', 'mailbox-list: delimiter missing');
    const bare = t.slice(t.position, t.position + 1).toString('latin1');
    t.advance();
    return bare;
  }
  const token = t.readString('mailbox-list');
  const value = token.bytes.toString('latin1');
  if (token.form === 'literal') {
    t.report(grammarRule('mailbox-list'), 'hierarchy delimiter sent as a literal', 'DQUOTE QUOTED-CHAR DQUOTE / nil', at, token.bytes);
  } else if (token.bytes.length !== 1) {
    t.report(grammarRule('mailbox-list'), `hierarchy delimiter of ${token.bytes.length} characters`, 'exactly one QUOTED-CHAR', at, token.bytes);
  }
  return value;
}

/** "SEARCH" *(SP nz-number), after the keyword. */
export function parseSearch(t: ImapTokenizer): ImapSearchResponse {
  const numbers: number[] = [];
  while (!t.atLineEnd()) {
    t.expectSp('mailbox-data');
    if (t.atLineEnd()) {
      t.report(grammarRule('mailbox-data'), 'SEARCH: SP not followed by a number', 'nz-number');
      break;
    }
    numbers.push(t.readNumber('nz-number', 'mailbox-data'));
  }
  return { kind: 'untagged', type: 'search', numbers };
}

/**
 * "STATUS" SP mailbox SP "(" [status-att-list] ")", after the keyword.
 * status-att-list = status-att SP number *(SP status-att SP number)
 */
export function parseStatus(t: ImapTokenizer): ImapStatusResponse {
  t.expectSp('mailbox-data');
  const mailbox = parseMailbox(t);
  t.expectSp('mailbox-data');
  t.expect(0x28, 'mailbox-data');
  const attributes: Array<{ name: string; value: number }> = [];
  while (!t.takeClose('mailbox-data')) {
    if (attributes.length > 0) t.expectSp('status-att-list');
    const at = t.offset;
    const name = t.readKeyword().toUpperCase();
    if (name === '') t.fail('status-att', 'status-att (MESSAGES / RECENT / UIDNEXT / UIDVALIDITY / UNSEEN)', 'status-att: expected an attribute name');
    if (!STATUS_ATTS.has(name)) {
      t.report(grammarRule('status-att'), `status-att: ${name} is not defined by RFC 3501`, 'MESSAGES / RECENT / UIDNEXT / UIDVALIDITY / UNSEEN', at, Buffer.from(name, 'latin1'));
    }
    t.expectSp('status-att-list');
    attributes.push({ name, value: t.readNumber('number', 'status-att-list') });
  }
  return { kind: 'untagged', type: 'status', mailbox, attributes };
}
