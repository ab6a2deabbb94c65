import { isAlpha, isDigit } from './formal-syntax.js';
import { grammarRule, IMAP_PROSE_RULES } from './imap-rule.js';
import type { ImapEsearchResponse, ImapSearchReturnData } from './imap-response.js';
import { readModSequence } from './parse-mod-sequence.js';
import { parseNumberSet, SEQUENCE_SET } from './parse-sequence-set.js';
import { readGenericValue } from './read-generic-value.js';
import type { ImapTokenizer } from './tokenize.js';

/**
 * RFC 4466 §3 `esearch-response = "ESEARCH" [search-correlator] [SP "UID"] *(SP search-return-data)`,
 * after "ESEARCH", with RFC 4731's return data (and MODSEQ, RFC 4731 §4 with RFC 7162).
 */
export function parseEsearch(t: ImapTokenizer): ImapEsearchResponse {
  let tag: string | undefined;
  let uid = false;
  const data: ImapSearchReturnData[] = [];
  if (t.peek() === 0x20 && t.peek(1) === 0x28) {
    t.advance();
    tag = readCorrelator(t);
  }
  while (!t.atLineEnd()) {
    t.expectSp('esearch-response');
    const at = t.offset;
    const label = readLabel(t);
    const upper = label.toUpperCase();
    if (upper === 'UID' && !uid && data.length === 0) {
      uid = true;
      continue;
    }
    t.expectSp('search-return-data');
    data.push(readReturnData(t, label, upper, at));
  }
  checkNoMatch(t, data);
  return { kind: 'untagged', type: 'esearch', tag, uid, data };
}

/** search-correlator = SP "(" "TAG" SP tag-string ")", after the SP; tag-string = string */
function readCorrelator(t: ImapTokenizer): string {
  t.expect(0x28, 'search-correlator');
  if (t.readKeyword().toUpperCase() !== 'TAG') t.fail('search-correlator', '"TAG"', 'search-correlator: expected "(TAG" tag-string ")"');
  t.expectSp('search-correlator');
  const tag = t.readString('search-correlator').bytes.toString('latin1');
  t.expect(0x29, 'search-correlator');
  return tag;
}

/** tagged-ext-label = tagged-label-fchar *tagged-label-char; fchar = ALPHA / "-" / "_" / "."; char adds DIGIT / ":" */
function readLabel(t: ImapTokenizer): string {
  const first = t.peek();
  if (!(isAlpha(first) || first === 0x2d || first === 0x5f || first === 0x2e)) {
    t.fail('search-return-data', 'search-modifier-name (tagged-ext-label)', 'search-return-data: expected a return data name');
  }
  return t.readWhile((b) => isAlpha(b) || isDigit(b) || b === 0x2d || b === 0x5f || b === 0x2e || b === 0x3a).toString('latin1');
}

/** search-return-data = "MIN" SP nz-number / "MAX" SP nz-number / "ALL" SP sequence-set / "COUNT" SP number / "MODSEQ" SP mod-sequence-value */
function readReturnData(t: ImapTokenizer, label: string, upper: string, at: number): ImapSearchReturnData {
  switch (upper) {
    case 'MIN':
    case 'MAX':
      return { name: upper, value: t.readNumber('nz-number', 'search-return-data') };
    case 'COUNT':
      return { name: upper, value: t.readNumber('number', 'search-return-data') };
    case 'ALL':
      return { name: upper, set: parseNumberSet(t, SEQUENCE_SET) };
    case 'MODSEQ':
      return { name: upper, modseq: readModSequence(t, false) };
  }
  t.report(grammarRule('search-return-data'), `search-return-data: ${label} is not defined by RFC 4731 or RFC 7162`, 'MIN / MAX / ALL / COUNT / MODSEQ', at, Buffer.from(label, 'latin1'));
  return { name: 'unknown', label, value: readGenericValue(t, 'tagged-ext-val') };
}

/** RFC 4731 §3.1: with no match (COUNT 0), MIN, MAX and ALL "MUST NOT" be included. */
function checkNoMatch(t: ImapTokenizer, data: readonly ImapSearchReturnData[]): void {
  const count = data.find((d) => d.name === 'COUNT');
  if (count?.name !== 'COUNT' || count.value !== 0) return;
  for (const d of data) {
    if (d.name === 'MIN' || d.name === 'MAX' || d.name === 'ALL') {
      t.report(IMAP_PROSE_RULES.esearchNoMatch, `ESEARCH with COUNT 0 includes ${d.name}`, `no ${d.name} when nothing matches`, 0, `COUNT 0 … ${d.name}`);
    }
  }
}
