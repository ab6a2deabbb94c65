import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ClientUnit, ServerUnit } from '../../helpers/fault-proxy/fault.js';
import type { Piece } from '../../helpers/fault-proxy/framing.js';
import {
  appendToTag,
  dropLastSearchMatch,
  dropSearchUntaggedMarker,
  growRfc822Size,
  isoInternalDate,
  raiseUidValidity,
  readFetchUid,
  replaceFetchUid,
  unbalanceBodystructure,
  unpeekFetch,
  unquoteListDelimiter,
} from '../../helpers/fault-proxy/faults/imap-edits.js';

// The IMAP fault edits on responses as Dovecot writes them: each changes exactly what its fault says, and
// returns undefined (the fault does not fire) when there is nothing to change.

/** A server unit of line pieces and, for `{n}` strings, literal octets: ['* 1 FETCH (BODY[] {3}', 'abc', ')']. */
function response(...parts: string[]): ServerUnit {
  const pieces: Piece[] = parts.map((text, i) => {
    const literal = i > 0 && /\{\d+\}$/.test(parts[i - 1] ?? '');
    return { kind: literal ? 'octets' : 'line', bytes: Buffer.from(literal ? text : `${text}\r\n`, 'latin1') };
  });
  return { bytes: Buffer.concat(pieces.map((p) => p.bytes)), pieces, octets: false, partial: false, answers: 'FETCH', final: false };
}

const text = (bytes: Buffer | undefined): string | undefined => bytes?.toString('latin1');

test('appendToTag changes the tag of a completion only', () => {
  assert.equal(text(appendToTag(response('a3 OK NOOP completed.'), '.')), 'a3. OK NOOP completed.\r\n');
  assert.equal(appendToTag(response('* 3 EXISTS'), '.'), undefined);
});

test('unbalanceBodystructure drops the ")" that closes BODYSTRUCTURE, past quoted parentheses', () => {
  const unit = response('* 1 FETCH (UID 4 BODYSTRUCTURE ("text" "plain" ("charset" "us-ascii (x)") NIL NIL "7bit" 12 1))');
  assert.equal(text(unbalanceBodystructure(unit)), '* 1 FETCH (UID 4 BODYSTRUCTURE ("text" "plain" ("charset" "us-ascii (x)") NIL NIL "7bit" 12 1)\r\n');
  assert.equal(unbalanceBodystructure(response('* 1 FETCH (UID 4)')), undefined);
});

test('isoInternalDate rewrites date-time, space-padded day included', () => {
  assert.equal(text(isoInternalDate(response('* 1 FETCH (INTERNALDATE " 7-Jul-1996 02:44:25 -0700")'))), '* 1 FETCH (INTERNALDATE "1996-07-07T02:44:25-07:00")\r\n');
});

test('unquoteListDelimiter unquotes the delimiter of a LIST response', () => {
  assert.equal(text(unquoteListDelimiter(response('* LIST (\\Noselect) "/" ""'))), '* LIST (\\Noselect) / ""\r\n');
  assert.equal(unquoteListDelimiter(response('* LIST (\\Noselect) NIL ""')), undefined);
});

test('SEARCH edits: marker dropped, last match dropped, an empty result left alone', () => {
  assert.equal(text(dropSearchUntaggedMarker(response('* SEARCH 1 2'))), 'SEARCH 1 2\r\n');
  assert.equal(text(dropLastSearchMatch(response('* SEARCH 2 5 7'))), '* SEARCH 2 5\r\n');
  assert.equal(text(dropLastSearchMatch(response('* SEARCH 2'))), '* SEARCH\r\n');
  assert.equal(dropLastSearchMatch(response('* SEARCH')), undefined);
});

test('growRfc822Size leaves literal octets alone', () => {
  const unit = response('* 1 FETCH (BODY[] {14}', 'RFC822.SIZE 14', ' RFC822.SIZE 14)');
  assert.equal(text(growRfc822Size(unit)), '* 1 FETCH (BODY[] {14}\r\nRFC822.SIZE 14 RFC822.SIZE 15)\r\n');
});

test('UID and UIDVALIDITY readers and edits', () => {
  const unit = response('* 2 FETCH (FLAGS (\\Seen) UID 17)');
  assert.deepEqual(readFetchUid(unit), { seq: 2, uid: 17 });
  assert.equal(text(replaceFetchUid(unit, 16)), '* 2 FETCH (FLAGS (\\Seen) UID 16)\r\n');
  assert.equal(text(raiseUidValidity(response('* OK [UIDVALIDITY 1700000000] UIDs valid'), 2)), '* OK [UIDVALIDITY 1700000002] UIDs valid\r\n');
});

test('unpeekFetch asks for BODY[...] instead of BODY.PEEK[...]', () => {
  const command: ClientUnit = { ...response('a3 FETCH 1 (BODY.PEEK[HEADER] body.peek[])'), kind: 'command', verb: 'FETCH', tag: 'a3' };
  assert.equal(text(unpeekFetch(command)), 'a3 FETCH 1 (BODY[HEADER] BODY[])\r\n');
});
