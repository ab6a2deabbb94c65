import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { located, parseWire } from './parse-wire.js';

/**
 * Every server line of the examples in RFC 3501 §6, §7 and §8, as printed (the "S:" lines).
 * Two printing artefacts are restored: §6.2.2's "S: +" is "+ " on the wire (trailing spaces do not
 * survive in RFC text, and continue-req needs its SP), and §8's long FETCH line, "broken for
 * editorial clarity", is joined.
 */
const SECTION_6_AND_7 = [
  '* CAPABILITY IMAP4rev1 STARTTLS AUTH=GSSAPI LOGINDISABLED', '* CAPABILITY IMAP4rev1 STARTTLS AUTH=GSSAPI XPIG-LATIN',
  'abcd OK CAPABILITY completed', '* CAPABILITY IMAP4rev1 AUTH=GSSAPI AUTH=PLAIN', 'efgh OK CAPABILITY completed',
  '* 22 EXPUNGE', '* 23 EXISTS', '* 3 RECENT', '* 14 FETCH (FLAGS (\\Seen \\Deleted))', 'a047 OK NOOP completed',
  '* BYE IMAP4rev1 Server logging out', 'A023 OK LOGOUT completed', 'a002 OK Begin TLS negotiation now',
  '* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED', '+ YGgGCSqGSIb3EgECAgIAb1kwV6ADAgEFoQMCAQ+iSzBJoAMC', '+ ',
  '+ YDMGCSqGSIb3EgECAgIBAAD/////6jcyG4GE3KkTzBeBiVHe', 'A001 OK GSSAPI authentication successful', 'a001 OK LOGIN completed',
  '* 172 EXISTS', '* 1 RECENT', '* OK [UNSEEN 12] Message 12 is first unseen', '* OK [UIDVALIDITY 3857529045] UIDs valid',
  '* OK [UIDNEXT 4392] Predicted next UID', '* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)',
  '* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited', 'A142 OK [READ-WRITE] SELECT completed', '* 17 EXISTS', '* 2 RECENT',
  '* OK [UNSEEN 8] Message 8 is first unseen', '* OK [PERMANENTFLAGS ()] No permanent flags permitted',
  'A932 OK [READ-ONLY] EXAMINE completed', 'A003 OK CREATE completed', 'A004 OK CREATE completed', '* LIST () "/" blurdybloop',
  '* LIST (\\Noselect) "/" foo', '* LIST () "/" foo/bar', 'A682 OK LIST completed', 'A683 OK DELETE completed',
  'A684 NO Name "foo" has inferior hierarchical names', 'A685 OK DELETE Completed', '* LIST (\\Noselect) "." #news.',
  '* LIST () "." INBOX', '* LIST () "." INBOX.bar', '* LIST () "." old-mail', '* LIST () "/" sarasoop', '* LIST () "/" zowie/bar',
  '* LIST (\\Noselect) "/" zowie', 'Z433 OK RENAME completed', 'A002 OK SUBSCRIBE completed', 'A002 OK UNSUBSCRIBE completed',
  '* LIST (\\Noselect) "/" ""', 'A101 OK LIST Completed', '* LIST (\\Noselect) "." #news.', 'A102 OK LIST Completed',
  '* LIST (\\Noselect) "/" /', 'A103 OK LIST Completed', '* LIST (\\Noselect) "/" ~/Mail/foo', '* LIST () "/" ~/Mail/meetings',
  '* LSUB () "." #news.comp.mail.mime', '* LSUB () "." #news.comp.mail.misc', 'A002 OK LSUB completed',
  '* LSUB (\\NoSelect) "." #news.comp.mail', 'A003 OK LSUB completed', '* STATUS blurdybloop (MESSAGES 231 UIDNEXT 44292)',
  'A042 OK STATUS completed', 'A003 OK APPEND completed', 'FXXZ OK CHECK Completed', 'A341 OK CLOSE completed', '* 3 EXPUNGE',
  '* 3 EXPUNGE', '* 5 EXPUNGE', '* 8 EXPUNGE', 'A202 OK EXPUNGE completed', '* SEARCH 2 84 882', 'A282 OK SEARCH completed',
  '* SEARCH', 'A283 OK SEARCH completed', '* SEARCH 43', 'A284 OK SEARCH completed', '* 2 FETCH (FLAGS (\\Deleted \\Seen))',
  '* 3 FETCH (FLAGS (\\Deleted))', '* 4 FETCH (FLAGS (\\Deleted \\Flagged \\Seen))', 'A003 OK STORE completed',
  'A003 OK COPY completed', '* 23 FETCH (FLAGS (\\Seen) UID 4827313)', '* 24 FETCH (FLAGS (\\Seen) UID 4827943)',
  '* 25 FETCH (FLAGS (\\Seen) UID 4828442)', 'A999 OK UID FETCH completed', '* CAPABILITY IMAP4rev1 XPIG-LATIN',
  'a441 OK CAPABILITY completed', '* XPIG-LATIN ow-nay eaking-spay ig-pay atin-lay', 'A442 OK XPIG-LATIN ompleted-cay',
  '* OK IMAP4rev1 server ready', '* OK [ALERT] System shutdown in 10 minutes', 'A001 OK LOGIN Completed',
  '* NO Disk is 98% full, please delete unnecessary data', 'A222 OK COPY completed', '* NO Disk is 99% full, please delete unnecessary data',
  'A223 NO COPY failed: disk is full', '* BAD Command line too long', '* BAD Empty command line', '* BAD Disk crash, attempting salvage to a new disk!',
  '* OK Salvage successful, no data lost', 'A443 OK Expunge completed', '* PREAUTH IMAP4rev1 server logged in as Smith',
  '* BYE Autologout; idle for too long', '* CAPABILITY IMAP4rev1 STARTTLS AUTH=GSSAPI XPIG-LATIN', '* LIST (\\Noselect) "/" ~/Mail/foo',
  '* LSUB () "." #news.comp.mail.misc', '* STATUS blurdybloop (MESSAGES 231 UIDNEXT 44292)', '* SEARCH 2 3 6',
  '* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)', '* 23 EXISTS', '* 5 RECENT', '* 44 EXPUNGE',
  '* 23 FETCH (FLAGS (\\Seen) RFC822.SIZE 44827)', '+ Ready for additional command text', 'A001 OK LOGIN completed',
  'A044 BAD No such command as "BLURDYBLOOP"', '+ Ready for literal data',
];

const HEADER = [
  'Date: Wed, 17 Jul 1996 02:23:25 -0700 (PDT)', 'From: Terry Gray <gray@cac.washington.edu>',
  'Subject: IMAP4rev1 WG mtg summary and minutes', 'To: imap@cac.washington.edu',
  'cc: minutes@CNRI.Reston.VA.US, John Klensin <KLENSIN@MIT.EDU>', 'Message-Id: <B27397-0100000@cac.washington.edu>',
  'MIME-Version: 1.0', 'Content-Type: TEXT/PLAIN; CHARSET=US-ASCII', '',
].map((l) => `${l}\r\n`).join('');

/** §8, "Sample IMAP4rev1 connection": every server response. */
const SECTION_8 = [
  '* OK IMAP4rev1 Service Ready', 'a001 OK LOGIN completed', '* 18 EXISTS', '* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)',
  '* 2 RECENT', '* OK [UNSEEN 17] Message 17 is the first unseen message', '* OK [UIDVALIDITY 3857529045] UIDs valid',
  'a002 OK [READ-WRITE] SELECT completed',
  '* 12 FETCH (FLAGS (\\Seen) INTERNALDATE "17-Jul-1996 02:44:25 -0700" RFC822.SIZE 4286 ENVELOPE ("Wed, 17 Jul 1996 02:23:25 -0700 (PDT)" ' +
    '"IMAP4rev1 WG mtg summary and minutes" (("Terry Gray" NIL "gray" "cac.washington.edu")) (("Terry Gray" NIL "gray" "cac.washington.edu")) ' +
    '(("Terry Gray" NIL "gray" "cac.washington.edu")) ((NIL NIL "imap" "cac.washington.edu")) ((NIL NIL "minutes" "CNRI.Reston.VA.US")' +
    '("John Klensin" NIL "KLENSIN" "MIT.EDU")) NIL NIL "<B27397-0100000@cac.washington.edu>") BODY ("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 3028 92))',
  'a003 OK FETCH completed', `* 12 FETCH (BODY[HEADER] {342}\r\n${HEADER})`, 'a004 OK FETCH completed',
  '* 12 FETCH (FLAGS (\\Seen \\Deleted))', 'a005 OK +FLAGS completed', '* BYE IMAP4rev1 server terminating connection', 'a006 OK LOGOUT completed',
];

describe('RFC 3501 examples', () => {
  it('§6 and §7: every server line parses completely with no violation (PREAUTH as the greeting it is)', () => {
    for (const line of SECTION_6_AND_7) {
      const result = parseWire(`${line}\r\n`, { greeting: line.startsWith('* PREAUTH') });
      assert.deepEqual(located(result.violations), [], line);
      assert.equal(result.complete, true, line);
    }
  });

  it('§8 sample connection: every response parses with no violation, the greeting as a greeting', () => {
    SECTION_8.forEach((response, i) => {
      const result = parseWire(`${response}\r\n`, { greeting: i === 0 });
      assert.deepEqual(located(result.violations), [], response);
      assert.equal(result.complete, true, response);
    });
  });

  it('§8: the header literal is 342 octets, as announced', () => {
    assert.equal(Buffer.byteLength(HEADER), 342);
    const { response } = parseWire(`* 12 FETCH (BODY[HEADER] {342}\r\n${HEADER})\r\n`);
    assert.ok(response.kind === 'untagged' && response.type === 'fetch');
    const [att] = response.attributes;
    assert.ok(att?.name === 'BODY[]' && att.content?.kind === 'bytes');
    assert.equal(att.content.bytes.toString('latin1'), HEADER);
    assert.deepEqual(att.section, { part: [], text: 'HEADER', fields: undefined });
  });

  it('§6.5.1: an X-prefixed untagged response is experimental data, left to the session', () => {
    const { response } = parseWire('* XPIG-LATIN ow-nay eaking-spay ig-pay atin-lay\r\n');
    assert.deepEqual(response, { kind: 'untagged', type: 'experimental', name: 'XPIG-LATIN', text: 'ow-nay eaking-spay ig-pay atin-lay' });
  });
});
