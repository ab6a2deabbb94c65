import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { located, parseWire } from './parse-wire.js';

describe('parseResponse: mailbox-data (§7.2, §7.3)', () => {
  it('reads CAPABILITY data and requires IMAP4rev1 in it (capability-data)', () => {
    assert.deepEqual(parseWire('* CAPABILITY IMAP4rev1 STARTTLS AUTH=GSSAPI\r\n').response, {
      kind: 'untagged', type: 'capability', capabilities: ['IMAP4rev1', 'STARTTLS', 'AUTH=GSSAPI'],
    });
    assert.deepEqual(parseWire('* CAPABILITY imap4REV1\r\n').violations, []);
    assert.deepEqual(located(parseWire('* CAPABILITY IMAP4 STARTTLS\r\n').violations), [['capability-data', '9', 2]]);
    assert.deepEqual(located(parseWire('* CAPABILITY IMAP4rev1 \r\n').violations), [['capability-data', '9', 23]]);
  });

  it('reads FLAGS; \\Recent and unknown "\\" flags are not flags (flag, flag-extension)', () => {
    assert.deepEqual(parseWire('* FLAGS (\\Answered $Forwarded Junk)\r\n').response, {
      kind: 'untagged', type: 'flags', flags: ['\\Answered', '$Forwarded', 'Junk'],
    });
    assert.deepEqual(parseWire('* FLAGS ()\r\n').violations, []);
    assert.deepEqual(located(parseWire('* FLAGS (\\Seen \\Recent)\r\n').violations), [['flag', '9', 15]]);
    assert.deepEqual(located(parseWire('* FLAGS (\\Seen \\Important)\r\n').violations), [['flag-extension', '9', 15]]);
  });

  it('reads LIST and LSUB: attributes, quoted or NIL delimiter, decoded mailbox', () => {
    assert.deepEqual(parseWire('* LIST (\\HasNoChildren) "/" &AMk-t&AOk-\r\n').response, {
      kind: 'untagged', type: 'list', attributes: ['\\HasNoChildren'], delimiter: '/', mailbox: { raw: '&AMk-t&AOk-', name: 'Été' },
    });
    assert.deepEqual(parseWire('* LSUB () NIL flat\r\n').response, {
      kind: 'untagged', type: 'lsub', attributes: [], delimiter: null, mailbox: { raw: 'flat', name: 'flat' },
    });
    assert.deepEqual(parseWire('* LIST () "\\\\" "a\\\\b"\r\n').response, {
      kind: 'untagged', type: 'list', attributes: [], delimiter: '\\', mailbox: { raw: 'a\\b', name: 'a\\b' },
    });
  });

  it('reads every case variant of INBOX as INBOX, and a literal mailbox name', () => {
    const inbox = parseWire('* LIST () "/" iNbOx\r\n').response;
    assert.ok(inbox.kind === 'untagged' && inbox.type === 'list');
    assert.deepEqual(inbox.mailbox, { raw: 'iNbOx', name: 'INBOX' });
    const literal = parseWire('* LIST () "/" {7}\r\nfoo bar\r\n');
    assert.ok(literal.response.kind === 'untagged' && literal.response.type === 'list');
    assert.deepEqual(literal.response.mailbox, { raw: 'foo bar', name: 'foo bar' });
    assert.deepEqual(literal.violations, []);
  });

  it('reports more than one selectability flag and an attribute without "\\" (mbx-list-flags)', () => {
    assert.deepEqual(located(parseWire('* LIST (\\Noselect \\Marked) "/" x\r\n').violations), [['mbx-list-flags', '9', 18]]);
    assert.deepEqual(located(parseWire('* LIST (Marked) "/" x\r\n').violations), [['mbx-list-flags', '9', 8]]);
    assert.deepEqual(located(parseWire('* LIST (\\Foo) "/" x\r\n').violations), [['flag-extension', '9', 8]]);
  });

  it('reports a delimiter that is unquoted, longer than one char, or a literal (mailbox-list)', () => {
    const bare = parseWire('* LIST () / INBOX\r\n');
    assert.deepEqual(located(bare.violations), [['mailbox-list', '9', 10]]);
    assert.ok(bare.response.kind === 'untagged' && bare.response.type === 'list' && bare.response.delimiter === '/');
    assert.deepEqual(located(parseWire('* LIST () "//" INBOX\r\n').violations), [['mailbox-list', '9', 10]]);
    assert.deepEqual(located(parseWire('* LIST () {1}\r\n/ INBOX\r\n').violations), [['mailbox-list', '9', 10]]);
  });

  it('reports modified UTF-7 faults in mailbox names at their octet (§5.1.3)', () => {
    assert.deepEqual(located(parseWire('* LIST () "/" &Jjo!\r\n').violations), [['mailbox.modified-utf7', '5.1.3', 14]]);
    assert.deepEqual(located(parseWire('* LIST () "/" "x&AGEAYgBj-"\r\n').violations), [['mailbox.modified-utf7', '5.1.3', 17]]);
    assert.deepEqual(located(parseWire('* LIST () "/" {4}\r\ncaf\xe9\r\n').violations), [['mailbox.modified-utf7', '5.1.3', 22]]);
    // In an atom or a quoted string the 8-bit octet is already a char-class violation: reported once.
    assert.deepEqual(located(parseWire('* LIST () "/" caf\xe9\r\n').violations), [['ATOM-CHAR', '9', 17]]);
    assert.deepEqual(located(parseWire('* LIST () "/" "caf\xe9"\r\n').violations), [['QUOTED-CHAR', '9', 18]]);
    assert.deepEqual(located(parseWire('* LIST () "/" "a\tb"\r\n').violations), [['mailbox.modified-utf7', '5.1.3', 16]]);
  });

  it('reads SEARCH with and without numbers; 0 is not an nz-number', () => {
    assert.deepEqual(parseWire('* SEARCH 2 84 882\r\n').response, { kind: 'untagged', type: 'search', numbers: [2, 84, 882], modseq: undefined });
    assert.deepEqual(parseWire('* SEARCH\r\n').response, { kind: 'untagged', type: 'search', numbers: [], modseq: undefined });
    assert.deepEqual(located(parseWire('* SEARCH 2 0\r\n').violations), [['nz-number', '9', 11]]);
    assert.deepEqual(located(parseWire('* SEARCH 2  3\r\n').violations), [['mailbox-data', '9', 10]]);
    assert.deepEqual(located(parseWire('* SEARCH 2 \r\n').violations), [['mailbox-data', '9', 11]]);
  });

  it('reads STATUS and reports attributes RFC 3501 does not define (status-att)', () => {
    assert.deepEqual(parseWire('* STATUS blurdybloop (MESSAGES 231 UIDNEXT 44292)\r\n').response, {
      kind: 'untagged', type: 'status', mailbox: { raw: 'blurdybloop', name: 'blurdybloop' },
      attributes: [{ name: 'MESSAGES', value: 231 }, { name: 'UIDNEXT', value: 44292 }], highestModSeq: undefined, appendLimit: undefined,
    });
    assert.deepEqual(parseWire('* STATUS x ()\r\n').violations, []);
    assert.deepEqual(located(parseWire('* STATUS x (SIZE 5)\r\n').violations), [['status-att', '9', 12]]);
  });

  it('reads EXISTS, RECENT (0 allowed: number) and EXPUNGE (nz-number)', () => {
    assert.deepEqual(parseWire('* 0 EXISTS\r\n').response, { kind: 'untagged', type: 'exists', number: 0 });
    assert.deepEqual(parseWire('* 0 RECENT\r\n').violations, []);
    assert.deepEqual(parseWire('* 44 EXPUNGE\r\n').response, { kind: 'untagged', type: 'expunge', number: 44 });
    assert.deepEqual(located(parseWire('* 0 EXPUNGE\r\n').violations), [['nz-number', '9', 2]]);
    assert.deepEqual(located(parseWire('* 007 EXISTS\r\n').violations), []);
  });
});
