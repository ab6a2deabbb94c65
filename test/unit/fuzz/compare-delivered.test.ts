import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareDelivered, firstDifferingOctet, headerFields, withoutLeadingTrace } from '../../../src/fuzz/delivery/compare-delivered.js';

const lines = (...text: string[]): Buffer[] => text.map((t) => Buffer.from(t, 'latin1'));
const SENT = { headers: lines('X-Mailconform-Seed: t1', 'From: <a@example.test>', 'Subject: s'), body: lines('.', '..x', '', 'last ') };
/** What Postfix's local(8) and smtpd put on top of a Maildir delivery. */
const TRACE = lines('Return-Path: <a@example.test>', 'X-Original-To: alice@example.test', 'Delivered-To: alice@example.test', 'Received: from client (unknown [127.0.0.1])', '\tby mail.example.test (Postfix) with ESMTP id 1', '\tfor <alice@example.test>; Sun, 1 Jan 2026 00:00:00 +0000');
const delivered = (headers: Buffer[], body: Buffer[]): Buffer[] => [...headers, Buffer.alloc(0), ...body];

test('a delivery with trace fields on top and the body unchanged passes', () => {
  assert.equal(compareDelivered(SENT, delivered([...TRACE, ...SENT.headers], SENT.body)), undefined);
  assert.equal(compareDelivered(SENT, delivered([...SENT.headers], SENT.body)), undefined, 'no trace fields at all');
});

test('fields the server adds after the trace block are tolerated; every field sent must be there, in order, unchanged', () => {
  const added = lines('X-Spam-Score: 0');
  assert.equal(compareDelivered(SENT, delivered([...TRACE, ...SENT.headers.slice(0, 2), ...added, ...SENT.headers.slice(2)], SENT.body)), undefined);
  const changed = compareDelivered(SENT, delivered([...TRACE, ...SENT.headers.slice(0, 2), ...lines('Subject:  s')], SENT.body));
  assert.equal(changed?.rule.rule, 'delivery.header-unchanged');
  assert.equal(changed?.expected, 'Subject: s');
  assert.equal(changed?.received, 'Subject:  s');
  const missing = compareDelivered(SENT, delivered([...TRACE, ...SENT.headers.slice(1)], SENT.body));
  assert.equal(missing?.received, 'no x-mailconform-seed field');
  const reordered = compareDelivered(SENT, delivered([...TRACE, SENT.headers[1]!, SENT.headers[0]!, SENT.headers[2]!], SENT.body));
  assert.equal(reordered?.rule.rule, 'delivery.header-unchanged');
});

test('a sent field folded on the way counts as changed; a trace field below the sent ones is not skipped', () => {
  const folded = compareDelivered(SENT, delivered([...SENT.headers.slice(0, 2), ...lines('Subject:', ' s')], SENT.body));
  assert.equal(folded?.received, 'Subject:\\r\\n s');
  assert.equal(compareDelivered(SENT, delivered([...SENT.headers, ...lines('Received: late')], SENT.body)), undefined, 'an extra field is tolerated');
  assert.deepEqual(withoutLeadingTrace(headerFields([...TRACE, ...SENT.headers])).map((f) => f.length), [1, 1, 1]);
  assert.equal(headerFields(TRACE).length, 4, 'Received and its two continuation lines are one field');
});

test('a body changed at a dot-line: the line, the first differing octet, and the §4.5.2 sentence', () => {
  const breach = compareDelivered(SENT, delivered(SENT.headers, lines('.', '...x', '', 'last ')));
  assert.equal(breach?.rule.rule, 'delivery.body-unchanged');
  assert.deepEqual(breach?.rule.ref, { rfc: 5321, section: '4.5.2' });
  assert.equal(breach?.rule.level, 'MUST');
  assert.match(breach?.message ?? '', /^the body arrived changed: line 2 differs first at octet 3 \(4 lines sent, 4 delivered\)/);
  assert.match(breach?.message ?? '', /"If the first character is a period and there are other characters on the line, the first character is deleted\."/);
  assert.equal(breach?.expected, '..x');
  assert.equal(breach?.received, '...x');
});

test('lost trailing whitespace, a lost last empty line, 8-bit octets and long lines are shown escaped at the difference', () => {
  assert.equal(compareDelivered(SENT, delivered(SENT.headers, lines('.', '..x', '', 'last')))?.expected, 'last ');
  const lost = compareDelivered({ headers: [], body: lines('a', '') }, delivered([], lines('a')));
  assert.match(lost?.message ?? '', /line 2 differs first at octet 1 \(2 lines sent, 1 delivered\)$/);
  assert.equal(lost?.received, '(no such line)');
  assert.doesNotMatch(lost?.message ?? '', /period/);
  const eightBit = compareDelivered({ headers: [], body: lines('caf\xe9') }, delivered([], lines('cafi')));
  assert.equal(eightBit?.expected, 'caf\\xe9');
  const long = 'x'.repeat(900);
  const tail = compareDelivered({ headers: [], body: lines(`${long}A`) }, delivered([], lines(`${long}B`)));
  assert.match(tail?.expected ?? '', /^…\(880 octets\) x{20}A$/);
  assert.match(tail?.received ?? '', /^…\(880 octets\) x{20}B$/);
});

test('a message without the empty line that ends the header section has no body to compare', () => {
  const breach = compareDelivered(SENT, [...SENT.headers]);
  assert.equal(breach?.rule.rule, 'delivery.body-unchanged');
  assert.match(breach?.message ?? '', /RFC 5322 §2\.1/);
});

test('firstDifferingOctet: the first index that differs, or the shorter length', () => {
  assert.equal(firstDifferingOctet(Buffer.from('abc'), Buffer.from('abd')), 2);
  assert.equal(firstDifferingOctet(Buffer.from('ab'), Buffer.from('abc')), 2);
  assert.equal(firstDifferingOctet(Buffer.from(''), Buffer.from('')), 0);
});
