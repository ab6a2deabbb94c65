import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse, type TestSuites } from 'junit2json';
import { renderJunit } from '../../../src/report/junit-writer.js';
import { toCdataSafe, toXmlSafe } from '../../../src/report/xml-safe.js';
import { buildCase, buildSampleRun, SAMPLE_INFO } from '../../helpers/sample-run.js';

/** The complement of XML 1.0 Char, as in the spec (§2.2). */
const XML_ILLEGAL = /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\p{Cs}]/u;
const EVIDENCE = 'NUL\u0000 ESC\u001b[31m FFFE\uFFFE FFFF\uFFFF lone\uD800 low\uDC00 emoji😀 tab\t';

describe('toXmlSafe', () => {
  it('replaces each character XML 1.0 forbids with a visible escape', () => {
    assert.equal(
      toXmlSafe(EVIDENCE),
      'NUL\\x00 ESC\\x1B[31m FFFE\\uFFFE FFFF\\uFFFF lone\\uD800 low\\uDC00 emoji😀 tab\t',
    );
  });

  it('keeps every legal character, surrogate pairs included', () => {
    const legal = 'a\t\n\r \u007f\u0085\ud7ff\ue000\ufffd\u{10000}\u{10ffff} é日本';
    assert.equal(toXmlSafe(legal), legal);
  });

  it('breaks every "]]>" in CDATA content, not only the first', () => {
    assert.equal(toCdataSafe('a]]>b]]>c]]]>'), 'a]]\\x3Eb]]\\x3Ec]]]\\x3E');
  });
});

describe('renderJunit with illegal characters', () => {
  const run = {
    ...buildSampleRun(),
    info: { ...SAMPLE_INFO, target: `host${EVIDENCE}`, properties: { [`key${EVIDENCE}`]: EVIDENCE } },
  };
  const evil = buildCase({
    id: `smtp.evil${EVIDENCE}`,
    suite: `smtp/evil${EVIDENCE}`,
    summary: EVIDENCE,
    verdict: 'fail',
    reason: EVIDENCE,
    failures: [{ message: EVIDENCE, level: 'MUST', expected: EVIDENCE, received: `${EVIDENCE} ]]> twice ]]>` }],
    transcript: [{ session: '1', dir: 'S', text: `${EVIDENCE} ]]> ]]>`, atMs: 0 }],
  });
  const xml = renderJunit({ ...run, cases: [...run.cases, evil] });

  it('never lets an illegal character reach the XML', () => {
    assert.doesNotMatch(xml, XML_ILLEGAL);
  });

  it('keeps the evidence visible in names, messages, bodies, properties and system-out', async () => {
    for (const escaped of ['\\x00', '\\x1B[31m', '\\uFFFE', '\\uFFFF', '\\uD800', '\\uDC00']) {
      assert.ok(xml.split(escaped).length > 6, `${escaped} appears in every field`);
    }
    const parsed = (await parse(xml)) as TestSuites;
    const suite = parsed.testsuite?.find((s) => s.name?.startsWith('smtp/evil'));
    const testCase = suite?.testcase?.[0];
    assert.match(testCase?.['system-out']?.join('') ?? '', /^S: NUL\\x00 ESC\\x1B\[31m .* \]\]\\x3E \]\]\\x3E$/);
  });

  it('closes every CDATA section exactly once', () => {
    assert.equal(xml.split('<![CDATA[').length, xml.split(']]>').length);
  });
});
