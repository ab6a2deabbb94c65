import { DQUOTE, SP, isDigit } from './formal-syntax.js';
import { grammarRule, IMAP_PROSE_RULES, type ImapGrammarRuleName } from './imap-rule.js';
import type {
  ImapBodyDisposition, ImapBodyExtension, ImapBodyExtensionTail, ImapBodyFields, ImapBodyMultipart, ImapBodyParams, ImapBodyStructure,
} from './imap-response.js';
import { parseEnvelope, readNstringText, readStringText } from './parse-envelope.js';
import type { ImapTokenizer } from './tokenize.js';

/**
 * `body = "(" (body-type-1part / body-type-mpart) ")"`. `extensible` is false for the BODY data
 * item, which "MUST NOT" carry extension data (§7.4.2, and the comments on body-ext-1part and
 * body-ext-mpart); extension data there is reported and read.
 */
export function parseBody(t: ImapTokenizer, extensible: boolean): ImapBodyStructure {
  t.enter();
  t.expect(0x28, 'body');
  const body = t.peek() === 0x28 ? parseMultipart(t, extensible) : parseSinglePart(t, extensible);
  if (!t.take(0x29)) t.fail('body', '")" closing the body', 'body: extra field, or ")" missing');
  t.leave();
  return body;
}

/** body-type-mpart = 1*body SP media-subtype [SP body-ext-mpart] */
function parseMultipart(t: ImapTokenizer, extensible: boolean): ImapBodyMultipart {
  const parts: ImapBodyStructure[] = [];
  while (t.peek() === 0x28) {
    parts.push(parseBody(t, extensible));
    if (t.peek() === SP && t.peek(1) === 0x28) {
      // 1*body: the nested bodies follow each other with nothing between them.
      t.report(grammarRule('body-type-mpart'), 'body-type-mpart: SP between nested bodies', '1*body (no separator)');
      t.advance();
    }
  }
  requireSp(t, 'body-type-mpart', 'media-subtype');
  const subtype = readStringText(t, 'media-subtype');
  if (t.peek() !== SP) return { kind: 'multipart', parts, subtype, extension: undefined };
  reportExtensionData(t, extensible, 'body-ext-mpart');
  t.advance();
  const params = parseParams(t);
  return { kind: 'multipart', parts, subtype, extension: { params, ...parseExtensionTail(t) } };
}

/** body-type-1part = (body-type-basic / body-type-msg / body-type-text) [SP body-ext-1part] */
function parseSinglePart(t: ImapTokenizer, extensible: boolean): ImapBodyStructure {
  const type = readStringText(t, 'body-type-1part');
  requireSp(t, 'body-type-1part', 'media-subtype');
  const subtype = readStringText(t, 'media-subtype');
  requireSp(t, 'body-type-1part', 'body-fields');
  const fields = parseBodyFields(t);
  const upper = type.toUpperCase();
  // media-text = DQUOTE "TEXT" DQUOTE …; media-message = DQUOTE "MESSAGE" DQUOTE SP DQUOTE "RFC822" DQUOTE
  let shape: { kind: 'basic' } | { kind: 'text'; lines: number } | { kind: 'message'; envelope: ReturnType<typeof parseEnvelope>; body: ImapBodyStructure; lines: number };
  if (upper === 'TEXT') {
    requireSp(t, 'body-type-text', 'body-fld-lines');
    shape = { kind: 'text', lines: t.readNumber('number', 'body-fld-lines') };
  } else if (upper === 'MESSAGE' && subtype.toUpperCase() === 'RFC822') {
    requireSp(t, 'body-type-msg', 'envelope');
    const envelope = parseEnvelope(t);
    requireSp(t, 'body-type-msg', 'body');
    const body = parseBody(t, extensible);
    requireSp(t, 'body-type-msg', 'body-fld-lines');
    shape = { kind: 'message', envelope, body, lines: t.readNumber('number', 'body-fld-lines') };
  } else {
    shape = { kind: 'basic' };
  }
  let extension;
  if (t.peek() === SP) {
    reportExtensionData(t, extensible, 'body-ext-1part');
    t.advance();
    const md5 = readNstringText(t, 'body-ext-1part');
    extension = { md5, ...parseExtensionTail(t) };
  }
  return { ...shape, type, subtype, fields, extension };
}

/** body-fields = body-fld-param SP body-fld-id SP body-fld-desc SP body-fld-enc SP body-fld-octets */
function parseBodyFields(t: ImapTokenizer): ImapBodyFields {
  const params = parseParams(t);
  requireSp(t, 'body-fields', 'body-fld-id');
  const id = readNstringText(t, 'body-fields');
  requireSp(t, 'body-fields', 'body-fld-desc');
  const description = readNstringText(t, 'body-fields');
  requireSp(t, 'body-fields', 'body-fld-enc');
  const encoding = readStringText(t, 'body-fld-enc');
  requireSp(t, 'body-fields', 'body-fld-octets');
  const octets = t.readNumber('number', 'body-fld-octets');
  return { params, id, description, encoding, octets };
}

/** body-fld-param = "(" string SP string *(SP string SP string) ")" / nil */
function parseParams(t: ImapTokenizer): ImapBodyParams {
  if (t.peekNil()) {
    t.advance(3);
    return null;
  }
  t.expect(0x28, 'body-fld-param');
  const params: Array<readonly [string, string]> = [];
  if (t.peek() === 0x29) t.report(grammarRule('body-fld-param'), 'body-fld-param: empty list "()" (NIL is the empty form)', 'string SP string');
  while (!t.takeClose('body-fld-param')) {
    if (params.length > 0) t.expectSp('body-fld-param');
    const name = readStringText(t, 'body-fld-param');
    requireSp(t, 'body-fld-param', 'the value of the attribute');
    params.push([name, readStringText(t, 'body-fld-param')]);
  }
  return params;
}

/** `[SP body-fld-dsp [SP body-fld-lang [SP body-fld-loc *(SP body-extension)]]]`, the cursor before the SP. */
function parseExtensionTail(t: ImapTokenizer): ImapBodyExtensionTail {
  if (!t.take(SP)) return {};
  const disposition = parseDisposition(t);
  if (!t.take(SP)) return { disposition };
  const language = parseLanguage(t);
  if (!t.take(SP)) return { disposition, language };
  const location = readNstringText(t, 'body-ext-1part');
  const extensions: ImapBodyExtension[] = [];
  while (t.take(SP)) {
    // body-extension: "Server implementations MUST NOT generate body-extension fields except as
    // defined by future standard or standards-track revisions of this specification."
    if (extensions.length === 0) t.report(grammarRule('body-extension'), 'body-extension after body-fld-loc (no standard defines one)', '")"');
    extensions.push(parseBodyExtension(t));
  }
  return extensions.length > 0 ? { disposition, language, location, extensions } : { disposition, language, location };
}

/** body-fld-dsp = "(" string SP body-fld-param ")" / nil */
function parseDisposition(t: ImapTokenizer): ImapBodyDisposition {
  if (t.peekNil()) {
    t.advance(3);
    return null;
  }
  t.expect(0x28, 'body-fld-dsp');
  const type = readStringText(t, 'body-fld-dsp');
  requireSp(t, 'body-fld-dsp', 'body-fld-param');
  const params = parseParams(t);
  t.expect(0x29, 'body-fld-dsp');
  return { type, params };
}

/** body-fld-lang = nstring / "(" string *(SP string) ")" */
function parseLanguage(t: ImapTokenizer): string | null | string[] {
  if (t.peek() !== 0x28) return readNstringText(t, 'body-fld-lang');
  t.advance();
  const tags: string[] = [];
  do {
    if (tags.length > 0) t.expectSp('body-fld-lang');
    tags.push(readStringText(t, 'body-fld-lang'));
  } while (!t.takeClose('body-fld-lang'));
  return tags;
}

/** body-extension = nstring / number / "(" body-extension *(SP body-extension) ")" */
export function parseBodyExtension(t: ImapTokenizer): ImapBodyExtension {
  if (isDigit(t.peek())) return t.readNumber('number', 'body-extension');
  if (t.peek() === DQUOTE || t.peek() === 0x7b || t.peekNil()) return readNstringText(t, 'body-extension');
  if (t.peek() !== 0x28) t.fail('body-extension', 'nstring / number / "(" body-extension ")"', 'body-extension: not a string, number, NIL or list');
  t.enter();
  t.advance();
  const items: ImapBodyExtension[] = [];
  do {
    if (items.length > 0) t.expectSp('body-extension');
    items.push(parseBodyExtension(t));
  } while (!t.takeClose('body-extension'));
  t.leave();
  return items;
}

/** The SP before a required field; a ")" there means the field is missing (hard). */
function requireSp(t: ImapTokenizer, rule: ImapGrammarRuleName, field: string): void {
  if (t.peek() === 0x29) t.fail(rule, `SP ${field}`, `${rule}: ${field} missing`);
  t.expectSp(rule);
}

/** BODY (non-extensible) with extension data: "Extension data is never returned with the BODY fetch" (§7.4.2). */
function reportExtensionData(t: ImapTokenizer, extensible: boolean, rule: ImapGrammarRuleName): void {
  if (extensible) return;
  t.report(IMAP_PROSE_RULES.bodyNoExtension, `${rule} in a BODY (non-extensible) response`, '")" (no extension data in BODY)');
}
