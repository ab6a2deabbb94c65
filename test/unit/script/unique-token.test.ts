import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { caseMailboxRoots } from '../../../src/script/setup/imap-leftovers.js';
import { tokenCreatedAt, uniqueToken } from '../../../src/script/unique-token.js';

const AT = Date.UTC(2026, 4, 17, 12, 0, 0);

describe('uniqueToken', () => {
  it('carries the time it was made, which tokenCreatedAt reads back', () => {
    const token = uniqueToken('imap.rfc3501.sel-check-ok', AT);
    assert.match(token, /^mc[0-9a-z]{8}[0-9a-z]{0,6}-sel-check-ok$/);
    assert.equal(tokenCreatedAt(token), AT);
    assert.equal(tokenCreatedAt(`${token}/child`), AT);
  });

  it('is different for two cases made in the same millisecond', () => {
    assert.notEqual(uniqueToken('a.b', AT), uniqueToken('a.b', AT));
  });

  it('reads no time from text that is not a token', () => {
    for (const text of ['fuzz-solo', 'notes', 'mc-x', 'mcSHORT-x', 'mc12345678', 'MCMPA3K1S0-x']) assert.equal(tokenCreatedAt(text), undefined, text);
  });
});

describe('caseMailboxRoots', () => {
  const ours = `mailconform-${uniqueToken('imap.rfc3501.copy', AT)}`;
  it('keeps only the tool\'s case mailboxes, each once, without what lies under them', () => {
    const names = ['INBOX', 'Archive', 'mailconform-notes', 'mailconform-fuzz-solo', 'mailconform-fuzz-solo/x', 'mailconform-mc-not-a-token', 'Mailconform-' + ours.slice(12), ours, `${ours}/child`, `${ours}-copy`, `x${ours}`];
    assert.deepEqual(caseMailboxRoots(names), [{ name: ours, createdAt: AT }]);
  });

  it('keeps a child whose case mailbox is gone, and leaves out a "time" before the tool existed', () => {
    assert.deepEqual(caseMailboxRoots([`${ours}/child`, 'mailconform-mc00000001abcdef-x']), [{ name: `${ours}/child`, createdAt: AT }]);
  });
});
