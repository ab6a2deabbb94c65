import { createHash } from 'node:crypto';
import { isAlpha, isAstringChar, isDigit } from './formal-syntax.js';
import { grammarRule } from './imap-rule.js';
import type { ImapContent, ImapFetchAttribute, ImapSection } from './imap-response.js';
import { parseBody } from './parse-body-structure.js';
import { parseDateTime } from './date-time.js';
import { parseEnvelope } from './parse-envelope.js';
import { parseFlagList } from './parse-flags.js';
import { parseFetchModSeq } from './parse-mod-sequence.js';
import { readGenericValue } from './read-generic-value.js';
import type { ImapTokenizer } from './tokenize.js';

/**
 * `msg-att = "(" (msg-att-dynamic / msg-att-static) *(SP (msg-att-dynamic / msg-att-static)) ")"`.
 * Attributes go into `into` as they are read, so a parse that stops half-way keeps the ones before.
 */
export function parseMsgAtt(t: ImapTokenizer, into: ImapFetchAttribute[]): void {
  t.expect(0x28, 'msg-att');
  if (t.take(0x29)) {
    t.report(grammarRule('msg-att'), 'msg-att: empty list "()"', 'at least one data item', t.offset - 1);
    return;
  }
  do {
    if (into.length > 0) t.expectSp('msg-att');
    into.push(parseAttribute(t));
  } while (!t.takeClose('msg-att'));
}

function parseAttribute(t: ImapTokenizer): ImapFetchAttribute {
  const at = t.offset;
  const item = t.readKeyword();
  if (item === '') t.fail('msg-att', 'a data item name', 'msg-att: expected a data item (FLAGS, ENVELOPE, BODY[…], UID, …)');
  const name = item.toUpperCase();
  if (name === 'BODY' && t.peek() === 0x5b) return parseBodySection(t);
  t.expectSp(name === 'FLAGS' ? 'msg-att-dynamic' : name === 'MODSEQ' ? 'fetch-mod-resp' : 'msg-att-static');
  switch (name) {
    case 'FLAGS':
      // msg-att-dynamic = "FLAGS" SP "(" [flag-fetch *(SP flag-fetch)] ")"
      return { name, flags: parseFlagList(t, 'flag-fetch') };
    case 'ENVELOPE':
      return { name, envelope: parseEnvelope(t) };
    case 'INTERNALDATE':
      return { name, ...parseDateTime(t) };
    case 'RFC822':
    case 'RFC822.HEADER':
    case 'RFC822.TEXT':
      return { name, content: readContent(t) };
    case 'RFC822.SIZE':
      return { name, size: t.readNumber('number', 'msg-att-static') };
    case 'BODY':
    case 'BODYSTRUCTURE':
      return { name, structure: parseBody(t, name === 'BODYSTRUCTURE') };
    case 'UID':
      // "UID" SP uniqueid; uniqueid = nz-number
      return { name, uid: t.readNumber('nz-number', 'uniqueid') };
    case 'MODSEQ':
      // RFC 7162 §7: msg-att-dynamic =/ fetch-mod-resp
      return { name, modseq: parseFetchModSeq(t) };
  }
  t.report(grammarRule('msg-att'), `msg-att: data item ${item} is not defined by RFC 3501 or RFC 7162`, 'msg-att-dynamic / msg-att-static', at, Buffer.from(item, 'latin1'));
  return { name: 'unknown', item, value: readGenericValue(t, 'msg-att') };
}

/** `"BODY" section ["<" number ">"] SP nstring` — the cursor on "[". */
function parseBodySection(t: ImapTokenizer): ImapFetchAttribute {
  const section = parseSection(t);
  let origin: number | undefined;
  if (t.take(0x3c)) {
    origin = t.readNumber('number', 'msg-att-static');
    t.expect(0x3e, 'msg-att-static');
  }
  t.expectSp('msg-att-static');
  return { name: 'BODY[]', section, origin, content: readContent(t) };
}

/**
 * section = "[" [section-spec] "]"
 * section-spec = section-msgtext / (section-part ["." section-text])
 * section-msgtext = "HEADER" / "HEADER.FIELDS" [".NOT"] SP header-list / "TEXT"
 * section-text = section-msgtext / "MIME"
 */
export function parseSection(t: ImapTokenizer): ImapSection {
  t.expect(0x5b, 'section');
  const part: number[] = [];
  if (t.take(0x5d)) return { part, text: undefined, fields: undefined };
  let dot = false;
  while (isDigit(t.peek())) {
    part.push(t.readNumber('nz-number', 'section-spec'));
    dot = t.take(0x2e);
    if (!dot) break;
  }
  let text: ImapSection['text'];
  let fields: string[] | undefined;
  if (part.length === 0 || dot) {
    const keywordAt = t.offset;
    const keyword = t.readWhile((b) => isAlpha(b) || b === 0x2e).toString('latin1').toUpperCase();
    if (keyword === 'HEADER' || keyword === 'TEXT' || (keyword === 'MIME' && part.length > 0)) {
      text = keyword;
    } else if (keyword === 'HEADER.FIELDS' || keyword === 'HEADER.FIELDS.NOT') {
      text = keyword;
      t.expectSp('section-spec');
      fields = parseHeaderList(t);
    } else {
      const expected = part.length > 0 ? 'section-text (HEADER / HEADER.FIELDS[.NOT] / TEXT / MIME)' : 'section-spec';
      t.report(grammarRule('section-spec'), `section-spec: ${keyword === '' ? 'nothing' : keyword} where a section name belongs`, expected, keywordAt, keyword === '' ? t.receivedHere() : Buffer.from(keyword, 'latin1'));
      if (!t.skipPast(0x5d)) t.fail('section', '"]"', 'section: not closed by "]"');
      return { part, text: undefined, fields: undefined };
    }
  }
  t.expect(0x5d, 'section');
  return { part, text, fields };
}

/** header-list = "(" header-fld-name *(SP header-fld-name) ")"; header-fld-name = astring */
function parseHeaderList(t: ImapTokenizer): string[] {
  t.expect(0x28, 'header-list');
  const names: string[] = [];
  do {
    if (names.length > 0) t.expectSp('header-list');
    names.push(t.readAstring('header-list', isAstringChar).bytes.toString('latin1'));
  } while (!t.takeClose('header-list'));
  return names;
}

/** An nstring holding message content: all octets, or past the threshold a digest (limits.ts). */
function readContent(t: ImapTokenizer): ImapContent | null {
  const token = t.readNstring('nstring');
  if (token === null) return null;
  const { largeLiteralThreshold, largeLiteralPrefix } = t.limits;
  if (token.bytes.length <= largeLiteralThreshold) return { kind: 'bytes', bytes: token.bytes };
  return {
    kind: 'digest',
    length: token.bytes.length,
    sha256: createHash('sha256').update(token.bytes).digest('hex'),
    prefix: token.bytes.subarray(0, largeLiteralPrefix),
  };
}
