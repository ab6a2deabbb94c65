import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ImapMailboxModel } from '../../../src/model/imap-mailbox.js';
import { ImapSessionView } from '../../../src/model/imap-session-view.js';
import { validSearchSetFor, validSetFor } from '../../../src/fuzz/models/imap-set-precondition.js';

const text = Buffer.from('Subject: x\r\n\r\nbody\r\n', 'latin1');

/** UIDs 3, 5 (\Deleted), 9 seen by sessions A and B; A expunged UID 5 and appended UID 11, B was told of neither. */
function diverged(): { a: ImapSessionView; b: ImapSessionView } {
  const box = new ImapMailboxModel();
  for (const uid of [3, 5, 9]) box.append(uid, uid === 5 ? ['\\Deleted'] : [], text);
  const a = new ImapSessionView(box);
  const b = new ImapSessionView(box);
  a.reset();
  b.reset();
  a.expunge(2, true);
  box.append(11, [], text);
  a.announce(3);
  return { a, b };
}

describe('sets a session may send (RFC 3501 leaves the rest to the server)', () => {
  test('a settled view: numbers up to its count, "*" once it holds a message, any UID', () => {
    const { a } = diverged();
    assert.equal(a.settled, true);
    assert.equal(validSetFor(a, false, [{ from: 3 }]), true);
    assert.equal(validSetFor(a, false, [{ from: 4 }]), false);
    assert.equal(validSetFor(a, false, [{ from: 1, to: '*' }]), true);
    assert.equal(validSetFor(a, true, [{ from: 100, to: '*' }]), true);
    assert.equal(validSetFor(new ImapSessionView(new ImapMailboxModel()), true, [{ from: '*' }]), false, '"*" in an empty mailbox is UIDNEXT');
  });

  test('never a message another session expunged, one not yet announced, or "*" while the view is not the mailbox', () => {
    const { b } = diverged();
    assert.equal(validSetFor(b, false, [{ from: 1 }]), true);
    assert.equal(validSetFor(b, false, [{ from: 2 }]), false, 'UID 5 was expunged by A');
    assert.equal(validSetFor(b, true, [{ from: 5 }]), false);
    assert.equal(validSetFor(b, true, [{ from: 9, to: 12 }]), false, 'UID 11 is not announced to B');
    assert.equal(validSetFor(b, true, [{ from: 6, to: 9 }]), true);
    assert.equal(validSetFor(b, false, [{ from: '*' }]), false);
  });

  test('SEARCH may name removed messages, but "*" and, in UID SEARCH, message numbers need a settled view', () => {
    const { b } = diverged();
    assert.equal(validSearchSetFor(b, false, 'seq', [{ from: 2 }]), true);
    assert.equal(validSearchSetFor(b, true, 'seq', [{ from: 2 }]), false, 'an EXPUNGE during UID SEARCH could renumber');
    assert.equal(validSearchSetFor(b, true, 'uid', [{ from: 2, to: 6 }]), true);
    assert.equal(validSearchSetFor(b, false, 'uid', [{ from: 2, to: '*' }]), false);
  });
});
