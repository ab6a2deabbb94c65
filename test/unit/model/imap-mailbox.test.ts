import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { comparableFlags, isPermanentFlag } from '../../../src/model/imap-flags.js';
import { epochOfDateTimeText } from '../../../src/model/imap-internal-date.js';
import { ImapMailboxModel } from '../../../src/model/imap-mailbox.js';
import { compileSearchKey, type ImapSearchKey } from '../../../src/model/imap-search-key.js';
import { compileSequenceSet } from '../../../src/model/imap-sequence-set.js';
import { UidNextTracker } from '../../../src/model/imap-uid-next.js';
import { replayPathOf } from '../../../src/fuzz/models/replay-path.js';

const text = (s: string): Buffer => Buffer.from(s, 'latin1');
const MESSAGE = text('Subject: a\r\n\r\nbody\r\n');

/** A mailbox with UIDs 3, 5, 9 and the given flags. */
function mailbox(...flags: string[][]): ImapMailboxModel {
  const box = new ImapMailboxModel();
  [3, 5, 9].forEach((uid, i) => assert.equal(box.append(uid, flags[i] ?? [], text(`Subject: ${uid}\r\n\r\n${'x'.repeat(uid * 10)}\r\n`)), undefined));
  return box;
}

describe('UIDs and UIDNEXT (RFC 3501 §2.3.1.1)', () => {
  test('a new UID must be above every UID assigned before, expunged ones included', () => {
    const box = mailbox(['\\Deleted'], [], []);
    assert.equal(box.expunge(1), undefined);
    assert.equal(box.append(9, [], MESSAGE)?.rule.rule, 'uid.strictly-ascending');
    assert.equal(new ImapMailboxModel().append(1, [], MESSAGE), undefined);
  });

  test('a new UID must be at least the UIDNEXT announced before it arrived', () => {
    const tracker = new UidNextTracker();
    assert.equal(tracker.announce(10), undefined);
    assert.equal(tracker.assign(7)?.rule.rule, 'uidnext.lower-bound');
    assert.equal(new UidNextTracker().assign(7), undefined);
  });

  test('UIDNEXT stays while nothing is added, and moves past every UID once something is', () => {
    const tracker = new UidNextTracker();
    assert.equal(tracker.announce(4), undefined);
    assert.equal(tracker.announce(5)?.rule.rule, 'uidnext.stable');
    assert.equal(tracker.assign(5), undefined);
    assert.equal(tracker.announce(5)?.rule.rule, 'uidnext.advances');
    const copied = new UidNextTracker();
    assert.equal(copied.announce(6), undefined);
    copied.addUnknown();
    assert.equal(copied.announce(6)?.rule.rule, 'uidnext.advances', 'a COPY added messages, so UIDNEXT must change');
    copied.addUnknown();
    assert.equal(copied.announce(8), undefined);
  });

  test('UIDVALIDITY, once known, stays for the session', () => {
    const box = new ImapMailboxModel();
    assert.equal(box.observeUidValidity(77), undefined);
    assert.equal(box.observeUidValidity(77), undefined);
    assert.equal(box.observeUidValidity(78)?.rule.rule, 'uidvalidity.stable');
  });
});

describe('flags (§2.3.2, §6.4.6)', () => {
  test('STORE replaces, adds and removes; flags compare case-insensitively and without \\Recent', () => {
    const box = mailbox(['\\seen'], [], ['\\Flagged']);
    box.store([1, 2], 'add', ['\\Answered']);
    box.store([3], 'replace', ['\\Draft']);
    box.store([1], 'remove', ['\\SEEN']);
    assert.deepEqual([...box.at(1)!.flags], ['\\Answered']);
    assert.deepEqual([...box.at(3)!.flags], ['\\Draft']);
    assert.equal(box.at(2)!.checkFlags(comparableFlags(['\\ANSWERED', '\\Recent']), { rule: 'x', ref: { rfc: 3501, section: '2.3.2' }, level: 'MUST' }, 'm'), undefined);
    assert.equal(box.at(2)!.checkFlags(comparableFlags(['\\Answered', '\\Seen']), { rule: 'x', ref: { rfc: 3501, section: '2.3.2' }, level: 'MUST' }, 'm')?.rule.rule, 'x');
  });

  test('only PERMANENTFLAGS have a certain effect; "\\*" admits keywords, no list admits all', () => {
    const permanent = new Set(['\\Seen', '\\Deleted']);
    assert.equal(isPermanentFlag('\\seen', permanent), true);
    assert.equal(isPermanentFlag('\\Flagged', permanent), false);
    assert.equal(isPermanentFlag('$Fuzz', permanent), false);
    assert.equal(isPermanentFlag('$Fuzz', new Set(['\\*'])), true);
    assert.equal(isPermanentFlag('\\Flagged', new Set(['\\*'])), false, '"\\*" is about keywords, not system flags');
    assert.equal(isPermanentFlag('\\Flagged', undefined), true);
  });

  test('UNSEEN names the first message without \\Seen', () => {
    assert.equal(mailbox(['\\Seen'], [], ['\\Seen']).firstUnseen(), 2);
    assert.equal(mailbox(['\\Seen'], ['\\Seen'], ['\\Seen']).firstUnseen(), undefined);
  });
});

describe('SEARCH (§6.4.4, §6.4.8)', () => {
  const box = mailbox(['\\Flagged'], ['\\Seen', '\\Flagged'], ['\\Deleted']);
  const cases: Array<[ImapSearchKey, string, number[]]> = [
    [{ kind: 'all' }, 'ALL', [1, 2, 3]],
    [{ kind: 'flag', flag: '\\Flagged', set: true }, 'FLAGGED', [1, 2]],
    [{ kind: 'flag', flag: '\\Seen', set: false }, 'UNSEEN', [1, 3]],
    [{ kind: 'flag', flag: '$Fuzz', set: false }, 'UNKEYWORD $Fuzz', [1, 2, 3]],
    [{ kind: 'not', key: { kind: 'flag', flag: '\\Deleted', set: true } }, 'NOT DELETED', [1, 2]],
    [{ kind: 'or', left: { kind: 'seq', set: [{ from: 1 }] }, right: { kind: 'uid', set: [{ from: 9 }] } }, 'OR 1 UID 9', [1, 3]],
    [{ kind: 'and', keys: [{ kind: 'seq', set: [{ from: 3, to: 1 }] }, { kind: 'flag', flag: '\\Flagged', set: true }] }, '(3:1 FLAGGED)', [1, 2]],
    // §6.4.8: "a UID range of 559:* always includes the UID of the last message in the mailbox".
    [{ kind: 'uid', set: [{ from: 100, to: '*' }] }, 'UID 100:*', [3]],
    [{ kind: 'uid', set: [{ from: 4, to: 8 }] }, 'UID 4:8', [2]],
    [{ kind: 'seq', set: [{ from: '*' }] }, '*', [3]],
    // Sizes: 46, 66 and 106 octets.
    [{ kind: 'larger', octets: 66 }, 'LARGER 66', [3]],
    [{ kind: 'smaller', octets: 66 }, 'SMALLER 66', [1]],
  ];
  for (const [key, wire, expected] of cases) {
    test(`${wire} matches ${expected.join(',')}`, () => {
      assert.equal(compileSearchKey(key), wire);
      assert.deepEqual(box.search(key), expected);
    });
  }

  test('UID SEARCH answers UIDs', () => {
    assert.deepEqual(box.uidSearch({ kind: 'flag', flag: '\\Flagged', set: true }), [3, 5]);
  });

  test('sets resolve "*" and reversed ranges, and ignore UIDs that do not exist', () => {
    assert.equal(compileSequenceSet([{ from: 2 }, { from: 4, to: '*' }]), '2,4:*');
    assert.deepEqual(box.resolveSeqSet([{ from: 2, to: '*' }]), [2, 3]);
    assert.deepEqual(box.resolveUidSet([{ from: 6, to: 8 }]), []);
    assert.deepEqual(box.resolveUidSet([{ from: '*', to: 4 }]), [2, 3]);
  });

  test('an 8-bit message has no certain size until BODY[] was seen', () => {
    const eightBit = new ImapMailboxModel();
    eightBit.append(1, [], text('Subject: \xe9\r\n\r\n\xff\r\n'));
    assert.equal(eightBit.at(1)!.size, undefined);
    assert.deepEqual(eightBit.search({ kind: 'larger', octets: 0 }), [], 'the model never claims a size it does not know');
    assert.equal(eightBit.at(1)!.checkBody({ kind: 'bytes', bytes: text('Subject: \xe9\r\n\r\n\xff\r\n') }), undefined);
    assert.equal(eightBit.at(1)!.size, 17);
  });
});

describe('message text (§6.3.11, §2.3.4)', () => {
  test('BODY[] must be the appended octets, RFC822.SIZE their length', () => {
    const box = new ImapMailboxModel();
    box.append(1, [], MESSAGE);
    const message = box.at(1)!;
    assert.equal(message.checkBody({ kind: 'bytes', bytes: MESSAGE }), undefined);
    assert.equal(message.checkBody({ kind: 'bytes', bytes: text('Subject: a\r\n\r\nbody\n') })?.rule.rule, 'fetch.body-exact');
    assert.equal(message.checkBody(null)?.rule.rule, 'fetch.body-exact');
    assert.equal(message.checkSize(MESSAGE.length), undefined);
    assert.equal(message.checkSize(MESSAGE.length - 1)?.rule.rule, 'fetch.rfc822-size');
  });

  test('8-bit text may come back MIME-encoded (§6.3.11), and from then on always the same', () => {
    const box = new ImapMailboxModel();
    box.append(1, [], text('Subject: x\r\n\r\n\xe9\r\n'));
    const message = box.at(1)!;
    assert.equal(message.checkSize(50), undefined, 'size unknown yet: recorded');
    assert.equal(message.checkSize(51)?.rule.rule, 'fetch.static');
    const encoded = text('Subject: x\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n=E9\r\n');
    assert.equal(message.checkBody({ kind: 'bytes', bytes: encoded })?.rule.rule, 'fetch.rfc822-size', 'the recorded size must be the encoded length');
    assert.equal(message.checkBody({ kind: 'bytes', bytes: text('Subject: x\r\n\r\n\xe9\r\n') })?.rule.rule, 'fetch.static');
    const plain = new ImapMailboxModel();
    plain.append(1, [], text('Subject: x\r\n\r\n\xe9\r\n'));
    assert.equal(plain.at(1)!.checkBody({ kind: 'bytes', bytes: text('Subject: x\r\n\r\n?\r\n') })?.rule.rule, 'fetch.body-exact', 'changed without a transfer encoding');
  });

  test('APPEND date-times are instants, whatever the zone', () => {
    assert.equal(epochOfDateTimeText('17-Jul-1996 02:44:25 -0700'), epochOfDateTimeText('17-Jul-1996 09:44:25 +0000'));
    assert.equal(epochOfDateTimeText(' 9-Mar-2024 23:59:59 +1400'), Date.UTC(2024, 2, 9, 9, 59, 59) / 1000);
    assert.equal(epochOfDateTimeText('9-Foo-2024 23:59:59 +1400'), undefined);
  });
});

describe('EXPUNGE and CLOSE (§6.4.3, §6.4.2, §7.4.1)', () => {
  test('EXPUNGE may remove only \\Deleted messages, numbers shifting down at once', () => {
    const box = mailbox(['\\Deleted'], [], ['\\Deleted']);
    assert.deepEqual(box.deletedSeqs(), [1, 3]);
    assert.equal(box.expunge(1), undefined);
    assert.equal(box.expunge(2), undefined, 'UID 9 is now message 2');
    assert.deepEqual(box.messages.map((m) => m.uid), [5]);
    assert.equal(box.expunge(1)?.rule.rule, 'expunge.only-deleted');
    assert.equal(box.expunge(4)?.rule.rule, 'expunge.only-deleted');
  });

  test('CLOSE removes every \\Deleted message', () => {
    const box = mailbox(['\\Deleted'], [], ['\\Deleted', '\\Seen']);
    box.removeDeleted();
    assert.deepEqual(box.messages.map((m) => m.uid), [5]);
  });
});

test('replayPathOf reads fast-check\'s replayPath comment, from the list or its tuple', () => {
  const list = { toString: () => 'APPEND 10B,STORE 1 +FLAGS (\\Seen) /*replayPath="CAB:Bw/"*/' };
  assert.equal(replayPathOf(list), 'CAB:Bw/');
  assert.equal(replayPathOf([list]), 'CAB:Bw/');
  assert.equal(replayPathOf('NOOP'), undefined);
  assert.equal(replayPathOf(undefined), undefined);
});
