import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ImapMailboxView } from '../../../../src/protocol/imap/mailbox-view.js';
import { parseWire } from './parse-wire.js';

/** Feeds each response line to the view; returns the rules of the violations it reports. */
function observe(view: ImapMailboxView, ...lines: string[]): string[] {
  return lines.flatMap((line) => view.observe(parseWire(`${line}\r\n`).response, Buffer.from(line)).map((v) => v.rule));
}

describe('ImapMailboxView: VANISHED (RFC 7162 §3.2.10) counts as expunges by UID', () => {
  it('removes messages whose UIDs it knows and renumbers the rest', () => {
    const view = new ImapMailboxView();
    assert.deepEqual(observe(view, '* 3 EXISTS', '* 1 FETCH (UID 10)', '* 2 FETCH (UID 20)', '* 3 FETCH (UID 30)', '* VANISHED 20'), []);
    // Message 2 is now UID 30: the same UID under its new number is no change, and 2 messages remain.
    assert.deepEqual(observe(view, '* 2 FETCH (UID 30)'), []);
    assert.deepEqual(observe(view, '* 3 FETCH (UID 40)'), ['FETCH.msg-number']);
    assert.deepEqual(observe(view, '* 1 EXISTS'), ['EXISTS.decrease']);
  });

  it('counts every UID of the set (§3.2.10.2), shifts known messages past unknown vanished UIDs, ignores EARLIER', () => {
    const view = new ImapMailboxView();
    assert.deepEqual(observe(view, '* 4 EXISTS', '* 4 FETCH (UID 40)', '* VANISHED (EARLIER) 40', '* 4 FETCH (UID 40)'), []);
    // UIDs 5:6 were messages this view never saw the UIDs of: UID 40 moves from 4 to 2, and 2 remain.
    assert.deepEqual(observe(view, '* VANISHED 5:6', '* 2 FETCH (UID 40)'), []);
    assert.deepEqual(observe(view, '* 3 FETCH (UID 41)'), ['FETCH.msg-number']);
  });

  it('reports a VANISHED naming more UIDs than there are messages', () => {
    const view = new ImapMailboxView();
    assert.deepEqual(observe(view, '* 2 EXISTS', '* VANISHED 1:3'), ['VANISHED.msg-count']);
  });
});
