import { IMAP_PROSE_RULES } from './imap-rule.js';
import type { ImapIdResponse } from './imap-response.js';
import type { ImapTokenizer } from './tokenize.js';

/** RFC 2971 §3.3 limits. */
const MAX_FIELD_OCTETS = 30;
const MAX_VALUE_OCTETS = 1024;
const MAX_PAIRS = 30;

/**
 * RFC 2971 §4 `id_response ::= "ID" SPACE id_params_list`, after "ID";
 * `id_params_list ::= "(" #(string SPACE nstring) ")" / nil`. The "#" list is read as the examples
 * write it, pairs separated by SP (`("name" "Cyrus" "version" "1.5")`); an empty "()" is what #
 * allows. §3.3's limits are checked: field ≤ 30 octets, value ≤ 1024, ≤ 30 pairs, no field twice.
 */
export function parseId(t: ImapTokenizer): ImapIdResponse {
  t.expectSp('id_response');
  if (t.peekNil()) {
    t.advance(3);
    return { kind: 'untagged', type: 'id', params: null };
  }
  t.expect(0x28, 'id_params_list');
  const params: Array<readonly [string, string | null]> = [];
  const seen = new Set<string>();
  while (!t.takeClose('id_params_list')) {
    if (params.length > 0) t.expectSp('id_params_list');
    const field = t.readString('id_params_list');
    t.expectSp('id_params_list');
    const value = t.readNstring('id_params_list');
    const name = field.bytes.toString('latin1');
    if (field.bytes.length > MAX_FIELD_OCTETS) {
      t.report(IMAP_PROSE_RULES.idFieldLength, `ID field of ${field.bytes.length} octets`, `at most ${MAX_FIELD_OCTETS} octets`, field.offset, field.bytes);
    }
    if (value !== null && value.bytes.length > MAX_VALUE_OCTETS) {
      t.report(IMAP_PROSE_RULES.idValueLength, `ID value of ${value.bytes.length} octets (field ${name})`, `at most ${MAX_VALUE_OCTETS} octets`, value.offset, value.bytes);
    }
    // "Strings are not case-sensitive."
    if (seen.has(name.toLowerCase())) t.report(IMAP_PROSE_RULES.idDuplicateField, `ID field ${name} sent more than once`, 'each field name once', field.offset, field.bytes);
    seen.add(name.toLowerCase());
    params.push([name, value === null ? null : value.bytes.toString('latin1')]);
    if (params.length === MAX_PAIRS + 1) t.report(IMAP_PROSE_RULES.idPairs, `more than ${MAX_PAIRS} ID field-value pairs`, `at most ${MAX_PAIRS} pairs`, field.offset, field.bytes);
  }
  return { kind: 'untagged', type: 'id', params };
}
