import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import type { ImapFetchAttribute } from '../../../../src/protocol/imap/imap-response.js';
import { located, parseWire, type WireParse } from './parse-wire.js';

/** The FETCH attributes of a parse (asserting it is a FETCH). */
function attributesOf(result: WireParse): readonly ImapFetchAttribute[] {
  assert.ok(result.response.kind === 'untagged' && result.response.type === 'fetch', JSON.stringify(result.response));
  return result.response.attributes;
}

const fetch = (items: string): WireParse => parseWire(`* 1 FETCH (${items})\r\n`);

describe('parseResponse: FETCH data items (§7.4.2, msg-att)', () => {
  it('reads FLAGS (with \\Recent: flag-fetch), UID, RFC822.SIZE, INTERNALDATE', () => {
    const result = fetch('FLAGS (\\Seen \\Recent $Label1) UID 4827313 RFC822.SIZE 44827 INTERNALDATE " 7-Jul-1996 02:44:25 -0700"');
    assert.deepEqual(result.violations, []);
    assert.deepEqual(attributesOf(result), [
      { name: 'FLAGS', flags: ['\\Seen', '\\Recent', '$Label1'] },
      { name: 'UID', uid: 4827313 },
      { name: 'RFC822.SIZE', size: 44827 },
      { name: 'INTERNALDATE', raw: ' 7-Jul-1996 02:44:25 -0700', date: { year: 1996, month: 7, day: 7, hour: 2, minute: 44, second: 25, zone: '-0700' } },
    ]);
  });

  it('reads an ENVELOPE with a group (start marker, members, end marker) and NIL fields', () => {
    const env = '("Mon, 3 Feb 2025 09:15:00 +0100" "subject" (("Ren\\"ee" NIL "renee" "example.org")) NIL NIL ' +
      '((NIL NIL "team" NIL)(NIL NIL "alice" "example.net")(NIL NIL NIL NIL)) NIL NIL NIL "<m1@x>")';
    const [att] = attributesOf(fetch(`ENVELOPE ${env}`));
    assert.deepEqual(att, {
      name: 'ENVELOPE',
      envelope: {
        date: 'Mon, 3 Feb 2025 09:15:00 +0100', subject: 'subject',
        from: [{ name: 'Ren"ee', adl: null, mailbox: 'renee', host: 'example.org' }], sender: null, replyTo: null,
        to: [
          { name: null, adl: null, mailbox: 'team', host: null },
          { name: null, adl: null, mailbox: 'alice', host: 'example.net' },
          { name: null, adl: null, mailbox: null, host: null },
        ],
        cc: null, bcc: null, inReplyTo: null, messageId: '<m1@x>',
      },
    });
  });

  it('reads RFC 3501 §7.4.2\'s multipart BODYSTRUCTURE with extension data', () => {
    const result = fetch('BODYSTRUCTURE (("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 1152 23)("TEXT" "PLAIN" ("CHARSET" "US-ASCII" "NAME" "cc.diff") ' +
      '"<960723163407.20117h@cac.washington.edu>" "Compiler diff" "BASE64" 4554 73 NIL ("ATTACHMENT" ("FILENAME" "cc.diff")) ("EN" "FR") "http://x/cc.diff") ' +
      '"MIXED" ("BOUNDARY" "b") ("INLINE" NIL) "EN" NIL)');
    assert.deepEqual(result.violations, []);
    const [att] = attributesOf(result);
    assert.ok(att?.name === 'BODYSTRUCTURE' && att.structure.kind === 'multipart');
    assert.equal(att.structure.subtype, 'MIXED');
    assert.deepEqual(att.structure.extension, { params: [['BOUNDARY', 'b']], disposition: { type: 'INLINE', params: null }, language: 'EN', location: null });
    const second = att.structure.parts[1];
    assert.deepEqual(second, {
      kind: 'text', type: 'TEXT', subtype: 'PLAIN', lines: 73,
      fields: { params: [['CHARSET', 'US-ASCII'], ['NAME', 'cc.diff']], id: '<960723163407.20117h@cac.washington.edu>', description: 'Compiler diff', encoding: 'BASE64', octets: 4554 },
      extension: { md5: null, disposition: { type: 'ATTACHMENT', params: [['FILENAME', 'cc.diff']] }, language: ['EN', 'FR'], location: 'http://x/cc.diff' },
    });
  });

  it('reads a MESSAGE/RFC822 part with its envelope, body and line count', () => {
    const result = fetch('BODY ("MESSAGE" "RFC822" NIL NIL NIL "7BIT" 342 (NIL "hi" NIL NIL NIL NIL NIL NIL NIL NIL) ("TEXT" "PLAIN" NIL NIL NIL "7BIT" 2 1) 12)');
    assert.deepEqual(result.violations, []);
    const [att] = attributesOf(result);
    assert.ok(att?.name === 'BODY' && att.structure.kind === 'message');
    assert.equal(att.structure.lines, 12);
    assert.equal(att.structure.envelope.subject, 'hi');
    assert.equal(att.structure.body.kind, 'text');
  });

  it('reports extension data in BODY (§7.4.2) and a body-extension past body-fld-loc', () => {
    assert.deepEqual(located(fetch('BODY ("TEXT" "PLAIN" NIL NIL NIL "7BIT" 2 1 NIL)').violations), [['body.extension-data', '7.4.2', 54]]);
    assert.deepEqual(located(fetch('BODYSTRUCTURE ("TEXT" "PLAIN" NIL NIL NIL "7BIT" 2 1 NIL NIL NIL NIL 5)').violations), [['body-extension', '9', 80]]);
  });

  it('reads BODY[section]<origin> for every section-spec form', () => {
    const sections = [
      ['BODY[]', { part: [], text: undefined, fields: undefined }],
      ['BODY[HEADER]', { part: [], text: 'HEADER', fields: undefined }],
      ['BODY[TEXT]', { part: [], text: 'TEXT', fields: undefined }],
      ['BODY[1.2]', { part: [1, 2], text: undefined, fields: undefined }],
      ['BODY[1.2.MIME]', { part: [1, 2], text: 'MIME', fields: undefined }],
      ['BODY[4.HEADER]', { part: [4], text: 'HEADER', fields: undefined }],
      ['BODY[HEADER.FIELDS (From "Subject" {2}\r\nTo)]', { part: [], text: 'HEADER.FIELDS', fields: ['From', 'Subject', 'To'] }],
      ['BODY[3.header.fields.not (Received)]', { part: [3], text: 'HEADER.FIELDS.NOT', fields: ['Received'] }],
    ] as const;
    for (const [item, section] of sections) {
      const result = fetch(`${item} "x"`);
      assert.deepEqual(result.violations, [], item);
      assert.deepEqual(attributesOf(result), [{ name: 'BODY[]', section, origin: undefined, content: { kind: 'bytes', bytes: Buffer.from('x') } }], item);
    }
    assert.deepEqual(attributesOf(fetch('BODY[]<0> NIL')), [{ name: 'BODY[]', section: { part: [], text: undefined, fields: undefined }, origin: 0, content: null }]);
  });

  it('reports bad section-specs: a trailing ".", an unknown name, MIME at the top, part 0', () => {
    assert.deepEqual(located(fetch('BODY[1.] "x"').violations), [['section-spec', '9', 18]]);
    assert.deepEqual(located(fetch('BODY[FOO] "x"').violations), [['section-spec', '9', 16]]);
    assert.deepEqual(located(fetch('BODY[MIME] "x"').violations), [['section-spec', '9', 16]]);
    assert.deepEqual(located(fetch('BODY[0] "x"').violations), [['nz-number', '9', 16]]);
  });

  it('keeps a content over the threshold as length, sha256 and prefix', () => {
    const body = 'abcdefghij'.repeat(10);
    const result = parseWire(`* 1 FETCH (BODY[] {100}\r\n${body})\r\n`, { limits: { largeLiteralThreshold: 99, largeLiteralPrefix: 4 } });
    assert.deepEqual(attributesOf(result)[0], {
      name: 'BODY[]', section: { part: [], text: undefined, fields: undefined }, origin: undefined,
      content: { kind: 'digest', length: 100, sha256: createHash('sha256').update(body).digest('hex'), prefix: Buffer.from('abcd') },
    });
  });

  it('reports a data item RFC 3501 does not define, reads its value and goes on', () => {
    const result = fetch('UID 5 X-GM-THRID (12345 1:3) FLAGS ()');
    assert.deepEqual(located(result.violations), [['msg-att', '9', 17]]);
    assert.deepEqual(attributesOf(result), [{ name: 'UID', uid: 5 }, { name: 'unknown', item: 'X-GM-THRID', value: [12345, '1:3'] }, { name: 'FLAGS', flags: [] }]);
  });

  it('keeps the items read before a hard error, and says the parse is incomplete', () => {
    const result = fetch('UID 5 RFC822.SIZE abc');
    assert.deepEqual(located(result.violations), [['number', '9', 29]]);
    assert.deepEqual(attributesOf(result), [{ name: 'UID', uid: 5 }]);
    assert.equal(result.complete, false);
  });

  it('reports an empty msg-att, UID 0, and a NUL in a literal (§4.3.1)', () => {
    assert.deepEqual(located(fetch('').violations), [['msg-att', '9', 11]]);
    assert.deepEqual(located(fetch('UID 0').violations), [['nz-number', '9', 15]]);
    assert.deepEqual(located(parseWire('* 1 FETCH (BODY[] {3}\r\na\0b)\r\n').violations), [['CHAR8', '4.3.1', 24]]);
  });
});
