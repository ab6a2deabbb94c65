import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { located, parseWire } from './parse-wire.js';

describe('parseResponse: CONDSTORE items (RFC 7162 §7)', () => {
  it('reads FETCH MODSEQ (fetch-mod-resp), up to 2^63-1, as exact digits', () => {
    const fetch = parseWire('* 7 FETCH (UID 7 FLAGS (\\Seen) MODSEQ (12121231000))\r\n');
    assert.deepEqual(fetch.violations, []);
    assert.ok(fetch.response.kind === 'untagged' && fetch.response.type === 'fetch');
    assert.deepEqual(fetch.response.attributes.at(-1), { name: 'MODSEQ', modseq: '12121231000' });
    const max = parseWire('* 1 FETCH (MODSEQ (9223372036854775807))\r\n');
    assert.ok(max.response.kind === 'untagged' && max.response.type === 'fetch');
    assert.deepEqual(max.response.attributes, [{ name: 'MODSEQ', modseq: '9223372036854775807' }]);
  });

  it('reports MODSEQ without parens, MODSEQ 0, and a value past 63 bits', () => {
    assert.deepEqual(located(parseWire('* 1 FETCH (MODSEQ 5)\r\n').violations), [['fetch-mod-resp', '7', 18]]);
    assert.deepEqual(located(parseWire('* 1 FETCH (MODSEQ (0))\r\n').violations), [['mod-sequence-value', '7', 19]]);
    assert.deepEqual(located(parseWire('* 1 FETCH (MODSEQ (9223372036854775808))\r\n').violations), [['mod-sequence-value', '7', 19]]);
  });

  it('reads STATUS HIGHESTMODSEQ (0 allowed: mod-sequence-valzer) and APPENDLIMIT (number / NIL, RFC 7889)', () => {
    assert.deepEqual(parseWire('* STATUS INBOX (MESSAGES 2 HIGHESTMODSEQ 7011231777 APPENDLIMIT 257890)\r\n').response, {
      kind: 'untagged', type: 'status', mailbox: { raw: 'INBOX', name: 'INBOX' },
      attributes: [{ name: 'MESSAGES', value: 2 }], highestModSeq: '7011231777', appendLimit: 257890,
    });
    const nil = parseWire('* STATUS x (APPENDLIMIT NIL HIGHESTMODSEQ 0)\r\n');
    assert.deepEqual(nil.violations, []);
    assert.ok(nil.response.kind === 'untagged' && nil.response.type === 'status');
    assert.equal(nil.response.appendLimit, null);
    assert.equal(nil.response.highestModSeq, '0');
  });

  it('reports a STATUS HIGHESTMODSEQ or APPENDLIMIT without a valid value', () => {
    assert.deepEqual(located(parseWire('* STATUS x (HIGHESTMODSEQ)\r\n').violations), [['status-att-val', '7', 25], ['mod-sequence-valzer', '7', 25]]);
    assert.deepEqual(located(parseWire('* STATUS x (APPENDLIMIT none)\r\n').violations), [['status-att-val.appendlimit', '5', 24]]);
    assert.deepEqual(located(parseWire('* STATUS x (APPENDLIMIT 4294967296)\r\n').violations), [['number', '9', 24]]);
  });

  it('reads SEARCH with (MODSEQ n) after the numbers, and reports it without a number', () => {
    assert.deepEqual(parseWire('* SEARCH 2 5 6 7 11 12 18 19 20 23 (MODSEQ 917162500)\r\n').response, {
      kind: 'untagged', type: 'search', numbers: [2, 5, 6, 7, 11, 12, 18, 19, 20, 23], modseq: '917162500',
    });
    assert.deepEqual(located(parseWire('* SEARCH (MODSEQ 5)\r\n').violations), [['mailbox-data', '7', 9]]);
    assert.deepEqual(located(parseWire('* SEARCH 1 (MODSEQ)\r\n').violations), [['search-sort-mod-seq', '7', 18], ['mod-sequence-value', '7', 18]]);
    assert.deepEqual(located(parseWire('* SEARCH 1 (MODSEQ 5) 2\r\n').violations), [['response-data', '9', 21]]);
  });
});

describe('parseResponse: extension response codes (RFC 4315, RFC 6154, RFC 7162)', () => {
  const codeOf = (wire: string): unknown => {
    const r = parseWire(wire).response;
    return r.kind === 'tagged' || r.kind === 'untagged' ? ('code' in r ? r.code : undefined) : undefined;
  };

  it('checks APPENDUID and COPYUID and keeps them as `other` with their text', () => {
    assert.deepEqual(codeOf('a1 OK [APPENDUID 38505 3955] done\r\n'), { kind: 'other', name: 'APPENDUID', text: '38505 3955' });
    assert.deepEqual(codeOf('a1 OK [COPYUID 38505 304,319:320 3956:3958] done\r\n'), { kind: 'other', name: 'COPYUID', text: '38505 304,319:320 3956:3958' });
    assert.deepEqual(parseWire('a1 OK [APPENDUID 1 3955:3957] MULTIAPPEND\r\n').violations, []);
    assert.deepEqual(located(parseWire('a1 OK [APPENDUID 38505] done\r\n').violations), [['resp-code-apnd', '4', 22], ['uid-set', '4', 22]]);
    assert.deepEqual(located(parseWire('a1 OK [COPYUID 0 1 2] done\r\n').violations), [['nz-number', '9', 15]]);
    assert.deepEqual(located(parseWire('a1 OK [COPYUID 9 1:* 2] done\r\n').violations), [['uid-set', '4', 19]]);
    assert.deepEqual(located(parseWire('a1 OK [COPYUID 9 1 2 3] done\r\n').violations), [['resp-code-copy', '4', 20]]);
  });

  it('checks HIGHESTMODSEQ, MODIFIED, and the bare NOMODSEQ, CLOSED, UIDNOTSTICKY, USEATTR', () => {
    assert.deepEqual(codeOf('* OK [HIGHESTMODSEQ 715194045007] Highest\r\n'), { kind: 'other', name: 'HIGHESTMODSEQ', text: '715194045007' });
    assert.deepEqual(parseWire('d105 OK [MODIFIED 7,9] Conditional STORE failed\r\n').violations, []);
    for (const bare of ['NOMODSEQ', 'CLOSED', 'UIDNOTSTICKY', 'USEATTR']) assert.deepEqual(parseWire(`* OK [${bare}] x\r\n`).violations, [], bare);
    assert.deepEqual(located(parseWire('* OK [HIGHESTMODSEQ 0] x\r\n').violations), [['mod-sequence-value', '7', 20]]);
    assert.deepEqual(located(parseWire('* OK [HIGHESTMODSEQ] x\r\n').violations), [['resp-text-code', '7', 19], ['mod-sequence-value', '7', 19]]);
    assert.deepEqual(located(parseWire('d1 OK [MODIFIED] x\r\n').violations), [['resp-text-code', '7', 15], ['sequence-set', '9', 15]]);
    assert.deepEqual(located(parseWire('* OK [NOMODSEQ 5] x\r\n').violations), [['resp-text-code', '7', 14]]);
    assert.deepEqual(located(parseWire('a1 NO [UIDNOTSTICKY x] x\r\n').violations), [['resp-text-code', '4', 19]]);
    assert.deepEqual(located(parseWire('a1 NO [USEATTR \\All] x\r\n').violations), [['resp-text-code', '6', 14]]);
  });

  it('after a malformed extension code still reads the text after its "]"', () => {
    const r = parseWire('a1 OK [APPENDUID x 1] Append completed\r\n');
    assert.ok(r.response.kind === 'tagged');
    assert.equal(r.response.text, 'Append completed');
    assert.deepEqual(r.response.code, { kind: 'other', name: 'APPENDUID', text: 'x 1' });
  });
});

describe('parseResponse: APPENDLIMIT capability (RFC 7889)', () => {
  it('allows APPENDLIMIT and APPENDLIMIT=n, and reports APPENDLIMIT= without a 32-bit number', () => {
    assert.deepEqual(parseWire('* CAPABILITY IMAP4rev1 APPENDLIMIT=35651584\r\n').violations, []);
    assert.deepEqual(parseWire('* OK [CAPABILITY IMAP4rev1 APPENDLIMIT] ready\r\n').violations, []);
    assert.deepEqual(located(parseWire('* CAPABILITY IMAP4rev1 APPENDLIMIT=\r\n').violations), [['capability.appendlimit', '5', 23]]);
    assert.deepEqual(located(parseWire('* CAPABILITY IMAP4rev1 APPENDLIMIT=4294967296\r\n').violations), [['capability.appendlimit', '5', 23]]);
    assert.deepEqual(located(parseWire('* CAPABILITY IMAP4rev1 appendlimit=1k\r\n').violations), [['capability.appendlimit', '5', 23]]);
  });
});
