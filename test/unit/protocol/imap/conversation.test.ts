import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ImapConversation, type ImapStep } from '../../../../src/protocol/imap/conversation.js';
import { ImapState } from '../../../../src/protocol/imap/session-state.js';
import type { Violation } from '../../../../src/protocol/shared/violation.js';
import { framedLine } from '../../../helpers/framed-lines.js';

/** Feeds server lines (and literal bytes when asked) and collects the rules violated. */
function feed(conversation: ImapConversation, ...chunks: Array<string | Buffer>): { steps: ImapStep[]; rules: string[] } {
  const steps: ImapStep[] = [];
  const violations: Violation[] = [];
  let next: ImapStep | undefined;
  for (const chunk of chunks) {
    next = typeof chunk === 'string' ? conversation.onLine(framedLine(`${chunk}\r\n`)) : conversation.onBytes(chunk);
    steps.push(next);
    if (!('more' in next)) violations.push(...next.violations);
  }
  return { steps, rules: violations.map((v) => v.rule) };
}

const send = (c: ImapConversation, text: string): void => c.onSend(Buffer.from(text, 'latin1'));

test('greeting, login and select move through the §3 states; tags in flight decide what is owed', () => {
  const c = new ImapConversation();
  assert.equal(c.awaitingLines(), true, 'the greeting is owed');
  assert.deepEqual(feed(c, '* OK [CAPABILITY IMAP4rev1 LITERAL+] ready').rules, []);
  assert.ok(c.capabilities.has('LITERAL+'));
  assert.equal(c.awaitingLines(), false);
  send(c, 'a1 LOGIN alice secret\r\n');
  assert.equal(c.awaitingLines(), true);
  feed(c, 'a1 OK done');
  assert.equal(c.state, ImapState.Authenticated);
  send(c, 'a2 SELECT INBOX\r\n');
  feed(c, '* 1 EXISTS', 'a2 OK [READ-WRITE] ok');
  assert.equal(c.state, ImapState.Selected);
  send(c, 'a3 SELECT nosuch\r\n');
  feed(c, 'a3 NO no such mailbox');
  assert.equal(c.state, ImapState.Authenticated, 'a failed SELECT leaves no mailbox selected (§6.3.1)');
});

test('a server literal is asked for by count and joined into one unit', () => {
  const c = new ImapConversation();
  feed(c, '* OK ready');
  send(c, 'a1 FETCH 1 BODY[]\r\n');
  const { steps, rules } = feed(c, '* 1 FETCH (BODY[] {5}', Buffer.from('hello'), ')', 'a1 OK done');
  assert.deepEqual(steps.slice(0, 2), [{ more: 'bytes', count: 5 }, { more: 'line' }]);
  const unit = steps[2]!;
  assert.ok(!('more' in unit) && unit.parsed.response.kind === 'untagged' && unit.parsed.response.type === 'fetch');
  assert.deepEqual(rules, []);
});

test('EXPUNGE during FETCH is a §7.4.1 violation; during UID FETCH it is allowed', () => {
  const c = new ImapConversation();
  feed(c, '* OK ready');
  send(c, 'a1 FETCH 1:* FLAGS\r\n');
  assert.deepEqual(feed(c, '* 2 EXPUNGE', 'a1 OK done').rules, ['EXPUNGE.during-fetch-store-search']);
  send(c, 'a2 UID FETCH 1:* FLAGS\r\n');
  assert.deepEqual(feed(c, '* 2 EXPUNGE', 'a2 OK done').rules, []);
  assert.deepEqual(feed(c, '* 1 EXPUNGE').rules, ['EXPUNGE.no-command']);
});

test('a tagged response with a tag no command has is a violation', () => {
  const c = new ImapConversation();
  feed(c, '* OK ready');
  send(c, 'a1 NOOP\r\n');
  assert.deepEqual(feed(c, 'b9 OK done').rules, ['response-tagged.tag']);
});

test('client literals: the octets after {n} are not command lines, and "+" means the server waits', () => {
  const c = new ImapConversation();
  feed(c, '* OK ready');
  send(c, 'a1 APPEND box {11}\r\n');
  assert.equal(c.awaitingLines(), true);
  feed(c, '+ go ahead');
  assert.equal(c.awaitingLines(), false, 'after "+", the server waits for the client');
  send(c, 'b2 NOOP x\r\n\r\n');
  assert.equal(c.awaitingLines(), true);
  assert.deepEqual(feed(c, 'a1 OK appended').rules, [], '"b2 NOOP x" was literal content, not a command with tag b2');
  assert.equal(c.awaitingLines(), false);
});

test('AUTHENTICATE: client lines answer challenges until the command completes (§6.2.2)', () => {
  const c = new ImapConversation();
  feed(c, '* OK ready');
  send(c, 'a1 AUTHENTICATE PLAIN\r\n');
  assert.deepEqual(feed(c, '+ ').rules, []);
  send(c, 'AGFsaWNlAHNlY3JldA==\r\n');
  assert.equal(c.awaitingLines(), true, 'a1 is owed its completion, and the base64 line is no command');
  assert.deepEqual(feed(c, 'a1 OK done').rules, []);
  assert.equal(c.awaitingLines(), false);
  send(c, 'a2 NOOP\r\n');
  assert.deepEqual(feed(c, 'a2 OK done').rules, [], 'commands again after the exchange');
});

test('IDLE: DONE ends it and is no command of its own (RFC 2177 §3)', () => {
  const c = new ImapConversation();
  feed(c, '* OK ready');
  send(c, 'a1 IDLE\r\n');
  feed(c, '+ idling');
  assert.equal(c.awaitingLines(), false, 'idling: the server waits');
  send(c, 'DONE\r\n');
  assert.equal(c.awaitingLines(), true, 'a1 is owed its completion');
  assert.deepEqual(feed(c, 'a1 OK done').rules, []);
  assert.equal(c.awaitingLines(), false, 'no command "DONE" left in flight');
});

test('while the client is still inside an announced literal, the server owes nothing (§4.3)', () => {
  const c = new ImapConversation();
  feed(c, '* OK ready');
  send(c, 'a1 APPEND box {4294967296}\r\n');
  feed(c, '+ OK');
  send(c, 'a2 NOOP\r\n');
  assert.equal(c.awaitingLines(), false, '"a2 NOOP" is literal octets; 4294967288 more are due before a1 is answered');
  send(c, 'x'.repeat(10));
  assert.equal(c.awaitingLines(), false);
});

test('a literal refused before "+" is never sent: the next line is a new command (§7.5)', () => {
  const c = new ImapConversation();
  feed(c, '* OK ready');
  send(c, 'a1 APPEND nosuch {11}\r\n');
  feed(c, 'a1 NO [TRYCREATE] no such mailbox');
  send(c, 'a2 NOOP\r\n');
  assert.equal(c.awaitingLines(), true);
  assert.deepEqual(feed(c, 'a2 OK done').rules, []);
});

test('the mailbox view catches a lost count, a bad EXPUNGE number and UIDs out of order', () => {
  const c = new ImapConversation();
  feed(c, '* OK ready');
  send(c, 'a1 SELECT box\r\n');
  assert.deepEqual(feed(c, '* 3 EXISTS', '* OK [UIDNEXT 10] next', 'a1 OK [READ-WRITE] done').rules, []);
  send(c, 'a2 FETCH 1:3 UID\r\n');
  assert.deepEqual(feed(c, '* 1 FETCH (UID 4)', '* 2 FETCH (UID 6)', '* 3 FETCH (UID 5)', 'a2 OK done').rules, ['UID.ascending']);
  send(c, 'a3 NOOP\r\n');
  assert.deepEqual(feed(c, '* 2 EXISTS', 'a3 OK done').rules, ['EXISTS.decrease']);
  send(c, 'a4 EXPUNGE\r\n');
  assert.deepEqual(feed(c, '* 2 EXPUNGE', '* 7 EXPUNGE', 'a4 OK done').rules, ['EXPUNGE.msg-number']);
  send(c, 'a5 FETCH 1 UID\r\n');
  assert.deepEqual(feed(c, '* 1 FETCH (UID 9)', '* 5 FETCH (FLAGS ())', 'a5 OK done').rules, ['UID.changed', 'FETCH.msg-number']);
});

test('a new SELECT starts a new view: a smaller EXISTS there is fine', () => {
  const c = new ImapConversation();
  feed(c, '* OK ready');
  send(c, 'a1 SELECT big\r\n');
  feed(c, '* 9 EXISTS', 'a1 OK done');
  send(c, 'a2 SELECT small\r\n');
  assert.deepEqual(feed(c, '* 1 EXISTS', 'a2 OK done').rules, []);
});

test('a count no array can hold (EXISTS 4294967296, FETCH of message 4294967295) is checked, not a RangeError or a hang', () => {
  // Found by the hostile-server property: the view kept UIDs in an array as long as EXISTS said.
  const c = new ImapConversation();
  feed(c, '* OK ready');
  send(c, 'a1 SELECT box\r\n');
  feed(c, '* 4294967296 EXISTS', '* 4294967295 FETCH (UID 7)', '* OK [UIDNEXT 3] next', 'a1 OK done');
  send(c, 'a2 FETCH 1 UID\r\n');
  assert.deepEqual(feed(c, '* 1 FETCH (UID 9)', 'a2 OK done').rules, ['UID.ascending']);
});

test('after EXPUNGE the later messages are renumbered: their UIDs follow them', () => {
  const c = new ImapConversation();
  feed(c, '* OK ready');
  send(c, 'a1 SELECT box\r\n');
  feed(c, '* 3 EXISTS', 'a1 OK done');
  send(c, 'a2 FETCH 1:3 UID\r\n');
  feed(c, '* 1 FETCH (UID 4)', '* 2 FETCH (UID 5)', '* 3 FETCH (UID 6)', 'a2 OK done');
  send(c, 'a3 EXPUNGE\r\n');
  feed(c, '* 2 EXPUNGE', 'a3 OK done');
  send(c, 'a4 FETCH 1:2 UID\r\n');
  assert.deepEqual(feed(c, '* 1 FETCH (UID 4)', '* 2 FETCH (UID 6)', 'a4 OK done').rules, []);
  send(c, 'a5 FETCH 2 UID\r\n');
  assert.deepEqual(feed(c, '* 2 FETCH (UID 5)', 'a5 OK done').rules, ['UID.changed']);
});
