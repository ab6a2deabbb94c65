import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { located, parseWire } from './parse-wire.js';

describe('parseResponse: ENABLED (RFC 5161 §4 enable-data)', () => {
  it('reads the capabilities enabled, and an ENABLED with none', () => {
    assert.deepEqual(parseWire('* ENABLED CONDSTORE QRESYNC\r\n').response, { kind: 'untagged', type: 'enabled', capabilities: ['CONDSTORE', 'QRESYNC'] });
    const empty = parseWire('* ENABLED\r\n');
    assert.deepEqual(empty.response, { kind: 'untagged', type: 'enabled', capabilities: [] });
    assert.deepEqual(empty.violations, []);
  });

  it('needs no IMAP4rev1 in it, and reports a trailing SP or a non-atom under RFC 5161', () => {
    assert.deepEqual(located(parseWire('* ENABLED \r\n').violations), [['enable-data', '4', 10]]);
    assert.deepEqual(located(parseWire('* ENABLED  CONDSTORE\r\n').violations), [['enable-data', '4', 9]]);
    assert.deepEqual(located(parseWire('* ENABLED "CONDSTORE"\r\n').violations), [['capability', '9', 10]]);
  });
});

describe('parseResponse: ID (RFC 2971 §4 id_response)', () => {
  it('reads NIL and a list of field/value pairs (values may be NIL)', () => {
    assert.deepEqual(parseWire('* ID NIL\r\n').response, { kind: 'untagged', type: 'id', params: null });
    const cyrus = parseWire('* ID ("name" "Cyrus" "version" "1.5" "os" NIL)\r\n');
    assert.deepEqual(cyrus.response, { kind: 'untagged', type: 'id', params: [['name', 'Cyrus'], ['version', '1.5'], ['os', null]] });
    assert.deepEqual(cyrus.violations, []);
    assert.deepEqual(parseWire('* ID ("name" {5}\r\nCyrus)\r\n').violations, []);
  });

  it('reports an atom where a string belongs, an odd pair, and a missing list', () => {
    assert.deepEqual(located(parseWire('* ID (name "Cyrus")\r\n').violations), [['id_params_list', '4', 6]]);
    assert.deepEqual(located(parseWire('* ID ("name")\r\n').violations), [['id_params_list', '4', 12], ['id_params_list', '4', 12]]);
    assert.deepEqual(located(parseWire('* ID\r\n').violations), [['id_response', '4', 4], ['id_params_list', '4', 4]]);
  });

  it('checks §3.3: field ≤ 30 octets, value ≤ 1024 octets, ≤ 30 pairs, no field twice', () => {
    const field = 'f'.repeat(31);
    assert.deepEqual(located(parseWire(`* ID ("${field}" "v")\r\n`).violations), [['id_params_list.field-length', '3.3', 6]]);
    assert.deepEqual(located(parseWire(`* ID ("${'f'.repeat(30)}" "v")\r\n`).violations), []);
    assert.deepEqual(located(parseWire(`* ID ("name" "${'v'.repeat(1025)}")\r\n`).violations), [['id_params_list.value-length', '3.3', 13]]);
    const pairs = (n: number): string => Array.from({ length: n }, (_, i) => `"f${i}" "v"`).join(' ');
    assert.deepEqual(parseWire(`* ID (${pairs(30)})\r\n`).violations, []);
    assert.deepEqual(located(parseWire(`* ID (${pairs(31)})\r\n`).violations).map(([rule, section]) => [rule, section]), [['id_params_list.pairs', '3.3']]);
    assert.deepEqual(located(parseWire('* ID ("name" "a" "NAME" "b")\r\n').violations), [['id_params_list.duplicate-field', '3.3', 17]]);
  });
});

describe('parseResponse: NAMESPACE (RFC 2342 §6)', () => {
  it('reads the RFC\'s examples: NIL parts, several descriptions, an extension', () => {
    assert.deepEqual(parseWire('* NAMESPACE (("" "/")) NIL NIL\r\n').response, {
      kind: 'untagged', type: 'namespace', personal: [{ prefix: '', delimiter: '/', extensions: [] }], otherUsers: null, shared: null,
    });
    const many = parseWire('* NAMESPACE (("" "/")) (("~" "/")) (("#shared/" "/")("#public/" "/")("#ftp/" "/")("#news." "."))\r\n');
    assert.deepEqual(many.violations, []);
    assert.ok(many.response.kind === 'untagged' && many.response.type === 'namespace');
    assert.deepEqual(many.response.shared?.map((d) => d.prefix), ['#shared/', '#public/', '#ftp/', '#news.']);
    const ext = parseWire('* NAMESPACE (("" "/")("#mh/" "/" "X-PARAM" ("FLAG1" "FLAG2"))) NIL NIL\r\n');
    assert.deepEqual(ext.violations, []);
    assert.ok(ext.response.kind === 'untagged' && ext.response.type === 'namespace');
    assert.deepEqual(ext.response.personal?.[1], { prefix: '#mh/', delimiter: '/', extensions: [{ name: 'X-PARAM', values: ['FLAG1', 'FLAG2'] }] });
    assert.deepEqual(parseWire('* NAMESPACE NIL NIL (("" NIL))\r\n').violations, []);
  });

  it('reports fewer than three parts, an empty list, SP between descriptions, an unquoted prefix', () => {
    assert.deepEqual(located(parseWire('* NAMESPACE (("" "/")) NIL\r\n').violations), [['Namespace_Response', '6', 26], ['Namespace', '6', 26]]);
    assert.deepEqual(located(parseWire('* NAMESPACE () NIL NIL\r\n').violations), [['Namespace', '6', 13]]);
    assert.deepEqual(located(parseWire('* NAMESPACE (("" "/") ("x" "/")) NIL NIL\r\n').violations), [['Namespace', '6', 21]]);
    assert.deepEqual(located(parseWire('* NAMESPACE ((INBOX. ".")) NIL NIL\r\n').violations), [['Namespace', '6', 14]]);
  });

  it('reports a delimiter of two characters, and an extension that is neither standard nor X- (§5)', () => {
    assert.deepEqual(located(parseWire('* NAMESPACE (("" "//")) NIL NIL\r\n').violations), [['Namespace', '6', 17]]);
    assert.deepEqual(located(parseWire('* NAMESPACE (("" "/" "PARAM" ("a"))) NIL NIL\r\n').violations), [['Namespace_Response_Extension.x-prefix', '5', 21]]);
    assert.deepEqual(parseWire('* NAMESPACE (("" "/" "TRANSLATION" ("x"))) NIL NIL\r\n').violations, []);
  });
});

describe('parseResponse: ESEARCH (RFC 4466 §3 esearch-response, RFC 4731 §4)', () => {
  it('reads the RFC 4731 examples: correlator, UID, MIN MAX COUNT ALL, MODSEQ', () => {
    assert.deepEqual(parseWire('* ESEARCH (TAG "A282") MIN 2 COUNT 3\r\n').response, {
      kind: 'untagged', type: 'esearch', tag: 'A282', uid: false, data: [{ name: 'MIN', value: 2 }, { name: 'COUNT', value: 3 }],
    });
    assert.deepEqual(parseWire('* ESEARCH (TAG "A283") ALL 2,10:11\r\n').response, {
      kind: 'untagged', type: 'esearch', tag: 'A283', uid: false, data: [{ name: 'ALL', set: [{ from: 2, to: undefined }, { from: 10, to: 11 }] }],
    });
    assert.deepEqual(parseWire('* ESEARCH (TAG "A285") UID MIN 7 MAX 3800\r\n').response, {
      kind: 'untagged', type: 'esearch', tag: 'A285', uid: true, data: [{ name: 'MIN', value: 7 }, { name: 'MAX', value: 3800 }],
    });
    assert.deepEqual(parseWire('* ESEARCH (TAG "a1") MIN 2 MODSEQ 917162488\r\n').violations, []);
    assert.deepEqual(parseWire('* ESEARCH\r\n').response, { kind: 'untagged', type: 'esearch', tag: undefined, uid: false, data: [] });
    assert.deepEqual(parseWire('* ESEARCH UID COUNT 0\r\n').violations, []);
  });

  it('reports a tag that is an atom, MIN 0, a missing value, and a label RFC 4731 does not define', () => {
    assert.deepEqual(located(parseWire('* ESEARCH (TAG A282) MIN 2\r\n').violations), [['search-correlator', '3', 15]]);
    assert.deepEqual(located(parseWire('* ESEARCH (TAG "a") MIN 0\r\n').violations), [['nz-number', '9', 24]]);
    assert.deepEqual(located(parseWire('* ESEARCH (TAG "a") COUNT\r\n').violations), [['search-return-data', '4', 25], ['number', '9', 25]]);
    const unknown = parseWire('* ESEARCH (TAG "a") PARTIAL (1:10 1:3) COUNT 3\r\n');
    assert.deepEqual(located(unknown.violations), [['search-return-data', '4', 20]]);
    assert.ok(unknown.response.kind === 'untagged' && unknown.response.type === 'esearch');
    assert.deepEqual(unknown.response.data, [{ name: 'unknown', label: 'PARTIAL', value: ['1:10', '1:3'] }, { name: 'COUNT', value: 3 }]);
  });

  it('reports MIN, MAX or ALL with COUNT 0 (§3.1: not included when nothing matches)', () => {
    assert.deepEqual(located(parseWire('* ESEARCH (TAG "a") COUNT 0 MIN 1\r\n').violations), [['search-return-data.no-match', '3.1', 0]]);
    assert.deepEqual(parseWire('* ESEARCH (TAG "a") COUNT 0\r\n').violations, []);
  });
});

describe('parseResponse: VANISHED (RFC 7162 §7 expunged-resp)', () => {
  it('reads VANISHED and VANISHED (EARLIER) with their known-uids', () => {
    assert.deepEqual(parseWire('* VANISHED (EARLIER) 300:310,405,411\r\n').response, {
      kind: 'untagged', type: 'vanished', earlier: true, uids: [{ from: 300, to: 310 }, { from: 405, to: undefined }, { from: 411, to: undefined }],
    });
    assert.deepEqual(parseWire('* VANISHED 405\r\n').response, { kind: 'untagged', type: 'vanished', earlier: false, uids: [{ from: 405, to: undefined }] });
    assert.deepEqual(parseWire('* vanished (earlier) 1\r\n').violations, []);
  });

  it('reports "*" (UIDs only), UID 0, another tag, no UIDs, and octets after the set', () => {
    assert.deepEqual(located(parseWire('* VANISHED 1:*\r\n').violations), [['known-uids', '7', 13]]);
    assert.deepEqual(located(parseWire('* VANISHED 0\r\n').violations), [['nz-number', '9', 11]]);
    assert.deepEqual(located(parseWire('* VANISHED (LATER) 1\r\n').violations), [['expunged-resp', '7', 17]]);
    assert.deepEqual(located(parseWire('* VANISHED\r\n').violations), [['expunged-resp', '7', 10], ['message-data', '7', 10]]);
    assert.deepEqual(located(parseWire('* VANISHED 1 2\r\n').violations), [['expunged-resp', '7', 12]]);
  });
});
