import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ImapMailboxModel } from '../../../src/model/imap-mailbox.js';
import type { ImapModelMessage } from '../../../src/model/imap-message.js';
import { ImapSessionView } from '../../../src/model/imap-session-view.js';

const text = (uid: number): Buffer => Buffer.from(`Subject: ${uid}\r\n\r\n${'x'.repeat(uid * 10)}\r\n`, 'latin1');

/** A mailbox with UIDs 3, 5, 9 (flags as given) and two sessions that were both told of all three. */
function shared(...flags: string[][]): { box: ImapMailboxModel; a: ImapSessionView; b: ImapSessionView } {
  const box = new ImapMailboxModel();
  [3, 5, 9].forEach((uid, i) => assert.equal(box.append(uid, flags[i] ?? [], text(uid)), undefined));
  const a = new ImapSessionView(box);
  const b = new ImapSessionView(box);
  a.reset();
  b.reset();
  return { box, a, b };
}

const uids = (view: ImapSessionView): number[] => view.messages().map((m) => m.uid);
const last = (box: ImapMailboxModel): ImapModelMessage => box.messages.at(-1)!;

describe('another session\'s APPEND (RFC 3501 §7.3.1, §5.2)', () => {
  test('stays unannounced until an EXISTS covers it, then joins in UID order', () => {
    const { box, b } = shared();
    box.append(11, [], text(11));
    box.append(12, [], text(12));
    assert.equal(b.settled, false);
    assert.deepEqual(b.unannounced().map((m) => m.uid), [11, 12]);
    assert.equal(b.announce(4), undefined);
    assert.deepEqual(uids(b), [3, 5, 9, 11]);
    assert.equal(b.announce(5), undefined);
    assert.deepEqual(uids(b), [3, 5, 9, 11, 12]);
    assert.equal(b.settled, true);
  });

  test('an EXISTS above what the mailbox holds, or below what the session was told, is exists.count', () => {
    const { box, b } = shared();
    box.append(11, [], text(11));
    assert.equal(b.announce(5)?.rule.rule, 'exists.count');
    assert.equal(b.announce(2)?.rule.rule, 'exists.count');
    assert.equal(b.announce(3), undefined, 'an EXISTS that announces nothing new is fine');
  });

  test('this session\'s own APPEND: EXISTS may count it before its UID is known, and it then takes the last number', () => {
    const { box, a, b } = shared();
    box.append(11, [], text(11));
    assert.equal(a.announce(5, 1), undefined, 'UID 11 and the arriving message');
    assert.equal(a.arrivals, 1);
    assert.deepEqual(uids(a), [3, 5, 9, 11]);
    box.append(12, [], text(12));
    a.arrived(last(box));
    assert.deepEqual(uids(a), [3, 5, 9, 11, 12]);
    assert.equal(a.arrivals, 0);
    assert.deepEqual(b.unannounced().map((m) => m.uid), [11, 12], 'the other session was told of neither');
  });
});

describe('another session\'s EXPUNGE (§7.4.1)', () => {
  test('the message stays in this session\'s numbering, removed, until its EXPUNGE; later numbers then shift down', () => {
    const { box, a, b } = shared([], ['\\Deleted'], []);
    assert.equal(a.expunge(2, true), undefined);
    assert.deepEqual(box.messages.map((m) => m.uid), [3, 9]);
    assert.deepEqual(uids(b), [3, 5, 9]);
    assert.equal(b.isRemoved(b.at(2)!), true);
    assert.deepEqual(b.removed().map((m) => m.uid), [5]);
    assert.equal(b.settled, false);
    assert.equal(b.expunge(2, false), undefined);
    assert.deepEqual(uids(b), [3, 9]);
    assert.equal(b.settled, true);
  });

  test('an EXPUNGE for a message no session removed is expunge.unrequested; one without \\Deleted, expunge.only-deleted', () => {
    const { a } = shared([], ['\\Deleted'], []);
    assert.equal(a.expunge(1, false)?.rule.rule, 'expunge.unrequested');
    assert.equal(a.expunge(1, true)?.rule.rule, 'expunge.only-deleted');
    assert.equal(a.expunge(4, true)?.rule.rule, 'expunge.only-deleted');
    assert.match(a.describeDeleted(), /^messages 2 \(UID 5\)$/);
  });

  test('sets resolve in the session\'s own numbering: "*" is its last message, removed or not', () => {
    const { a, b } = shared([], ['\\Deleted'], ['\\Deleted']);
    assert.equal(a.expunge(3, true), undefined);
    assert.deepEqual(a.resolveSeqSet([{ from: '*' }]), [2]);
    assert.deepEqual(b.resolveSeqSet([{ from: '*' }]), [3]);
    assert.deepEqual(b.resolveUidSet([{ from: 6, to: '*' }]), [3], 'UID 9 is still the last UID B was told of');
    assert.equal(b.highestUid, 9);
  });
});

describe('flags another session stored (§5.2 SHOULD, §7.4.2)', () => {
  test('are unsettled in this session until its NOOP', () => {
    const { box, b } = shared();
    const message = box.at(1)!;
    box.store([1], 'add', ['\\Seen']);
    b.flagsChangedElsewhere([message]);
    assert.equal(b.knowsFlagsOf(message), false);
    assert.equal(b.knowsFlagsOf(box.at(2)!), true);
    b.polled();
    assert.equal(b.knowsFlagsOf(message), true);
  });

  test('this session\'s EXPUNGE owes the removal only of messages it knows to carry \\Deleted', () => {
    const { box, a } = shared([], ['\\Deleted'], []);
    box.store([3], 'add', ['\\Deleted']);
    a.flagsChangedElsewhere([box.at(3)!]);
    assert.deepEqual(a.owedExpunges().map((m) => m.uid), [5], 'UID 9 got \\Deleted in another session: removing it now or later are both RFC 3501');
    assert.equal(a.expunge(3, true), undefined, 'but it may go now');
    a.polled();
    assert.deepEqual(a.owedExpunges().map((m) => m.uid), [5]);
    assert.equal(a.describeDeleted(a.owedExpunges()), 'messages 2 (UID 5)');
  });

  test('a removed message\'s flags are never asserted', () => {
    const { a, b } = shared(['\\Deleted']);
    a.expunge(1, true);
    assert.equal(b.knowsFlagsOf(b.at(1)!), false);
  });
});

describe('SEARCH in one session\'s view (§6.4.4)', () => {
  test('exact where the session knows the state, free for removed and unsettled messages', () => {
    const { box, a, b } = shared(['\\Flagged'], ['\\Flagged', '\\Deleted'], []);
    const flagged = { kind: 'flag', flag: '\\Flagged', set: true } as const;
    assert.deepEqual(b.expectSearch(flagged, false), { required: [1, 2], optional: new Set() });
    a.expunge(2, true);
    box.store([2], 'add', ['\\Flagged']);
    b.flagsChangedElsewhere([box.at(2)!]);
    assert.deepEqual(b.expectSearch(flagged, false), { required: [1], optional: new Set([2, 3]) }, 'UID 5 removed, UID 9 unsettled');
    b.polled();
    assert.deepEqual(b.expectSearch(flagged, true), { required: [3, 9], optional: new Set([5]) });
  });

  test('UID SEARCH may name messages not yet announced; numbers announced during a command are free too', () => {
    const { box, b } = shared();
    box.append(11, [], text(11));
    assert.deepEqual(b.expectSearch({ kind: 'all' }, true), { required: [3, 5, 9], optional: new Set([11]) });
    const before = [...b.messages()];
    b.announce(4);
    assert.deepEqual(b.lateNumbers(before, false), [4]);
    assert.deepEqual(b.lateNumbers(before, true), [11]);
  });
});
