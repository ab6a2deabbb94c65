import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ImapRawResponse } from '../../../src/protocol/imap/response-framer.js';
import { readValueTree } from '../../../src/protocol/imap/value-tree.js';
import { compileImapPattern, matchImapPattern } from '../../../src/script/adapters/imap-pattern.js';

function raw(...parts: Array<string | Buffer>): ImapRawResponse {
  return {
    parts: parts.map((p) => (typeof p === 'string' ? { kind: 'text' as const, bytes: Buffer.from(p, 'latin1'), ending: 'crlf' as const } : { kind: 'literal' as const, bytes: p })),
    length: 0,
    streamOffset: 0,
  };
}

function match(pattern: string, response: ImapRawResponse, bindings = new Map<string, string>()) {
  const compiled = compileImapPattern(pattern);
  assert.ok(!('error' in compiled), `pattern ${pattern}`);
  return matchImapPattern(compiled, readValueTree(response), bindings);
}

test('untagged marker, numbers and keywords (case-insensitive), exact counts', () => {
  assert.ok(match('* 18 EXISTS', raw('* 18 EXISTS')).ok);
  assert.ok(match('* 18 exists', raw('* 18 EXISTS')).ok);
  assert.ok(!match('* 17 EXISTS', raw('* 18 EXISTS')).ok);
  assert.ok(!match('* 18 EXISTS', raw('* 18 EXISTS extra')).ok);
  assert.ok(!match('* 18 EXISTS', raw('a1 OK done')).ok);
});

test('wildcards and captures in tagged responses with codes', () => {
  const result = match('a2 OK [UIDVALIDITY ${uv}] *', raw('a2 OK [UIDVALIDITY 3857529045] UIDs valid'));
  assert.ok(result.ok && result.captures.get('uv') === '3857529045');
  assert.ok(!match('a2 OK [UIDVALIDITY ${uv}] *', raw('a2 OK [UIDVALIDITY 1] x'), new Map([['uv', '2']])).ok, 'a bound variable must be equal');
  assert.ok(match('a2 OK [READ-WRITE] *', raw('a2 OK [READ-WRITE] Select completed (0.001 + 0.000 secs).')).ok);
  assert.ok(match('a2 NO *', raw('a2 NO [TRYCREATE] Mailbox does not exist')).ok);
  assert.ok(!match('a2 OK *', raw('a2 NO x')).ok);
});

test('FETCH data items and flags match in any order; * allows more', () => {
  const response = raw('* 1 FETCH (UID 7 FLAGS (\\Seen \\Answered) RFC822.SIZE 120)');
  assert.ok(match('* 1 FETCH (FLAGS (\\Answered \\Seen) RFC822.SIZE 120 UID 7)', response).ok);
  assert.ok(match('* 1 FETCH (FLAGS (\\Seen *) *)', response).ok);
  const missing = match('* 1 FETCH (FLAGS (\\Seen))', response);
  assert.ok(!missing.ok && /unexpected|no FETCH data item/.test(missing.mismatch), JSON.stringify(missing));
  assert.ok(!match('* 1 FETCH (FLAGS (\\Deleted) *)', response).ok);
});

test('literals are strings by value; sections and origins group with their item', () => {
  const body = Buffer.from('Subject: hi\r\n\r\n');
  const response = raw('* 3 FETCH (UID 9 BODY[HEADER] {15}', body, ')');
  assert.ok(match('* 3 FETCH (BODY[HEADER] "Subject: hi\\r\\n\\r\\n" UID 9)'.replace('\\r\\n\\r\\n', '\r\n\r\n'), response).ok);
  const captured = match('* 3 FETCH (BODY[HEADER] ${h} *)', response);
  assert.ok(captured.ok && captured.captures.get('h') === body.toString('latin1'));
  assert.ok(match('* 1 FETCH (BODY[]<0> "abc")', raw('* 1 FETCH (BODY[]<0> {3}', Buffer.from('abc'), ')')).ok);
});

test('LIST with quoted delimiter and a mailbox atom or string', () => {
  assert.ok(match('* LIST (\\HasNoChildren) "/" INBOX', raw('* LIST (\\HasNoChildren) "/" INBOX')).ok);
  assert.ok(match('* LIST (*) "/" "${box}"', raw('* LIST (\\HasNoChildren \\Marked) "/" "mc-1"'), new Map([['box', 'mc-1']])).ok);
});

test('malformed patterns are reported', () => {
  for (const bad of ['* (unclosed', 'a1 OK ]', '"open']) assert.ok('error' in compileImapPattern(bad), bad);
});

test('alternatives where the RFC leaves the choice; LIST attributes in any order', () => {
  assert.ok(match('a3 BAD|NO *', raw('a3 NO [CANNOT] nope')).ok);
  assert.ok(match('a3 BAD|NO *', raw('a3 BAD nope')).ok);
  assert.ok(!match('a3 BAD|NO *', raw('a3 OK yes')).ok);
  assert.ok(match('* LIST (\\Noselect \\HasChildren) "/" x', raw('* LIST (\\HasChildren \\Noselect) "/" x')).ok);
});
