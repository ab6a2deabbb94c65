import { grammarRule, IMAP_PROSE_RULES } from './imap-rule.js';
import type { ImapNamespaceDescr, ImapNamespaceResponse } from './imap-response.js';
import { readDelimiter } from './parse-mailbox-data.js';
import type { ImapTokenizer } from './tokenize.js';

/** Namespace_Response_Extension names on the standards track: RFC 5255 §3.4 TRANSLATION. */
const STANDARD_EXTENSIONS = new Set(['TRANSLATION']);

/**
 * RFC 2342 §6 `Namespace_Response = "*" SP "NAMESPACE" SP Namespace SP Namespace SP Namespace`, after
 * "NAMESPACE": personal, other users', shared.
 */
export function parseNamespaceResponse(t: ImapTokenizer): ImapNamespaceResponse {
  t.expectSp('Namespace_Response');
  const personal = parseNamespace(t);
  t.expectSp('Namespace_Response');
  const otherUsers = parseNamespace(t);
  t.expectSp('Namespace_Response');
  const shared = parseNamespace(t);
  return { kind: 'untagged', type: 'namespace', personal, otherUsers, shared };
}

/**
 * `Namespace = nil / "(" 1*( "(" string SP (<"> QUOTED_CHAR <"> / nil) *(Namespace_Response_Extension) ")" ) ")"`.
 * The descriptions follow each other with no SP between them (`(("" "/")("#ftp/" "/"))`).
 */
function parseNamespace(t: ImapTokenizer): ImapNamespaceDescr[] | null {
  if (t.peekNil()) {
    t.advance(3);
    return null;
  }
  t.expect(0x28, 'Namespace');
  const descriptions: ImapNamespaceDescr[] = [];
  do {
    if (descriptions.length > 0 && t.peek() === 0x20) {
      t.report(grammarRule('Namespace'), 'Namespace: SP between namespace descriptions', '")(" with nothing between', t.offset, Buffer.from(' '));
      t.advance();
    }
    descriptions.push(parseDescription(t));
  } while (!t.takeClose('Namespace'));
  return descriptions;
}

function parseDescription(t: ImapTokenizer): ImapNamespaceDescr {
  t.enter();
  t.expect(0x28, 'Namespace');
  const prefix = t.readString('Namespace').bytes.toString('latin1');
  t.expectSp('Namespace');
  const delimiter = readDelimiter(t, 'Namespace');
  const extensions: Array<{ name: string; values: string[] }> = [];
  while (!t.takeClose('Namespace')) {
    extensions.push(parseExtension(t));
  }
  t.leave();
  return { prefix, delimiter, extensions };
}

/** `Namespace_Response_Extension = SP string SP "(" string *(SP string) ")"` */
function parseExtension(t: ImapTokenizer): { name: string; values: string[] } {
  t.expectSp('Namespace_Response_Extension');
  const token = t.readString('Namespace_Response_Extension');
  const name = token.bytes.toString('latin1');
  if (!name.toUpperCase().startsWith('X-') && !STANDARD_EXTENSIONS.has(name.toUpperCase())) {
    t.report(IMAP_PROSE_RULES.namespaceExtensionX, `namespace response extension ${name} is neither standards-track nor "X-" prefixed`, '"X-" prefix', token.offset, token.bytes);
  }
  t.expectSp('Namespace_Response_Extension');
  t.expect(0x28, 'Namespace_Response_Extension');
  const values: string[] = [];
  do {
    if (values.length > 0) t.expectSp('Namespace_Response_Extension');
    values.push(t.readString('Namespace_Response_Extension').bytes.toString('latin1'));
  } while (!t.takeClose('Namespace_Response_Extension'));
  return { name, values };
}
