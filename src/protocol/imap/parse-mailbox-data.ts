import { DQUOTE, SP, isAstringChar, isDigit, isTextChar } from './formal-syntax.js';
import { grammarRule, IMAP_PROSE_RULES } from './imap-rule.js';
import type { ImapListResponse, ImapMailboxName, ImapModSeq, ImapSearchResponse, ImapStatusResponse } from './imap-response.js';
import { decodeModifiedUtf7 } from './modified-utf7.js';
import { parseFlagList } from './parse-flags.js';
import { readModSequence } from './parse-mod-sequence.js';
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
  const delimiter = readDelimiter(t, 'mailbox-list');
  t.expectSp('mailbox-list');
  return { kind: 'untagged', type, attributes, delimiter, mailbox: parseMailbox(t) };
}

/** The hierarchy delimiter: exactly one QUOTED-CHAR between DQUOTEs, or NIL (LIST's, and NAMESPACE's, RFC 2342). */
export function readDelimiter(t: ImapTokenizer, rule: 'mailbox-list' | 'Namespace'): string | null {
  if (t.peekNil()) {
    t.advance(3);
    return null;
  }
  const at = t.offset;
  if (t.peek() !== DQUOTE && t.peek() !== 0x7b) {
    // (DQUOTE QUOTED-CHAR DQUOTE / nil): a bare "/" is neither.
    t.report(grammarRule(rule), 'hierarchy delimiter not quoted', 'DQUOTE QUOTED-CHAR DQUOTE / nil', at, t.slice(t.position, t.position + 1));
    if (t.peek() === SP || t.peek() === 0x29 || t.atLineEnd()) t.fail(rule, 'delimiter', `${rule}: delimiter missing`);
    const bare = t.slice(t.position, t.position + 1).toString('latin1');
    t.advance();
    return bare;
  }
  const token = t.readString(rule);
  const value = token.bytes.toString('latin1');
  if (token.form === 'literal') {
    t.report(grammarRule(rule), 'hierarchy delimiter sent as a literal', 'DQUOTE QUOTED-CHAR DQUOTE / nil', at, token.bytes);
  } else if (token.bytes.length !== 1) {
    t.report(grammarRule(rule), `hierarchy delimiter of ${token.bytes.length} characters`, 'exactly one QUOTED-CHAR', at, token.bytes);
  }
  return value;
}

/**
 * "SEARCH" *(SP nz-number), after the keyword; RFC 7162 adds
 * `"SEARCH" [1*(SP nz-number) SP search-sort-mod-seq]`, search-sort-mod-seq = "(" "MODSEQ" SP mod-sequence-value ")".
 */
export function parseSearch(t: ImapTokenizer): ImapSearchResponse {
  const numbers: number[] = [];
  let modseq: ImapModSeq | undefined;
  while (!t.atLineEnd()) {
    t.expectSp('mailbox-data');
    if (t.atLineEnd()) {
      t.report(grammarRule('mailbox-data'), 'SEARCH: SP not followed by a number', 'nz-number');
      break;
    }
    if (t.peek() === 0x28) {
      if (numbers.length === 0) t.report(IMAP_PROSE_RULES.rfc7162Search, 'SEARCH: (MODSEQ …) without a number before it', '1*(SP nz-number) SP search-sort-mod-seq');
      modseq = readSearchSortModSeq(t);
      break;
    }
    numbers.push(t.readNumber('nz-number', 'mailbox-data'));
  }
  return { kind: 'untagged', type: 'search', numbers, modseq };
}

/** search-sort-mod-seq = "(" "MODSEQ" SP mod-sequence-value ")" (RFC 7162 §7) */
function readSearchSortModSeq(t: ImapTokenizer): ImapModSeq {
  t.expect(0x28, 'search-sort-mod-seq');
  const word = t.readKeyword();
  if (word.toUpperCase() !== 'MODSEQ') t.fail('search-sort-mod-seq', '"MODSEQ"', 'search-sort-mod-seq: expected "(MODSEQ n)"');
  t.expectSp('search-sort-mod-seq');
  const modseq = readModSequence(t, false);
  t.expect(0x29, 'search-sort-mod-seq');
  return modseq;
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
  let highestModSeq: ImapModSeq | undefined;
  let appendLimit: number | null | undefined;
  for (let first = true; !t.takeClose('mailbox-data'); first = false) {
    if (!first) t.expectSp('status-att-list');
    const at = t.offset;
    const name = t.readKeyword().toUpperCase();
    if (name === '') t.fail('status-att', 'status-att (MESSAGES / RECENT / UIDNEXT / UIDVALIDITY / UNSEEN)', 'status-att: expected an attribute name');
    if (name === 'HIGHESTMODSEQ') {
      // RFC 7162 §7: status-att-val =/ "HIGHESTMODSEQ" SP mod-sequence-valzer
      t.expectSp(IMAP_PROSE_RULES.rfc7162StatusAtt);
      highestModSeq = readModSequence(t, true);
      continue;
    }
    if (name === 'APPENDLIMIT') {
      appendLimit = readAppendLimit(t);
      continue;
    }
    if (!STATUS_ATTS.has(name)) {
      t.report(grammarRule('status-att'), `status-att: ${name} is not defined by RFC 3501, RFC 7162 or RFC 7889`, 'MESSAGES / RECENT / UIDNEXT / UIDVALIDITY / UNSEEN', at, Buffer.from(name, 'latin1'));
    }
    t.expectSp('status-att-list');
    attributes.push({ name, value: t.readNumber('number', 'status-att-list') });
  }
  return { kind: 'untagged', type: 'status', mailbox, attributes, highestModSeq, appendLimit };
}

/** RFC 7889: status-att-val =/ "APPENDLIMIT" SP (number / nil), after the name; NIL is null. */
function readAppendLimit(t: ImapTokenizer): number | null {
  t.expectSp('status-att-val.appendlimit');
  if (t.peekNil()) {
    t.advance(3);
    return null;
  }
  if (!isDigit(t.peek())) t.fail('status-att-val.appendlimit', 'number / nil', 'APPENDLIMIT: expected a number or NIL');
  return t.readNumber('number', 'status-att-val.appendlimit');
}
